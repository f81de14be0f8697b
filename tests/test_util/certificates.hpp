// Test certificates made with the openssl command line: a self-signed server
// certificate for an IP address, to serve Azurite over HTTPS, and an application's RSA
// certificate, to sign Entra ID client assertions with.
#pragma once

#include <string>

namespace hvr {

struct CertificateFiles {
  std::string cert;  // PEM certificate (also the CA to trust: it signs itself)
  std::string key;   // PEM private key
};

// Writes NAME.pem and NAME-key.pem into `dir`, a P-256 certificate for `ip` (in the
// subject alternative names) valid for two days. Throws std::runtime_error on failure.
CertificateFiles MakeSelfSignedCertificate(const std::string& dir, const std::string& name,
                                           const std::string& ip);

struct ClientCertificateFiles {
  std::string cert;      // PEM certificate alone: what the application registers
  std::string with_key;  // PEM certificate and private key: what ClientCertificatePath names
};

// Writes NAME.pem, NAME-key.pem and NAME-with-key.pem into `dir`: a self-signed RSA 2048
// certificate with CN=NAME, valid for two days. Throws std::runtime_error on failure.
ClientCertificateFiles MakeClientCertificate(const std::string& dir, const std::string& name);

}  // namespace hvr
