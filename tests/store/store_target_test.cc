#include "store/store_target.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "hvr/store.hpp"
#include "test_util/result_assertions.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

constexpr const char* kKey = "c2VjcmV0a2V5";  // base64 of "secretkey"

// An absolute folder as this system spells one: /srv/replicas on POSIX, Z:\srv\replicas
// (on the current drive) on Windows, where /srv/replicas is relative to that drive.
std::string Absolute(const std::string& posix_path) {
  return Utf8((std::filesystem::current_path().root_path() / PathFromUtf8(posix_path.substr(1))).make_preferred());
}

// `name` in the current folder, as making a relative folder absolute spells it.
std::string InCurrentFolder(const std::string& name) { return Utf8(std::filesystem::current_path() / name); }

std::string MessageOf(const Result<StoreTarget>& target) {
  EXPECT_FALSE(target.ok()) << target->text;
  return target.ok() ? std::string() : target.error().message();
}

TEST(StoreTargetTest, KindsOfTargets) {
  ASSERT_OK_AND_ASSIGN(const StoreTarget url, ParseTarget("HTTPS://acct.blob.core.windows.net/c01?sig=x"));
  EXPECT_EQ(url.kind, TargetKind::kContainerUrl);
  ASSERT_OK_AND_ASSIGN(const StoreTarget dev, ParseStoreTarget("UseDevelopmentStorage=true;Container=c01"));
  EXPECT_EQ(dev.kind, TargetKind::kConnectionString);
  EXPECT_EQ(dev.text, "UseDevelopmentStorage=true;Container=c01");
  ASSERT_OK_AND_ASSIGN(const StoreTarget endpoint,
                       ParseTarget("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;SharedAccessSignature=sig=x;"
                                   "Container=c01"));
  EXPECT_EQ(endpoint.kind, TargetKind::kConnectionString) << "a key first, though a URL follows";
  ASSERT_OK_AND_ASSIGN(const StoreTarget folder, ParseStoreTarget(Absolute("/srv/a=b/replicas/")));
  EXPECT_EQ(folder.kind, TargetKind::kLocalFolder);
  EXPECT_EQ(folder.text, Absolute("/srv/a=b/replicas/"));
  ASSERT_OK_AND_ASSIGN(const StoreTarget design, ParseStoreTarget(Absolute("/srv/design=2")));
  EXPECT_EQ(design.kind, TargetKind::kLocalFolder) << "sig= inside a word is no signature";
}

// A relative folder after file: is made absolute when the target is taken, so that what
// is kept never depends on the current directory.
TEST(StoreTargetTest, FileTargetsAreMadeAbsolute) {
  ASSERT_OK_AND_ASSIGN(const StoreTarget relative, ParseStoreTarget("file:replicas/../vm1"));
  EXPECT_EQ(relative.kind, TargetKind::kLocalFolder);
  EXPECT_EQ(relative.text, InCurrentFolder("vm1"));
  ASSERT_OK_AND_ASSIGN(const StoreTarget absolute, ParseStoreTarget("FILE:/srv/replicas"));
  EXPECT_EQ(absolute.text, Absolute("/srv/replicas"));
  ASSERT_OK_AND_ASSIGN(const StoreTarget odd, ParseStoreTarget("file:Container=c01"));
  EXPECT_EQ(odd.text, InCurrentFolder("Container=c01")) << "file: says a folder, whatever follows";
  EXPECT_NE(MessageOf(ParseStoreTarget("file:")).find("names no folder"), std::string::npos);
  EXPECT_NE(MessageOf(ParseStoreTarget("file:///srv/replicas")).find("not a URL"), std::string::npos);
}

TEST(StoreTargetTest, RelativePathsAreRefused) {
  for (const char* text : {"replicas", "./replicas", "../srv/replicas", "C01"}) {
    const std::string message = MessageOf(ParseStoreTarget(text));
    EXPECT_NE(message.find("is a relative path: give a local folder as an absolute path or as file:PATH"),
              std::string::npos)
        << message;
  }
  EXPECT_NE(MessageOf(ParseStoreTarget("")).find("empty store target"), std::string::npos);
}

// Each of these once wrote the replicas into a folder named after the string, key and
// signature included. Now each is an error that says what was expected and shows no
// secret.
TEST(StoreTargetTest, MistypedAzureTargetsAreErrorsWithoutSecrets) {
  const std::string key = kKey;
  const std::string account = "AccountName=devstoreaccount1;AccountKey=" + key;
  const struct {
    std::string text;
    std::string expected;
  } cases[] = {
      {" UseDevelopmentStorage=true;Container=c01", "begins or ends with white space"},
      {"UseDevelopmentStorage=true;Container=c01\n", "begins or ends with white space"},
      {"DefaultEndpointsProtocl=http;" + account + ";Container=c01", "unknown key 'DefaultEndpointsProtocl'"},
      {"htps://127.0.0.1:10000/devstoreaccount1/c01?sv=1&sig=c2lnbmF0dXJl", "scheme must be https or http"},
      {"http//127.0.0.1:10000/devstoreaccount1/c01?sv=1&sig=c2lnbmF0dXJl", "neither a container URL"},
      {"/srv/replicas;" + account, "neither a container URL"},
      {"http://127.0.0.1:10000/devstoreaccount1/c01?sv=1&sig=c2lnbmF0dXJl def", "not a URL"},
      {"/srv/x;SharedAccessSignature=sv=1&sig=c2lnbmF0dXJl", "neither a container URL"},
      {"file:/srv/x;SharedAccessSignature=sv=1&sig=c2lnbmF0dXJl", "holds a secret"},
  };
  for (const auto& c : cases) {
    const std::string message = MessageOf(ParseStoreTarget(c.text));
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.text << " -> " << message;
    EXPECT_EQ(message.find(key), std::string::npos) << message;
    EXPECT_EQ(message.find("c2lnbmF0dXJl"), std::string::npos) << message;
  }
}

TEST(StoreTargetTest, AStoreTargetNamesNoDisk) {
  ASSERT_OK_AND_ASSIGN(const StoreTarget disk, ParseTarget("UseDevelopmentStorage=true;Container=c01/disk0"));
  EXPECT_EQ(disk.azure.rest, "disk0");
  EXPECT_NE(MessageOf(ParseStoreTarget("UseDevelopmentStorage=true;Container=c01/disk0")).find("names a disk"),
            std::string::npos);
}

TEST(DiskLocationTest, TargetNameAndSnapshot) {
  ASSERT_OK_AND_ASSIGN(const DiskLocation local, ParseDiskLocation(Absolute("/srv/replicas") + "/disk0"));
  EXPECT_EQ(local.target, Absolute("/srv/replicas"));
  EXPECT_EQ(local.name, "disk0");
  EXPECT_EQ(local.snapshot, "");
  ASSERT_OK_AND_ASSIGN(const DiskLocation file, ParseDiskLocation("file:disk0@2024-05-01T12:00:00.0000000Z"));
  EXPECT_EQ(file.target, std::filesystem::current_path().string());
  EXPECT_EQ(file.name, "disk0");
  EXPECT_EQ(file.snapshot, "2024-05-01T12:00:00.0000000Z");
  ASSERT_OK_AND_ASSIGN(const DiskLocation url,
                       ParseDiskLocation("https://a.blob.core.windows.net/vms/disk0?sv=1&sig=2"));
  EXPECT_EQ(url.target, "https://a.blob.core.windows.net/vms?sv=1&sig=2");
  EXPECT_EQ(url.name, "disk0");
  ASSERT_OK_AND_ASSIGN(const DiskLocation conn,
                       ParseDiskLocation("UseDevelopmentStorage=true;Container=vms/disk1"));
  EXPECT_EQ(conn.target, "UseDevelopmentStorage=true;Container=vms");
  EXPECT_EQ(conn.name, "disk1");
  EXPECT_FALSE(ParseDiskLocation("UseDevelopmentStorage=true;Container=vms").ok());
  EXPECT_FALSE(ParseDiskLocation("/srv/replicas/").ok());
  EXPECT_FALSE(ParseDiskLocation("/srv/replicas/disk0@").ok());
  EXPECT_FALSE(ParseDiskLocation("disk0").ok()) << "a relative folder";
  EXPECT_FALSE(ParseDiskLocation("replicas/disk0").ok()) << "a relative folder";
}

Status Grants(const std::string& text) {
  auto target = ParseStoreTarget(text);
  if (!target.ok()) return target.error();
  return CheckTargetGrants(*target, "racwdl");
}

TEST(TargetGrantsTest, OnlyASasCanLackPermissions) {
  EXPECT_OK(Grants(Absolute("/srv/replicas")));
  EXPECT_OK(Grants(std::string("AccountName=a;AccountKey=") + kKey + ";Container=c01"));
  EXPECT_OK(Grants("https://a.blob.core.windows.net/c01?sv=1&ss=b&srt=co&sp=racwdl&sig=x"));
  const Status lacking = Grants(
      "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sr=c&sp=racwl&sig=c2lnbmF0dXJl;"
      "Container=c01");
  ASSERT_FALSE(lacking.ok());
  EXPECT_EQ(lacking.error().message(),
            "azure:https://a.blob.core.windows.net/c01: the SAS lacks permissions d (delete): it grants sp=racwl, "
            "and racwdl are needed");
}

}  // namespace
}  // namespace hvr
