#include "test_util/certificates.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <stdexcept>

namespace hvr {

CertificateFiles MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                           const std::string& ip) {
  CertificateFiles files{dir + "/" + name + ".pem", dir + "/" + name + "-key.pem"};
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj /CN=" + ip + " -addext subjectAltName=IP:" + ip + " -keyout '" + files.key +
      "' -out '" + files.cert + "' >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("openssl could not make a certificate: " + command);
  }
  return files;
}

}  // namespace hvr
