#include "store/azure/shared_key.hpp"

#include <gtest/gtest.h>

#include "store/azure/crypto.hpp"

namespace hvr::azure {
namespace {

Target DevTarget() {
  Target t;
  t.endpoint = Endpoint{false, "127.0.0.1", 10000, "/devstoreaccount1"};
  t.account = "devstoreaccount1";
  t.account_key = *Base64Decode(kDevelopmentKey);
  t.container = "vms";
  return t;
}

TEST(SharedKeyTest, HeaderOrderFollowsTheService) {
  // '_' before '-', digits and letters; then ordinary order, case ignored.
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-meta-a_1", "x-ms-meta-a1"));
  EXPECT_FALSE(CanonicalHeaderLess("x-ms-meta-a1", "x-ms-meta-a_1"));
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-meta-a_b", "x-ms-meta-a-b"));
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-date", "x-ms-version"));
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-meta-a", "x-ms-meta-ab"));
  EXPECT_TRUE(CanonicalHeaderLess("X-MS-Meta-A", "x-ms-meta-b"));
}

TEST(SharedKeyTest, StringToSignHasEveryPartInItsPlace) {
  const Target target = DevTarget();
  BlobRequest request;
  request.method = http::verb::put;
  request.blob = "disk0";
  request.query = {{"comp", "page"}, {"Timeout", "30"}};
  const std::vector<uint8_t> body(512, 1);
  request.body = body;
  request.headers.set(http::field::content_md5, "bWQ1");
  request.headers.set("x-ms-version", "2024-11-04");
  request.headers.set("x-ms-page-write", "update");
  request.headers.set("X-MS-Range", "bytes=0-511");
  request.headers.set("x-ms-meta-a1", "x");
  request.headers.set("x-ms-meta-a_1", " y ");
  request.headers.set("x-ms-date", "Wed, 01 May 2024 12:00:00 GMT");
  EXPECT_EQ(StringToSign(target, request),
            "PUT\n\n\n512\nbWQ1\n\n\n\n\n\n\n\n"
            "x-ms-date:Wed, 01 May 2024 12:00:00 GMT\n"
            "x-ms-meta-a_1:y\n"
            "x-ms-meta-a1:x\n"
            "x-ms-page-write:update\n"
            "x-ms-range:bytes=0-511\n"
            "x-ms-version:2024-11-04\n"
            "/devstoreaccount1/devstoreaccount1/vms/disk0\n"
            "comp:page\n"
            "timeout:30");
}

TEST(SharedKeyTest, EmptyBodiesSignNoLengthAndSignaturesUseTheKey) {
  Target target = DevTarget();
  BlobRequest request;
  request.method = http::verb::get;
  request.query = {{"restype", "container"}, {"comp", "list"}, {"include", "snapshots,metadata"}};
  SignSharedKey(target, request, "Wed, 01 May 2024 12:00:00 GMT");
  const std::string to_sign = StringToSign(target, request);
  EXPECT_EQ(to_sign.substr(0, 7), "GET\n\n\n\n");
  EXPECT_NE(to_sign.find("/devstoreaccount1/devstoreaccount1/vms\ncomp:list\ninclude:snapshots,metadata\nrestype:container"),
            std::string::npos)
      << to_sign;
  const std::string expected = "SharedKey devstoreaccount1:" + Base64Encode(HmacSha256(target.account_key, to_sign));
  EXPECT_EQ(request.headers[http::field::authorization], expected);
  EXPECT_EQ(request.headers["x-ms-date"], "Wed, 01 May 2024 12:00:00 GMT");
  target.account_key[0] ^= 1;
  EXPECT_NE(Base64Encode(HmacSha256(target.account_key, to_sign)), expected.substr(27));
}

TEST(BlobRequestTest, TargetsAreEncodedAndCarryTheSas) {
  Target target = DevTarget();
  BlobRequest request;
  request.blob = "disk0";
  request.query = {{"snapshot", "2024-05-01T12:00:00.0000000Z"}};
  EXPECT_EQ(RequestTarget(target, request),
            "/devstoreaccount1/vms/disk0?snapshot=2024-05-01T12%3A00%3A00.0000000Z");
  target.sas = "sv=1&sig=a%2Fb";
  EXPECT_EQ(RequestTarget(target, request),
            "/devstoreaccount1/vms/disk0?snapshot=2024-05-01T12%3A00%3A00.0000000Z&sv=1&sig=a%2Fb");
  request.query.clear();
  EXPECT_EQ(RequestTarget(target, request), "/devstoreaccount1/vms/disk0?sv=1&sig=a%2Fb");
  EXPECT_EQ(request.What(), "GET disk0");
}

}  // namespace
}  // namespace hvr::azure
