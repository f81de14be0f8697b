#include "store/azure/client_certificate.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util/certificates.hpp"
#include "test_util/command.hpp"
#include "test_util/jwt.hpp"
#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::azure {
namespace {

constexpr char kClient[] = "2b6e51d4-93a7-4c08-b1f5-7d3a9e0c4f12";
constexpr char kTokenUrl[] = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";

std::string Quote(const std::string& text) { return "'" + text + "'"; }

std::string Shell(const std::string& command) {
  std::string out = testing::RunShell(command, /*stdout_only=*/true).output;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string Cat(const std::vector<std::string>& paths) {
  std::string command = "cat";
  for (const auto& path : paths) command += " " + Quote(path);
  return Shell(command) + "\n";
}

class ClientCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override { files_ = MakeClientCertificate(dir_.path(), "app"); }

  std::string Key() const { return dir_.File("app-key.pem"); }

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
  ClientCertificateFiles files_;
};

TEST_F(ClientCertificateTest, TheThumbprintIsTheBase64UrlSha1OfTheDerCertificate) {
  ASSERT_OK_AND_ASSIGN(const ClientCertificate certificate, ClientCertificate::Load(files_.with_key));
  const std::string expected =
      Shell("openssl x509 -in " + Quote(files_.cert) +
            " -outform DER | openssl dgst -sha1 -binary | openssl base64 -A | tr '+/' '-_' | tr -d =");
  ASSERT_EQ(expected.size(), 27u);
  EXPECT_EQ(certificate.thumbprint(), expected);
  // The key may come first in the file.
  Write(dir_.File("key-first.pem"), Cat({Key(), files_.cert}));
  ASSERT_OK_AND_ASSIGN(const ClientCertificate swapped, ClientCertificate::Load(dir_.File("key-first.pem")));
  EXPECT_EQ(swapped.thumbprint(), expected);
}

TEST_F(ClientCertificateTest, TheAssertionIsAnRs256JwtTheCertificateVerifies) {
  ASSERT_OK_AND_ASSIGN(const ClientCertificate certificate, ClientCertificate::Load(files_.with_key));
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

  // The openssl tool, which knows nothing of hvr, verifies the signature with the
  // certificate's public key; and refuses it over anything else.
  Write(dir_.File("signed"), jwt->signed_part);
  Write(dir_.File("signature"), jwt->signature);
  Write(dir_.File("other"), jwt->signed_part + "x");
  ASSERT_EQ(testing::RunShell("openssl x509 -in " + Quote(files_.cert) + " -pubkey -noout > " +
                              Quote(dir_.File("public.pem"))).exit_code, 0);
  const std::string verify = "openssl dgst -sha256 -verify " + Quote(dir_.File("public.pem")) +
                             " -signature " + Quote(dir_.File("signature")) + " ";
  EXPECT_EQ(Shell(verify + Quote(dir_.File("signed"))), "Verified OK");
  EXPECT_NE(testing::RunShell(verify + Quote(dir_.File("other"))).exit_code, 0);

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

  EXPECT_NE(LoadError(Cat({files_.cert})).find("no PEM private key"), std::string::npos);
  EXPECT_NE(LoadError(Cat({Key()})).find("no PEM certificate"), std::string::npos);

  MakeClientCertificate(dir_.path(), "other");
  EXPECT_NE(LoadError(Cat({files_.cert, dir_.File("other-key.pem")})).find("does not belong"),
            std::string::npos);

  const CertificateFiles ec = MakeSelfSignedCertificate(dir_.path(), "ec", "127.0.0.1");
  EXPECT_NE(LoadError(Cat({ec.cert, ec.key})).find("not RSA"), std::string::npos);

  ASSERT_EQ(testing::RunShell("openssl pkcs8 -topk8 -v2 aes256 -passout pass:word -in " + Quote(Key()) +
                              " -out " + Quote(dir_.File("encrypted-key.pem"))).exit_code, 0);
  EXPECT_NE(LoadError(Cat({files_.cert, dir_.File("encrypted-key.pem")})).find("encrypted"),
            std::string::npos);
}

}  // namespace
}  // namespace hvr::azure
