#include "store/azure/client_certificate.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>

#include "store/openssl_files.hpp"
#include "test_util/jwt.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::azure {
namespace {

constexpr char kClient[] = "2b6e51d4-93a7-4c08-b1f5-7d3a9e0c4f12";
constexpr char kTokenUrl[] = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";

void Write(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// The files tests/store/openssl_files.sh made, one after the other.
std::string Cat(const std::vector<std::string>& names) {
  std::string content;
  for (const auto& name : names) content += testing::OpensslFileText(name);
  return content;
}

// Whether the public key of the PEM certificate `cert_name` verifies an RSA-SHA256
// `signature` over `message`: OpenSSL's own verification, none of hvr's code.
bool SignatureVerifies(const std::string& cert_name, const std::string& message, const std::string& signature) {
  const std::string pem = testing::OpensslFileText(cert_name);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(cert.get()), EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  return key && context && EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

class ClientCertificateTest : public ::testing::Test {
 protected:
  // The message of a load that must fail; it must never show key material.
  std::string LoadError(const std::string& content) {
    const std::string path = dir_.File("bad.pem");
    Write(path, content);
    auto loaded = ClientCertificate::Load(path);
    EXPECT_FALSE(loaded.ok());
    if (loaded.ok()) return {};
    EXPECT_EQ(loaded.error().code(), Code::kInvalidArgument);
    EXPECT_NE(loaded.error().message().find(path), std::string::npos) << loaded.error().message();
    EXPECT_EQ(loaded.error().message().find("-----"), std::string::npos) << loaded.error().message();
    return loaded.error().message();
  }

  TempDir dir_;
  const std::string with_key_ = testing::OpensslFile("app-with-key.pem");
};

TEST_F(ClientCertificateTest, TheThumbprintIsTheBase64UrlSha1OfTheDerCertificate) {
  ASSERT_OK_AND_ASSIGN(const ClientCertificate certificate, ClientCertificate::Load(with_key_));
  const std::string expected = testing::OpensslFileText("app.thumbprint");
  ASSERT_EQ(expected.size(), 27u);
  EXPECT_EQ(certificate.thumbprint(), expected);
  // The key may come first in the file.
  Write(dir_.File("key-first.pem"), Cat({"app-key.pem", "app.pem"}));
  ASSERT_OK_AND_ASSIGN(const ClientCertificate swapped, ClientCertificate::Load(dir_.File("key-first.pem")));
  EXPECT_EQ(swapped.thumbprint(), expected);
}

TEST_F(ClientCertificateTest, TheAssertionIsAnRs256JwtTheCertificateVerifies) {
  ASSERT_OK_AND_ASSIGN(const ClientCertificate certificate, ClientCertificate::Load(with_key_));
  const auto now = std::chrono::system_clock::now();
  const int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  ASSERT_OK_AND_ASSIGN(const std::string assertion, certificate.Assertion(kClient, kTokenUrl, now));
  const auto jwt = DecodeJwt(assertion);
  ASSERT_TRUE(jwt.has_value()) << assertion;
  EXPECT_EQ(JwtText(jwt->header, "alg"), "RS256");
  EXPECT_EQ(JwtText(jwt->header, "typ"), "JWT");
  EXPECT_EQ(JwtText(jwt->header, "x5t"), certificate.thumbprint());
  EXPECT_EQ(JwtText(jwt->claims, "aud"), kTokenUrl);
  EXPECT_EQ(JwtText(jwt->claims, "iss"), kClient);
  EXPECT_EQ(JwtText(jwt->claims, "sub"), kClient);
  EXPECT_EQ(JwtNumber(jwt->claims, "nbf"), seconds);
  EXPECT_EQ(JwtNumber(jwt->claims, "iat"), seconds);
  EXPECT_EQ(JwtNumber(jwt->claims, "exp"), seconds + 600);
  EXPECT_EQ(JwtText(jwt->claims, "jti").size(), 36u);

  // OpenSSL verifies the signature with the certificate's public key; and refuses it over
  // anything else.
  EXPECT_TRUE(SignatureVerifies("app.pem", jwt->signed_part, jwt->signature));
  EXPECT_FALSE(SignatureVerifies("app.pem", jwt->signed_part + "x", jwt->signature));

  // Each assertion is new: Entra ID refuses a jti it has seen.
  ASSERT_OK_AND_ASSIGN(const std::string again, certificate.Assertion(kClient, kTokenUrl, now));
  EXPECT_NE(JwtText(DecodeJwt(again)->claims, "jti"), JwtText(jwt->claims, "jti"));
}

TEST_F(ClientCertificateTest, UnusableFilesAreRefusedWithWhatIsWrong) {
  const auto missing = ClientCertificate::Load(dir_.File("missing.pem"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), Code::kNotFound);
  EXPECT_NE(missing.error().message().find("ClientCertificatePath"), std::string::npos);
  EXPECT_NE(missing.error().message().find(dir_.File("missing.pem")), std::string::npos);

  EXPECT_NE(LoadError(Cat({"app.pem"})).find("no PEM private key"), std::string::npos);
  EXPECT_NE(LoadError(Cat({"app-key.pem"})).find("no PEM certificate"), std::string::npos);
  EXPECT_NE(LoadError(Cat({"app.pem", "other-key.pem"})).find("does not belong"), std::string::npos);
  EXPECT_NE(LoadError(Cat({"ec.pem", "ec-key.pem"})).find("not RSA"), std::string::npos);
  EXPECT_NE(LoadError(Cat({"app.pem", "encrypted-key.pem"})).find("encrypted"), std::string::npos);
}

}  // namespace
}  // namespace hvr::azure
