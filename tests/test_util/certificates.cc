#include "test_util/certificates.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <stdexcept>

namespace hvr {

namespace {

void Run(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("openssl could not make a certificate: " + command);
  }
}

}  // namespace

CertificateFiles MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                           const std::string& ip) {
  Run("'" HVR_TEST_SOURCE_DIR "/tests/test_util/server_certificate.sh' '" + dir + "' '" + name + "' '" + ip + "'");
  return CertificateFiles{dir + "/" + name + ".pem", dir + "/" + name + "-key.pem"};
}

ClientCertificateFiles MakeClientCertificate(const std::string& dir, const std::string& name) {
  Run("'" HVR_TEST_SOURCE_DIR "/tests/test_util/client_certificate.sh' '" + dir + "' '" + name + "'");
  return ClientCertificateFiles{dir + "/" + name + ".pem", dir + "/" + name + "-with-key.pem"};
}

}  // namespace hvr
