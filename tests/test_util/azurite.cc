#include "test_util/azurite.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/path.hpp"

namespace hvr {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The folder HVR_TEST_AZURITE names, or empty.
std::string FixtureFolder() {
  const char* fixture = std::getenv(Azurite::kFixtureVariable);
  return fixture == nullptr ? std::string() : std::string(fixture);
}

}  // namespace

std::optional<CertificateFiles> Azurite::FixtureCertificate() {
  const std::string fixture = FixtureFolder();
  if (fixture.empty()) return std::nullopt;
  // Where tests/test_util/azurite_fixture.sh has server_certificate.sh write it.
  return CertificateFiles{fixture + "/https/loopback.pem", fixture + "/https/loopback-key.pem"};
}

std::optional<ClientCertificateFiles> Azurite::FixtureClientCertificate(const std::string& name) {
  const std::string fixture = FixtureFolder();
  if (fixture.empty()) return std::nullopt;
  // Where tests/test_util/azurite_fixture.sh has client_certificate.sh write them; absolute
  // as the system spells it, as ClientCertificatePath must be (Z:\work\... under Wine).
  const std::string base = fixture + "/entra/" + name;
  ClientCertificateFiles files{AbsolutePath(base + ".pem"), AbsolutePath(base + "-with-key.pem")};
  if (!std::ifstream(files.cert) || !std::ifstream(files.with_key)) {
    throw std::runtime_error("the fixture " + std::string(kFixtureVariable) + "=" + fixture +
                             " made no application certificate " + files.cert +
                             " (it makes those tests/test_util/azurite_fixture.sh names)");
  }
  return files;
}

Azurite::Azurite(Options options) {
  const std::string fixture = FixtureFolder();
  if (fixture.empty()) {
    log_ = dir_.File("azurite.log");
    Start(options);
    return;
  }
  if (options.loose) {
    throw std::runtime_error(std::string("the Azurites of ") + kFixtureVariable + "=" + fixture +
                             " run without --loose: this test needs one of its own");
  }
  std::string folder = fixture;
  if (!options.cert_file.empty()) {
    if (options.cert_file != FixtureCertificate()->cert) {
      throw std::runtime_error("the HTTPS Azurites of " + std::string(kFixtureVariable) + "=" + fixture +
                               " serve " + FixtureCertificate()->cert + ", not " + options.cert_file);
    }
    // The folders tests/test_util/azurite_fixture.sh starts them in.
    folder += options.oauth ? "/oauth" : "/https";
    https_ = true;
  } else if (options.oauth) {
    throw std::runtime_error(std::string("the Azurite of ") + kFixtureVariable + "=" + fixture +
                             " that takes Entra ID tokens serves HTTPS: give it the fixture's certificate");
  }
  log_ = folder + "/azurite.log";
  const std::string port = ReadFile(folder + "/port");
  const unsigned long number = std::strtoul(port.c_str(), nullptr, 10);
  if (number == 0 || number > 65535) {
    throw std::runtime_error(folder + "/port holds no port (\"" + port + "\"): is the fixture " +
                             "tests/test_util/azurite_fixture.sh started?");
  }
  port_ = static_cast<uint16_t>(number);
}

Azurite::~Azurite() {
  if (pid_ > 0) Stop();
}

std::string Azurite::BlobEndpoint() const {
  return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         "/devstoreaccount1";
}

std::string Azurite::ConnectionString(const std::string& container) const {
  // The development account's key is public (Azurite's documentation).
  return "DefaultEndpointsProtocol=" + std::string(https_ ? "https" : "http") +
         ";AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6"
         "IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=" +
         BlobEndpoint() + ";Container=" + container;
}

std::string Azurite::Log() const { return ReadFile(log_); }

}  // namespace hvr
