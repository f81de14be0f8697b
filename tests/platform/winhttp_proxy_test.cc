#include <gtest/gtest.h>

#include "platform/system_proxy.hpp"

namespace hvr {
namespace {

using Proxy = std::optional<std::string>;

TEST(WinHttpProxyTest, OneProxyServesEveryScheme) {
  EXPECT_EQ(ChooseWinHttpProxy("proxy.corp:8080", "", "acct.blob.core.windows.net", true), Proxy("proxy.corp:8080"));
  EXPECT_EQ(ChooseWinHttpProxy("proxy.corp:8080", "", "acct.blob.core.windows.net", false), Proxy("proxy.corp:8080"));
}

TEST(WinHttpProxyTest, PerSchemeEntriesServeTheirScheme) {
  const std::string list = "http=plain.corp:80;https=secure.corp:3128";
  EXPECT_EQ(ChooseWinHttpProxy(list, "", "acct.blob.core.windows.net", true), Proxy("secure.corp:3128"));
  EXPECT_EQ(ChooseWinHttpProxy(list, "", "acct.blob.core.windows.net", false), Proxy("plain.corp:80"));
  EXPECT_EQ(ChooseWinHttpProxy("http=plain.corp:80", "", "acct.blob.core.windows.net", true), std::nullopt);
  EXPECT_EQ(ChooseWinHttpProxy("ftp=f:21 any.corp:8080", "", "acct.blob.core.windows.net", true),
            Proxy("any.corp:8080"));
}

TEST(WinHttpProxyTest, BypassPatternsAndLocalNames) {
  const std::string bypass = "<local>; *.corp.example ;10.*";
  EXPECT_EQ(ChooseWinHttpProxy("p:1", bypass, "fileserver", true), std::nullopt);
  EXPECT_EQ(ChooseWinHttpProxy("p:1", bypass, "Store.CORP.example", true), std::nullopt);
  EXPECT_EQ(ChooseWinHttpProxy("p:1", bypass, "10.1.2.3", true), std::nullopt);
  EXPECT_EQ(ChooseWinHttpProxy("p:1", bypass, "corp.example.net", true), Proxy("p:1"));
  EXPECT_EQ(ChooseWinHttpProxy("p:1", bypass, "acct.blob.core.windows.net", true), Proxy("p:1"));
}

TEST(WinHttpProxyTest, NoProxyNamedIsADirectConnection) {
  EXPECT_EQ(ChooseWinHttpProxy("", "", "acct.blob.core.windows.net", true), std::nullopt);
  EXPECT_EQ(ChooseWinHttpProxy(" ; ", "", "acct.blob.core.windows.net", true), std::nullopt);
}

}  // namespace
}  // namespace hvr
