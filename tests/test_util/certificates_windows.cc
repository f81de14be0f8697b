// The certificates are made by the openssl program, which a Windows test program cannot
// run under Wine (docs/windows.md). What the Windows build's tests need is made natively
// before them: the server certificate of the Azurite fixture's HTTPS instances
// (Azurite::FixtureCertificate), the application certificates of the Entra ID tests
// (Azurite::FixtureClientCertificate), and the store's files (tests/store/openssl_files.sh).
#include <stdexcept>

#include "test_util/certificates.hpp"

namespace hvr {

CertificateFiles MakeSelfSignedCertificate(const std::string&, const std::string& name, const std::string&) {
  throw std::runtime_error("certificate " + name + ": the openssl program does not run from a Windows test");
}

ClientCertificateFiles MakeClientCertificate(const std::string&, const std::string& name) {
  throw std::runtime_error("certificate " + name + ": the openssl program does not run from a Windows test");
}

}  // namespace hvr
