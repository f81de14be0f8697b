#include "store/azure/xml.hpp"

#include <gtest/gtest.h>

#include "test_util/result_assertions.hpp"

namespace hvr::azure {
namespace {

std::string ErrorBody(const std::string& code) {
  return "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code +
         "</Code><Message>Something happened.\nRequestId:1\nTime:2</Message></Error>";
}

TEST(XmlTest, ErrorBodiesAreParsed) {
  const auto error = ParseErrorBody(ErrorBody("LeaseIdMissing"));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "LeaseIdMissing");
  EXPECT_EQ(error->message, "Something happened. RequestId:1 Time:2");
  EXPECT_FALSE(ParseErrorBody("<html><body>bad gateway</body></html>"));
  EXPECT_FALSE(ParseErrorBody(""));
  EXPECT_FALSE(ParseErrorBody("<Error><Code>x</Code"));
}

TEST(XmlTest, ServiceErrorsMapToCodesOfTheRightClass) {
  struct Case {
    unsigned status;
    const char* code;
    Code expected;
  };
  const Case cases[] = {
      {403, "AuthenticationFailed", Code::kAuthFailed},
      {403, "AuthorizationPermissionMismatch", Code::kAuthFailed},
      {404, "BlobNotFound", Code::kNotFound},
      {409, "LeaseAlreadyPresent", Code::kConflict},
      {409, "BlobAlreadyExists", Code::kConflict},
      {412, "LeaseIdMissing", Code::kConflict},
      {412, "LeaseIdMismatchWithBlobOperation", Code::kConflict},
      {412, "ConditionNotMet", Code::kConflict},
      {500, "InternalError", Code::kThrottled},
      {500, "OperationTimedOut", Code::kTimeout},
      {503, "ServerBusy", Code::kThrottled},
      {409, "SnapshotOperationRateExceeded", Code::kThrottled},
      {400, "Md5Mismatch", Code::kNetwork},
      {400, "InvalidHeaderValue", Code::kInvalidArgument},
      {416, "InvalidRange", Code::kInvalidArgument},
      {500, "FeatureNotSupported", Code::kUnsupported},
      {501, "APINotImplemented", Code::kUnsupported},
      {409, "BlobUsesCustomerSpecifiedEncryption", Code::kAuthFailed},
      {400, "InvalidBlobType", Code::kInvalidReplicaState},
      {409, "SnapshotsPresent", Code::kInvalidReplicaState},
  };
  for (const auto& c : cases) {
    const Error e = MapServiceError(c.status, "", ErrorBody(c.code), "PUT disk0");
    EXPECT_EQ(e.code(), c.expected) << c.status << " " << c.code << ": " << e.ToString();
    EXPECT_NE(e.message().find(std::string("HTTP ") + std::to_string(c.status) + " " + c.code),
              std::string::npos)
        << e.message();
  }
  EXPECT_EQ(MapServiceError(403, "", ErrorBody("AuthenticationFailed"), "x").error_class(),
            ErrorClass::kNonRecoverable);
  EXPECT_TRUE(MapServiceError(503, "", "", "x").recoverable());
  // Without a body (HEAD), the x-ms-error-code header speaks.
  const Error head = MapServiceError(412, "LeaseIdMissing", "", "HEAD disk0");
  EXPECT_EQ(head.code(), Code::kConflict);
  EXPECT_NE(head.message().find("LeaseIdMissing"), std::string::npos);
  EXPECT_EQ(MapServiceError(502, "", "<html/>", "x").code(), Code::kNetwork);
}

TEST(XmlTest, PageListsWithClearRangesAndContinuation) {
  ASSERT_OK_AND_ASSIGN(const PageList list, ParsePageList(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><PageList>"
      "<PageRange><Start>0</Start><End>511</End></PageRange>"
      "<ClearRange><Start>4096</Start><End>8191</End></ClearRange>"
      "<PageRange><Start>1048576</Start><End>5242879</End></PageRange>"
      "<NextMarker>2!104!MDAwMDE=</NextMarker></PageList>"));
  EXPECT_EQ(list.pages, (std::vector<ByteRange>{{0, 512}, {1048576, 4194304}}));
  EXPECT_EQ(list.clears, (std::vector<ByteRange>{{4096, 4096}}));
  EXPECT_EQ(list.next_marker, "2!104!MDAwMDE=");
  ASSERT_OK_AND_ASSIGN(const PageList empty, ParsePageList("<PageList/>"));
  EXPECT_TRUE(empty.pages.empty());
  EXPECT_TRUE(empty.next_marker.empty());
  EXPECT_EQ(CodeOf(ParsePageList("<PageList><PageRange><Start>9</Start><End>1</End></PageRange></PageList>")),
            Code::kCorruptData);
  EXPECT_EQ(CodeOf(ParsePageList("<Other/>")), Code::kCorruptData);
}

TEST(XmlTest, BlobListsWithSnapshotsAndMetadata) {
  ASSERT_OK_AND_ASSIGN(const BlobList list, ParseBlobList(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"http://x/\" "
      "ContainerName=\"vms\"><Blobs>"
      "<Blob><Name>disk0</Name><Snapshot>2024-05-01T12:00:00.1234567Z</Snapshot><Properties>"
      "<Last-Modified>Wed, 01 May 2024 12:00:00 GMT</Last-Modified><Etag>0x8DC69A1B2C3D4E5</Etag>"
      "<Content-Length>1049088</Content-Length>"
      "<BlobType>PageBlob</BlobType></Properties><Metadata><hvr_app_consistent>true</hvr_app_consistent>"
      "<seq>1</seq></Metadata></Blob>"
      "<Blob><Name>disk0</Name><Properties><Etag>\"0x8DC69A1B2C3D4E6\"</Etag>"
      "<Content-Length>1049088</Content-Length><BlobType>PageBlob</BlobType>"
      "<LeaseStatus>locked</LeaseStatus><LeaseState>leased</LeaseState></Properties><Metadata/></Blob>"
      "</Blobs><NextMarker>m2</NextMarker></EnumerationResults>"));
  ASSERT_EQ(list.blobs.size(), 2u);
  EXPECT_EQ(list.blobs[0].snapshot, "2024-05-01T12:00:00.1234567Z");
  EXPECT_EQ(list.blobs[0].content_length, 1049088u);
  EXPECT_EQ(list.blobs[0].metadata, (Metadata{{"hvr_app_consistent", "true"}, {"seq", "1"}}));
  EXPECT_EQ(list.blobs[0].last_modified, TimePoint(std::chrono::seconds(1714564800)));
  EXPECT_EQ(list.blobs[1].snapshot, "");
  EXPECT_EQ(list.blobs[1].lease_state, LeaseState::kLeased);
  // Listings give ETags with or without the quotes the header has; either way, without.
  EXPECT_EQ(list.blobs[0].etag, "0x8DC69A1B2C3D4E5");
  EXPECT_EQ(list.blobs[1].etag, "0x8DC69A1B2C3D4E6");
  EXPECT_EQ(ParseEtag("\"0x8DC69A1B2C3D4E6\""), "0x8DC69A1B2C3D4E6");
  EXPECT_EQ(list.next_marker, "m2");
  EXPECT_EQ(CodeOf(ParseBlobList("<EnumerationResults><Blobs><Blob><Name>x</Name></Blob></Blobs></EnumerationResults>")),
            Code::kCorruptData);
}

}  // namespace
}  // namespace hvr::azure
