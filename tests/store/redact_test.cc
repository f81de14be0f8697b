#include "store/redact.hpp"

#include <gtest/gtest.h>

namespace hvr {
namespace {

TEST(RedactTest, SignaturesKeysAndPasswordsAreHidden) {
  EXPECT_EQ(RedactSecrets("https://a.blob.core.windows.net/c?sv=2024-11-04&sp=rw&sig=abc%2Fdef%3D&se=x"),
            "https://a.blob.core.windows.net/c?sv=2024-11-04&sp=rw&sig=REDACTED&se=x");
  EXPECT_EQ(RedactSecrets("AccountName=a;AccountKey=Zm9vYmFy==;Container=c"),
            "AccountName=a;AccountKey=REDACTED;Container=c");
  EXPECT_EQ(RedactSecrets("SharedAccessSignature=sv=1&SIG=xyz"), "SharedAccessSignature=sv=1&SIG=REDACTED");
  EXPECT_EQ(RedactSecrets("x-ms-encryption-key: AAAA\r\nx-ms-encryption-key-sha256: BBBB"),
            "x-ms-encryption-key: REDACTED\r\nx-ms-encryption-key-sha256: BBBB");
  EXPECT_EQ(RedactSecrets("proxy http://agent:s3cret@proxy:3128 refused"),
            "proxy http://agent:REDACTED@proxy:3128 refused");
  EXPECT_EQ(RedactSecrets("http://agent@proxy:3128"), "http://agent@proxy:3128");
}

TEST(RedactTest, EntraIdSecretsAndAssertionsAreHidden) {
  EXPECT_EQ(RedactSecrets("BlobEndpoint=https://a.blob.core.windows.net;TenantId=t;ClientId=c;"
                          "ClientSecret=Ab1~x.y_z-Q;Container=c"),
            "BlobEndpoint=https://a.blob.core.windows.net;TenantId=t;ClientId=c;"
            "ClientSecret=REDACTED;Container=c");
  EXPECT_EQ(RedactSecrets("clientsecret=abc"), "clientsecret=REDACTED");
  EXPECT_EQ(RedactSecrets("grant_type=client_credentials&client_id=c&client_secret=Ab1%7Ex&scope=s"),
            "grant_type=client_credentials&client_id=c&client_secret=REDACTED&scope=s");
  EXPECT_EQ(RedactSecrets("client_assertion_type=urn%3Ajwt&client_assertion=eyJ0.eyJ1.c2ln&x=1"),
            "client_assertion_type=urn%3Ajwt&client_assertion=REDACTED&x=1");
}

TEST(RedactTest, ValuesTheCallerHoldsAreHiddenWhereverTheyAppear) {
  EXPECT_EQ(RedactSecrets("AADSTS7000215: secret 'Ab1~x' is wrong; sig=zz; again Ab1~x.", {"Ab1~x", ""}),
            "AADSTS7000215: secret 'REDACTED' is wrong; sig=REDACTED; again REDACTED.");
  EXPECT_EQ(RedactSecrets("nothing here", {"Ab1~x"}), "nothing here");
}

// A value ends where its context ends it: the next query parameter, the next entry of a
// connection string, a closing quote, the end of the line. A space does not end it, so a
// signature typed unencoded is hidden whole.
TEST(RedactTest, AValueEndsWhereItsContextEndsIt) {
  EXPECT_EQ(RedactSecrets("https://a/c?sv=1&sig=abc def&se=x"), "https://a/c?sv=1&sig=REDACTED&se=x");
  EXPECT_EQ(RedactSecrets("https://a/c?sv=1&sig=abc def"), "https://a/c?sv=1&sig=REDACTED");
  EXPECT_EQ(RedactSecrets("AccountKey=abc def==;Container=c"), "AccountKey=REDACTED;Container=c");
  EXPECT_EQ(RedactSecrets("target 'https://a/c?sig=abc def' is not a URL"),
            "target 'https://a/c?sig=REDACTED' is not a URL");
  EXPECT_EQ(RedactSecrets("\"sig=abc def\", next"), "\"sig=REDACTED\", next");
  EXPECT_EQ(RedactSecrets("sig=abc def\nnext line"), "sig=REDACTED\nnext line");
  // A URL's user information never holds a space: text after one is not a password.
  EXPECT_EQ(RedactSecrets("see http://host:80 then mail a@b"), "see http://host:80 then mail a@b");
}

TEST(RedactTest, OrdinaryTextIsLeftAlone) {
  const std::string text = "PUT disk0?comp=page: HTTP 412 LeaseIdMissing; consig=1 design=2 /srv/replicas";
  EXPECT_EQ(RedactSecrets(text), text);
  EXPECT_EQ(RedactSecrets("sig="), "sig=");
}

TEST(RedactTest, MarksCountOnlyAtAWordBoundary) {
  EXPECT_TRUE(HasMark("https://a/c?sv=1&SIG=x", "sig="));
  EXPECT_TRUE(HasMark("sig=x", "sig="));
  EXPECT_TRUE(HasMark("a;AccountKey=x", "accountkey="));
  EXPECT_FALSE(HasMark("/srv/design=2", "sig="));
  EXPECT_FALSE(HasMark("sig", "sig="));
}

}  // namespace
}  // namespace hvr
