#include "integration/store_backends.hpp"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "store/azure/azure_target.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/sas.hpp"
#include "test_util/certificates.hpp"

namespace hvr::testing {
namespace {

struct Shared {
  std::mutex mu;
  std::unique_ptr<Azurite> http;
  std::unique_ptr<TempDir> cert_dir;
  CertificateFiles cert;
  std::unique_ptr<Azurite> https;
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
  s.cert_dir.reset();
}

void RegisterStop() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(StopAll); });
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

Azurite& HttpsAzurite() {
  Shared& s = State();
  std::lock_guard lock(s.mu);
  RegisterStop();
  if (!s.https) {
    s.cert_dir = std::make_unique<TempDir>();
    s.cert = MakeSelfSignedCertificate(s.cert_dir->path(), "azurite", "127.0.0.1");
    s.https = std::make_unique<Azurite>(Azurite::Options{s.cert.cert, s.cert.key, false});
  }
  return *s.https;
}

const std::string& HttpsAzuriteCa() {
  HttpsAzurite();
  return State().cert.cert;
}

std::string UniqueContainer() {
  static std::atomic<int> counter{0};
  return "t" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
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
  }
  return {};
}

StoreOptions OptionsFor(Backend backend) {
  StoreOptions options;
  options.max_in_flight = 4;
  if (backend == Backend::kAzuriteHttps) options.tls.ca_file = HttpsAzuriteCa();
  return options;
}

}  // namespace hvr::testing
