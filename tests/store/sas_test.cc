#include "store/azure/sas.hpp"

#include <gtest/gtest.h>

#include "store/azure/azure_target.hpp"
#include "store/azure/crypto.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::azure {
namespace {

constexpr std::string_view kReplication = "racwdl";

std::string Refusal(std::string_view sas) {
  const Status checked = CheckSasGrants(sas, kReplication);
  EXPECT_FALSE(checked.ok()) << sas;
  return checked.ok() ? std::string() : checked.error().message();
}

TEST(SasGrantsTest, AccountAndContainerSasWithEveryPermissionPass) {
  const auto key = Base64Decode(kDevelopmentKey);
  ASSERT_TRUE(key);
  EXPECT_OK(CheckSasGrants(MakeAccountSas(kDevelopmentAccount, *key, "rwdlacup", std::chrono::system_clock::now()),
                           kReplication));
  EXPECT_OK(CheckSasGrants("sv=2024-11-04&sr=c&sp=racwdl&se=2030-01-01T00%3A00%3A00Z&sig=a%2Fb", kReplication));
  EXPECT_OK(CheckSasGrants("sp=lwdcar&sr=c&sig=x", kReplication));  // in any order
}

TEST(SasGrantsTest, MissingPermissionsAreNamed) {
  EXPECT_EQ(Refusal("sv=2024-11-04&ss=b&srt=co&sp=racwl&sig=c2VjcmV0"),
            "the SAS lacks permissions d (delete): it grants sp=racwl, and racwdl are needed");
  EXPECT_EQ(Refusal("sr=c&sp=rl&sig=x"),
            "the SAS lacks permissions a (add), c (create), w (write), d (delete): it grants sp=rl, and racwdl are "
            "needed");
  EXPECT_NE(Refusal("sr=c&si=policy1&sig=x").find("carries no sp="), std::string::npos);
}

TEST(SasGrantsTest, AnAccountSasCoversBlobContainersAndObjects) {
  EXPECT_EQ(Refusal("ss=qt&srt=co&sp=racwdl&sig=x"), "the SAS is an account SAS whose services ss=qt lack b (Blob)");
  EXPECT_EQ(Refusal("ss=b&srt=s&sp=racwdl&sig=x"),
            "the SAS is an account SAS whose resource types srt=s lack c (container), o (object)");
  EXPECT_EQ(Refusal("srt=sco&sp=racwdl&sig=x"), "the SAS is an account SAS whose services ss= lack b (Blob)");
}

TEST(SasGrantsTest, AServiceSasIsForTheContainer) {
  EXPECT_EQ(Refusal("sr=b&sp=racwdl&sig=x"), "the SAS is for sr=b: a container SAS (sr=c) or an account SAS is needed");
  EXPECT_NE(Refusal("sp=racwdl&sig=x").find("is for sr=:"), std::string::npos);
}

TEST(SasGrantsTest, SignaturesNeverAppear) {
  EXPECT_EQ(Refusal("sr=c&sp=r&sig=c2VjcmV0").find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace hvr::azure
