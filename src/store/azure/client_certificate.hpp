// The certificate credential of an Entra ID service principal: an X.509 certificate and
// its RSA private key from one PEM file, and the JWT client assertion signed with that
// key which the token endpoint takes in place of a client secret (Microsoft identity
// platform, "certificate credentials": RS256, x5t = base64url SHA-1 of the DER
// certificate, aud = the token endpoint, iss = sub = the client id).
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr::azure {

class ClientCertificate {
 public:
  // Reads `path`: a PEM file with the certificate and its unencrypted RSA private key, in
  // either order, as `az ad sp create-for-rbac --create-cert` writes it. Errors name the
  // file and what is missing or wrong; never any key material.
  static Result<ClientCertificate> Load(const std::string& path);

  // The x5t header: how Entra ID finds which of the application's certificates signed.
  const std::string& thumbprint() const { return thumbprint_; }

  // A fresh assertion (its own jti) for `client_id` to present at `token_url`, valid
  // from `now` for ten minutes: one assertion serves one token request.
  Result<std::string> Assertion(std::string_view client_id, std::string_view token_url,
                                std::chrono::system_clock::time_point now) const;

 private:
  ClientCertificate(std::shared_ptr<EVP_PKEY> key, std::string thumbprint)
      : key_(std::move(key)), thumbprint_(std::move(thumbprint)) {}

  std::shared_ptr<EVP_PKEY> key_;
  std::string thumbprint_;
};

}  // namespace hvr::azure
