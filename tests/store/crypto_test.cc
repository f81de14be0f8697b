#include "store/azure/crypto.hpp"

#include <gtest/gtest.h>

#include "store/openssl_files.hpp"
#include "util/hex.hpp"

namespace hvr::azure {
namespace {

std::span<const uint8_t> Span(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(CryptoTest, Base64FollowsRfc4648) {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(Span(plain)), encoded);
    const auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
  EXPECT_FALSE(Base64Decode("Zm9"));
  EXPECT_FALSE(Base64Decode("Zm9v!!=="));
}

TEST(CryptoTest, Base64UrlHasItsOwnAlphabetAndNoPadding) {
  EXPECT_EQ(Base64UrlEncode(Span("")), "");
  EXPECT_EQ(Base64UrlEncode(Span("f")), "Zg");
  EXPECT_EQ(Base64UrlEncode(Span("foob")), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode(Span("foobar")), "Zm9vYmFy");
  const uint8_t both[] = {0xfb, 0xff, 0xbf};  // "+/+/" in the standard alphabet
  EXPECT_EQ(Base64Encode(both), "+/+/");
  EXPECT_EQ(Base64UrlEncode(both), "-_-_");
}

TEST(CryptoTest, DigestsAgreeWithTheOpensslTool) {
  const std::string text = testing::OpensslFileText("digest-text");
  const std::string key_hex = testing::OpensslFileText("hmac-key-hex");
  std::vector<uint8_t> key;
  for (size_t i = 0; i < key_hex.size(); i += 2) key.push_back(static_cast<uint8_t>(std::stoi(key_hex.substr(i, 2), nullptr, 16)));
  EXPECT_EQ(HexBytes(HmacSha256(key, text)), testing::OpensslFileText("hmac-sha256"));
  EXPECT_EQ(HexBytes(Md5(Span(text))), testing::OpensslFileText("md5"));
  EXPECT_EQ(HexBytes(Sha256(Span(text))), testing::OpensslFileText("sha256"));
  EXPECT_EQ(HexBytes(Sha1(Span(text))), testing::OpensslFileText("sha1"));
  // FIPS 180's and RFC 1321's "abc".
  EXPECT_EQ(HexBytes(Sha1(Span("abc"))), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexBytes(Md5(Span("abc"))), "900150983cd24fb0d6963f7d28e17f72");
}

}  // namespace
}  // namespace hvr::azure
