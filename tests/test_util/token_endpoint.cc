#include "test_util/token_endpoint.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse_query.hpp>
#include <map>
#include <optional>
#include <stdexcept>

#include "hvr/guid.hpp"
#include "store/azure/crypto.hpp"
#include "test_util/jwt.hpp"

namespace hvr {
namespace {

namespace http = boost::beast::http;
using Json = boost::json::object;

constexpr std::string_view kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr std::string_view kScope = "https://storage.azure.com/.default";

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::map<std::string, std::string> FormFields(const std::string& body) {
  std::map<std::string, std::string> out;
  auto query = boost::urls::parse_query(body);
  if (!query) return out;
  for (const auto& param : *query) out[param.key.decode()] = param.value.decode();
  return out;
}

std::unique_ptr<X509, decltype(&X509_free)> ReadCertificate(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), &BIO_free);
  X509* certificate = bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (certificate == nullptr) throw std::runtime_error("token endpoint: cannot read " + path);
  return {certificate, &X509_free};
}

bool SignatureVerifies(const std::string& path, std::string_view signed_part,
                       const std::string& signature) {
  auto certificate = ReadCertificate(path);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(certificate.get()),
                                                          &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  return key && context &&
         EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), Bytes(signature).data(), signature.size(),
                          Bytes(signed_part).data(), signed_part.size()) == 1;
}

}  // namespace

TokenEndpoint::TokenEndpoint(Options options) : options_(std::move(options)) {
  if (!options_.certificate.empty()) {
    // The thumbprint as Entra ID computes it from the registered certificate.
    auto certificate = ReadCertificate(options_.certificate);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    X509_digest(certificate.get(), EVP_sha1(), digest, &size);
    thumbprint_.assign(reinterpret_cast<const char*>(digest), size);
  }
  server_ = std::make_unique<HttpsServer>(
      options_.tls, [this](const HttpsServer::Request& request) { return Answer(request); });
}

std::string TokenEndpoint::Keys(const std::string& secret, const std::string& certificate_path) const {
  std::string keys = "TenantId=" + options_.tenant_id + ";ClientId=" + options_.client_id +
                     ";AuthorityHost=" + AuthorityHost();
  if (!secret.empty()) keys += ";ClientSecret=" + secret;
  if (!certificate_path.empty()) keys += ";ClientCertificatePath=" + certificate_path;
  return keys;
}

int TokenEndpoint::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<std::string> TokenEndpoint::tokens() const {
  std::lock_guard lock(mu_);
  return tokens_;
}

std::string TokenEndpoint::last_refusal() const {
  std::lock_guard lock(mu_);
  return last_refusal_;
}

void TokenEndpoint::FailNext(int count, unsigned status, const std::string& error,
                             const std::string& description) {
  std::lock_guard lock(mu_);
  for (int i = 0; i < count; ++i) failures_.push_back(Refuse(status, error, description));
}

HttpsServer::Reply TokenEndpoint::Refuse(unsigned status, const std::string& error,
                                         const std::string& description) {
  // Entra ID's error document: the description's first line is the AADSTS message, the
  // lines after it repeat the ids of the request.
  const std::string trace = Guid::Random().ToString();
  const std::string correlation = Guid::Random().ToString();
  const Json body = {{"error", error},
                     {"error_description", description + "\r\nTrace ID: " + trace +
                                               "\r\nCorrelation ID: " + correlation +
                                               "\r\nTimestamp: 2025-01-01 00:00:00Z"},
                     {"trace_id", trace},
                     {"correlation_id", correlation}};
  HttpsServer::Reply reply;
  reply.response.result(status);
  reply.response.set(http::field::content_type, "application/json; charset=utf-8");
  reply.response.body() = boost::json::serialize(body);
  reply.delay = options_.delay;
  last_refusal_ = error + ": " + description;
  return reply;
}

HttpsServer::Reply TokenEndpoint::Token() {
  const int64_t now = Now();
  const auto lifetime = options_.token_lifetime.count();
  const Json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  // exp rounds up, so a token never dies before the expires_in the client was told.
  const Json claims = {{"aud", options_.audience},
                       {"iss", "https://sts.windows.net/" + options_.tenant_id + "/"},
                       {"iat", now},
                       {"nbf", now},
                       {"exp", now + lifetime + 1},
                       {"appid", options_.client_id},
                       {"tid", options_.tenant_id},
                       {"jti", Guid::Random().ToString()}};
  const std::string signed_part = azure::Base64UrlEncode(Bytes(boost::json::serialize(header))) +
                                  "." + azure::Base64UrlEncode(Bytes(boost::json::serialize(claims)));
  static const std::string key = Guid::Random().ToString();  // Azurite does not check it
  const std::string token =
      signed_part + "." + azure::Base64UrlEncode(azure::HmacSha256(Bytes(key), signed_part));
  tokens_.push_back(token);
  HttpsServer::Reply reply;
  reply.response.result(http::status::ok);
  reply.response.set(http::field::content_type, "application/json; charset=utf-8");
  reply.response.body() = boost::json::serialize(Json{{"token_type", "Bearer"},
                                                      {"expires_in", lifetime},
                                                      {"ext_expires_in", lifetime},
                                                      {"access_token", token}});
  reply.delay = options_.delay;
  return reply;
}

std::string TokenEndpoint::CheckAssertion(const std::string& assertion) {
  const auto jwt = DecodeJwt(assertion);
  if (!jwt) return "AADSTS50027: JWT token is invalid or malformed.";
  if (JwtText(jwt->header, "alg") != "RS256" || JwtText(jwt->header, "typ") != "JWT") {
    return "AADSTS5002738: the assertion's header does not say alg RS256 and typ JWT.";
  }
  if (DecodeBase64Url(JwtText(jwt->header, "x5t")) != thumbprint_) {
    return "AADSTS700027: The certificate with identifier used to sign the client assertion is "
           "not registered on application.";
  }
  if (!SignatureVerifies(options_.certificate, jwt->signed_part, jwt->signature)) {
    return "AADSTS700027: Client assertion failed signature validation.";
  }
  const std::string audience = JwtText(jwt->claims, "aud");
  if (audience != AuthorityHost() + "/" + options_.tenant_id + "/oauth2/v2.0/token") {
    return "AADSTS700212: No matching federated identity record found for presented assertion "
           "audience '" + audience + "'.";
  }
  if (JwtText(jwt->claims, "iss") != options_.client_id ||
      JwtText(jwt->claims, "sub") != options_.client_id) {
    return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' "
           "parameter.";
  }
  const int64_t now = Now();
  if (JwtNumber(jwt->claims, "nbf") > now || JwtNumber(jwt->claims, "exp") <= now ||
      JwtNumber(jwt->claims, "iat") > now) {
    return "AADSTS700024: Client assertion is not within its valid time range.";
  }
  const std::string jti = JwtText(jwt->claims, "jti");
  if (jti.empty() || !seen_jtis_.insert(jti).second) {
    return "AADSTS700023: Client assertion has already been used (jti " + jti + ").";
  }
  return {};
}

HttpsServer::Reply TokenEndpoint::Answer(const HttpsServer::Request& request) {
  std::lock_guard lock(mu_);
  ++requests_;
  if (!failures_.empty()) {
    HttpsServer::Reply failure = std::move(failures_.front());
    failures_.pop_front();
    return failure;
  }
  if (request.method() != http::verb::post ||
      request.target() != "/" + options_.tenant_id + "/oauth2/v2.0/token") {
    return Refuse(400, "invalid_request",
                  "AADSTS90002: Tenant '" + std::string(request.target()) + "' not found.");
  }
  auto fields = FormFields(request.body());
  if (request[http::field::content_type] != "application/x-www-form-urlencoded" ||
      fields["grant_type"] != "client_credentials" || fields["scope"] != kScope) {
    return Refuse(400, "invalid_request",
                  "AADSTS900144: The request body must contain grant_type=client_credentials and "
                  "the storage scope.");
  }
  if (fields["client_id"] != options_.client_id) {
    return Refuse(400, "unauthorized_client",
                  "AADSTS700016: Application with identifier '" + fields["client_id"] +
                      "' was not found in the directory.");
  }
  if (!options_.client_secret.empty()) {
    // This endpoint repeats the secret it was given, as no real one does, so that the
    // tests see the client keep it out of its messages even then.
    if (fields["client_secret"] != options_.client_secret) {
      return Refuse(401, "invalid_client",
                    "AADSTS7000215: Invalid client secret provided ('" + fields["client_secret"] +
                        "').");
    }
    return Token();
  }
  if (fields["client_assertion_type"] != kAssertionType) {
    return Refuse(401, "invalid_client",
                  "AADSTS7000218: The request body must contain the following parameter: "
                  "'client_assertion' or 'client_secret'.");
  }
  const std::string problem = CheckAssertion(fields["client_assertion"]);
  if (!problem.empty()) return Refuse(401, "invalid_client", problem);
  return Token();
}

}  // namespace hvr
