// A Microsoft Entra ID token endpoint for tests, over HTTPS on 127.0.0.1
// (AUTHORITY/TENANT/oauth2/v2.0/token). It checks a client credentials grant as Entra ID
// does: the tenant, the client id, the storage scope, and either the client secret or a
// client assertion whose RS256 signature verifies against the application's certificate,
// with the x5t, aud, iss, sub, jti and times Entra ID requires; a wrong one gets 401
// invalid_client with an AADSTS code. It issues tokens that Azurite's --oauth basic takes
// (audience https://storage.azure.com, issuer https://sts.windows.net/TENANT/, nbf, iat,
// exp), living as long as the test asks.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "test_util/certificates.hpp"
#include "test_util/https_server.hpp"

namespace hvr {

class TokenEndpoint {
 public:
  struct Options {
    CertificateFiles tls;  // the server's certificate, for 127.0.0.1
    std::string tenant_id = "8f0c7a9e-3b52-4d61-9a0e-5c4b2f1d7e63";
    std::string client_id = "2b6e51d4-93a7-4c08-b1f5-7d3a9e0c4f12";
    std::string client_secret;       // the secret the application has, or
    std::string certificate;         // the PEM certificate it registered
    std::chrono::seconds token_lifetime{3600};
    std::string audience = "https://storage.azure.com";  // of the tokens it issues
    std::chrono::milliseconds delay{0};  // before every answer
  };

  explicit TokenEndpoint(Options options);

  std::string AuthorityHost() const { return server_->Origin(); }
  // The connection string keys that sign in here: TenantId, ClientId, AuthorityHost, and
  // ClientSecret=`secret` or ClientCertificatePath=`certificate_path`, whichever is given.
  std::string Keys(const std::string& secret, const std::string& certificate_path = "") const;

  int requests() const;                  // token requests received
  std::vector<std::string> tokens() const;  // every token issued, in order
  std::string last_refusal() const;      // why the last refused request was refused
  // Answers the next `count` requests with `status` and this error instead, as Entra ID
  // does when it is busy or down.
  void FailNext(int count, unsigned status, const std::string& error,
                const std::string& description);

 private:
  HttpsServer::Reply Answer(const HttpsServer::Request& request);
  // Empty when the assertion is right, else the AADSTS message Entra ID would give.
  std::string CheckAssertion(const std::string& assertion);
  HttpsServer::Reply Token();
  HttpsServer::Reply Refuse(unsigned status, const std::string& error, const std::string& description);

  const Options options_;
  std::string thumbprint_;  // base64url SHA-1 of the registered certificate's DER
  mutable std::mutex mu_;
  int requests_ = 0;
  std::vector<std::string> tokens_;
  std::set<std::string> seen_jtis_;
  std::string last_refusal_;
  std::deque<HttpsServer::Reply> failures_;
  std::unique_ptr<HttpsServer> server_;  // last: it calls Answer() until it stops
};

}  // namespace hvr
