#include "integration/store_backends.hpp"

#include <unistd.h>

#include <openssl/ssl.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>

#include "store/azure/azure_target.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/sas.hpp"
#include "test_util/certificates.hpp"

namespace hvr::testing {
namespace {

struct Shared {
  std::mutex mu;
  std::unique_ptr<Azurite> http;
  std::unique_ptr<TempDir> cert_dir;  // of the certificates made here
  CertificateFiles cert;
  std::map<std::string, ClientCertificateFiles> applications;
  std::unique_ptr<Azurite> https;
  std::unique_ptr<Azurite> entra;
  std::unique_ptr<TokenEndpoint> token_endpoint;
};

Shared& State() {
  static Shared* shared = new Shared;  // stopped by the process's exit handlers below
  return *shared;
}

// Azurite children must not outlive the test process.
void StopAll() {
  Shared& s = State();
  s.http.reset();
  s.https.reset();
  s.entra.reset();
  s.token_endpoint.reset();
  s.cert_dir.reset();
}

// OpenSSL frees its per-thread state in an exit handler of its own, registered when it is
// first initialised. Exit handlers run last registered first, so ours is registered after
// OpenSSL's: the token endpoint's thread then ends while OpenSSL can still free its state.
void RegisterStop() {
  static std::once_flag once;
  std::call_once(once, [] {
    OPENSSL_init_ssl(0, nullptr);
    std::atexit(StopAll);
  });
}

// The folder of the certificates made here, made on first use; `s.mu` is held.
const std::string& CertificateFolder(Shared& s) {
  if (!s.cert_dir) s.cert_dir = std::make_unique<TempDir>();
  return s.cert_dir->path();
}

// The fixture's where its Azurites serve (on Windows, whose test programs cannot make one),
// else made on first use; `s.mu` is held.
const CertificateFiles& Certificate(Shared& s) {
  if (!s.cert.cert.empty()) return s.cert;
  if (std::optional<CertificateFiles> fixture = Azurite::FixtureCertificate()) {
    s.cert = *fixture;
  } else {
    s.cert = MakeSelfSignedCertificate(CertificateFolder(s), "loopback", "127.0.0.1");
  }
  return s.cert;
}

}  // namespace

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kLocal:
      return "Local";
    case Backend::kAzuriteHttp:
      return "AzuriteHttp";
    case Backend::kAzuriteHttps:
      return "AzuriteHttps";
    case Backend::kAzuriteSas:
      return "AzuriteSas";
    case Backend::kAzuriteEntra:
      return "AzuriteEntra";
  }
  return "Unknown";
}

bool IsAzurite(Backend backend) { return backend != Backend::kLocal; }

Azurite& HttpAzurite() {
  Shared& s = State();
  std::lock_guard lock(s.mu);
  RegisterStop();
  if (!s.http) s.http = std::make_unique<Azurite>();
  return *s.http;
}

// The HTTPS Azurite kept in `instance`, started with the loopback certificate on first use.
Azurite& HttpsInstance(std::unique_ptr<Azurite> Shared::*instance, bool oauth) {
  Shared& s = State();
  std::lock_guard lock(s.mu);
  RegisterStop();
  std::unique_ptr<Azurite>& azurite = s.*instance;
  if (!azurite) {
    const CertificateFiles& cert = Certificate(s);
    azurite = std::make_unique<Azurite>(Azurite::Options{cert.cert, cert.key, false, oauth});
  }
  return *azurite;
}

Azurite& HttpsAzurite() { return HttpsInstance(&Shared::https, false); }

Azurite& EntraAzurite() { return HttpsInstance(&Shared::entra, true); }

const CertificateFiles& LoopbackCertificate() {
  Shared& s = State();
  std::lock_guard lock(s.mu);
  return Certificate(s);
}

const std::string& HttpsAzuriteCa() { return LoopbackCertificate().cert; }

const ClientCertificateFiles& ApplicationCertificate(const std::string& name) {
  Shared& s = State();
  std::lock_guard lock(s.mu);
  RegisterStop();
  auto found = s.applications.find(name);
  if (found == s.applications.end()) {
    std::optional<ClientCertificateFiles> fixture = Azurite::FixtureClientCertificate(name);
    found = s.applications.emplace(name, fixture ? *fixture : MakeClientCertificate(CertificateFolder(s), name)).first;
  }
  return found->second;
}

TokenEndpoint& EntraTokenEndpoint() {
  Shared& s = State();
  std::lock_guard lock(s.mu);
  RegisterStop();
  if (!s.token_endpoint) {
    TokenEndpoint::Options options;
    options.tls = Certificate(s);
    options.client_secret = kEntraClientSecret;
    s.token_endpoint = std::make_unique<TokenEndpoint>(options);
  }
  return *s.token_endpoint;
}

std::string UniqueContainer() {
  // The process id alone does not do where one Azurite serves many processes in turn (the
  // Windows build's fixture, for a whole run): Wine hands the same ids out again at once.
  static const std::string process = std::to_string(::getpid()) + "-" + std::to_string(std::random_device()());
  static std::atomic<int> counter{0};
  return "t" + process + "-" + std::to_string(++counter);
}

std::string NewTarget(Backend backend, const TempDir& scratch) {
  switch (backend) {
    case Backend::kLocal:
      return scratch.File("store-" + UniqueContainer());
    case Backend::kAzuriteHttp:
      return HttpAzurite().ConnectionString(UniqueContainer());
    case Backend::kAzuriteHttps:
      return HttpsAzurite().ConnectionString(UniqueContainer());
    case Backend::kAzuriteSas: {
      const auto key = azure::Base64Decode(azure::kDevelopmentKey);
      const std::string sas = azure::MakeAccountSas(
          azure::kDevelopmentAccount, *key, "rwdlacup",
          std::chrono::system_clock::now() + std::chrono::hours(2));
      return HttpAzurite().BlobEndpoint() + "/" + UniqueContainer() + "?" + sas;
    }
    case Backend::kAzuriteEntra:
      return "BlobEndpoint=" + EntraAzurite().BlobEndpoint() + ";" +
             EntraTokenEndpoint().Keys(kEntraClientSecret) + ";Container=" + UniqueContainer();
  }
  return {};
}

StoreOptions OptionsFor(Backend backend) {
  StoreOptions options;
  options.max_in_flight = 4;
  if (backend == Backend::kAzuriteHttps || backend == Backend::kAzuriteEntra) {
    options.tls.ca_file = HttpsAzuriteCa();
  }
  return options;
}

}  // namespace hvr::testing
