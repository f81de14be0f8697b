#include "store/azure/client_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include "hvr/guid.hpp"
#include "store/azure/crypto.hpp"
#include "util/file.hpp"

namespace hvr::azure {
namespace {

// Microsoft asks for assertions that live 5 to 10 minutes after nbf.
constexpr std::chrono::seconds kAssertionLifetime{600};

std::span<const uint8_t> Bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string Base64UrlJson(const boost::json::object& object) {
  return Base64UrlEncode(Bytes(boost::json::serialize(object)));
}

Error Bad(const std::string& path, const std::string& problem) {
  // OpenSSL leaves its reasons queued per thread; they must not surface in later calls.
  ERR_clear_error();
  return Error(Code::kInvalidArgument, "ClientCertificatePath " + path + ": " + problem);
}

// PEM_read_bio_* scan their BIO for the first block of their kind, so each reads from
// its own BIO over the whole text and the order of certificate and key does not matter.
std::unique_ptr<BIO, decltype(&BIO_free)> MemoryBio(const std::string& text) {
  return {BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free};
}

}  // namespace

Result<ClientCertificate> ClientCertificate::Load(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.error().WithContext("ClientCertificatePath");
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(MemoryBio(*text).get(), nullptr, nullptr, nullptr), &X509_free);
  if (!certificate) return Bad(path, "holds no PEM certificate (BEGIN CERTIFICATE)");
  if (text->find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos ||
      text->find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
    return Bad(path, "the private key is encrypted; give it unencrypted and keep the file "
                     "readable by its owner only");
  }
  // No password callback: an encrypted key fails instead of prompting on a terminal.
  std::shared_ptr<EVP_PKEY> key(
      PEM_read_bio_PrivateKey(MemoryBio(*text).get(), nullptr,
                              [](char*, int, int, void*) { return 0; }, nullptr),
      &EVP_PKEY_free);
  if (!key) return Bad(path, "holds no PEM private key (BEGIN PRIVATE KEY)");
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return Bad(path, "the private key is not RSA; Entra ID's client assertions are signed with "
                     "RS256");
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return Bad(path, "the private key does not belong to the certificate");
  }
  const int der_size = i2d_X509(certificate.get(), nullptr);
  std::vector<uint8_t> der(static_cast<size_t>(std::max(der_size, 0)));
  uint8_t* out = der.data();
  if (der_size <= 0 || i2d_X509(certificate.get(), &out) != der_size) {
    return Bad(path, "the certificate cannot be encoded as DER");
  }
  return ClientCertificate(std::move(key), Base64UrlEncode(Sha1(der)));
}

Result<std::string> ClientCertificate::Assertion(std::string_view client_id,
                                                 std::string_view token_url,
                                                 std::chrono::system_clock::time_point now) const {
  const int64_t issued =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const boost::json::object header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", thumbprint_}};
  const boost::json::object claims = {{"aud", token_url},
                                      {"iss", client_id},
                                      {"sub", client_id},
                                      {"jti", Guid::Random().ToString()},
                                      {"nbf", issued},
                                      {"iat", issued},
                                      {"exp", issued + kAssertionLifetime.count()}};
  const std::string signing_input = Base64UrlJson(header) + "." + Base64UrlJson(claims);

  // RS256: RSASSA-PKCS1-v1_5 with SHA-256, OpenSSL's default padding for RSA keys.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  size_t size = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &size, Bytes(signing_input).data(),
                     signing_input.size()) != 1) {
    ERR_clear_error();
    return Error(Code::kInternal, "client assertion: OpenSSL could not start an RS256 signature");
  }
  std::vector<uint8_t> signature(size);
  if (EVP_DigestSign(context.get(), signature.data(), &size, Bytes(signing_input).data(),
                     signing_input.size()) != 1) {
    ERR_clear_error();
    return Error(Code::kInternal, "client assertion: OpenSSL could not sign with RS256");
  }
  signature.resize(size);
  return signing_input + "." + Base64UrlEncode(signature);
}

}  // namespace hvr::azure
