// An Azurite blob service for one test process: started from the project's pinned copy
// (.deps/azurite, scripts/install-deps.sh) on 127.0.0.1 with a port the system picks, a
// temporary workspace and telemetry off; optionally HTTPS with a given certificate.
// Stopped, and its workspace removed, when the object goes. Starting takes a few
// seconds, so a test suite shares one instance between its cases. Azurite is killed when
// the thread that started it ends, so start it from the test's main thread.
//
// Where HVR_TEST_AZURITE names a folder, the object is one of the three Azurites that
// tests/test_util/azurite_fixture.sh started there natively, before the test, and leaves
// running after it: plain HTTP, or HTTPS with the certificate FixtureCertificate() names,
// taking Entra ID tokens or not. That is the only way on Windows, whose test programs run
// under Wine and cannot start or stop a Linux program, nor make a certificate with the
// openssl program (docs/windows.md); the fixture makes the application certificates of
// the Entra ID tests too (FixtureClientCertificate).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "test_util/certificates.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {

class Azurite {
 public:
  struct Options {
    std::string cert_file;  // PEM; with key_file, Azurite serves HTTPS
    std::string key_file;
    bool loose = false;     // --loose: ignore headers Azurite does not implement
    bool oauth = false;     // --oauth basic: take Entra ID bearer tokens (needs HTTPS)
  };

  // The environment variable naming the folder of an Azurite already running.
  static constexpr char kFixtureVariable[] = "HVR_TEST_AZURITE";

  // The certificate (and its key) the fixture's HTTPS Azurite serves, which is also the CA
  // to trust, where HVR_TEST_AZURITE names a fixture; none where tests start their own.
  static std::optional<CertificateFiles> FixtureCertificate();
  // The application certificate `name` the fixture made ("app" or "other"), where
  // HVR_TEST_AZURITE names a fixture; none where tests make their own. Throws
  // std::runtime_error if the fixture has no certificate of that name.
  static std::optional<ClientCertificateFiles> FixtureClientCertificate(const std::string& name);

  // Throws std::runtime_error naming what failed (missing install, no start in time, a
  // fixture's folder without a port, options a fixture's Azurite does not have: --loose,
  // a certificate of another, OAuth over HTTP).
  explicit Azurite(Options options);
  Azurite() : Azurite(Options{}) {}
  ~Azurite();
  Azurite(const Azurite&) = delete;
  Azurite& operator=(const Azurite&) = delete;

  uint16_t port() const { return port_; }
  bool https() const { return https_; }
  // "http://127.0.0.1:PORT/devstoreaccount1"
  std::string BlobEndpoint() const;
  // A connection string with the development account's key and Container=`container`.
  std::string ConnectionString(const std::string& container) const;
  // Azurite's console output so far, for failure messages.
  std::string Log() const;

 private:
  // Starts a process of its own (POSIX) and sets port_; stops it.
  void Start(const Options& options);
  void Stop();

  TempDir dir_;
  std::string log_;  // Azurite's console output
  int pid_ = -1;     // of the process started here; -1 for a fixture's Azurite
  uint16_t port_ = 0;
  bool https_ = false;
};

}  // namespace hvr
