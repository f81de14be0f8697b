// The certificates are made by the openssl program, which a Windows test program cannot
// run under Wine (docs/windows.md); the Windows build runs no test that needs them.
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
