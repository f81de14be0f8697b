#include <gtest/gtest.h>

#include <cstdlib>

#include "platform/environment.hpp"
#include "store/azure/proxy_config.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::azure {
namespace {

// Sets environment variables for one test and restores them afterwards, the last set
// first: on Windows, where names ignore case, two names may be one variable.
class Env {
 public:
  ~Env() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      EXPECT_OK(SetEnvironmentValue(it->first, it->second ? it->second->c_str() : nullptr));
    }
  }
  void Set(const std::string& name, const char* value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    EXPECT_OK(SetEnvironmentValue(name, value));
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

const Endpoint kAzure{true, "acct.blob.core.windows.net", 443, ""};

TEST(ProxyConfigTest, ConfiguredProxiesWinAndCarryCredentials) {
  ASSERT_OK_AND_ASSIGN(const auto proxy, ResolveProxy(std::string("http://agent:pa%3Ass@proxy.corp:3128"), kAzure));
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->host, "proxy.corp");
  EXPECT_EQ(proxy->port, 3128);
  EXPECT_EQ(proxy->authorization, "Basic YWdlbnQ6cGE6c3M=");  // agent:pa:ss
  EXPECT_EQ(proxy->display.find("pa%3Ass"), std::string::npos) << proxy->display;
  ASSERT_OK_AND_ASSIGN(const auto bare, ResolveProxy(std::string("proxy.corp:8080"), kAzure));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, 8080);
  ASSERT_OK_AND_ASSIGN(const auto none, ResolveProxy(std::string(""), kAzure));
  EXPECT_FALSE(none);
  EXPECT_EQ(CodeOf(ResolveProxy(std::string("https://proxy.corp:443"), kAzure)), Code::kUnsupported);
}

TEST(ProxyConfigTest, PortsOutOfRangeAreRefusedByName) {
  for (const char* port : {"99999", "0"}) {
    const auto proxy = ResolveProxy("http://agent:s3cret@proxy.corp:" + std::string(port), kAzure);
    ASSERT_FALSE(proxy.ok()) << port;
    EXPECT_NE(proxy.error().message().find("port '" + std::string(port) + "' is not a number from 1 to 65535"),
              std::string::npos)
        << proxy.error().message();
    EXPECT_EQ(proxy.error().message().find("s3cret"), std::string::npos) << proxy.error().message();
  }
}

TEST(ProxyConfigTest, TheEnvironmentIsReadAndNoProxyHonoured) {
  Env env;
  // Each variable removed under one spelling before it is set under the other.
  env.Set("https_proxy", nullptr);
  env.Set("HTTPS_PROXY", "http://envproxy:3128");
  env.Set("HTTP_PROXY", nullptr);
  env.Set("http_proxy", "http://plainproxy:8080");
  env.Set("NO_PROXY", nullptr);
  env.Set("no_proxy", nullptr);
  ASSERT_OK_AND_ASSIGN(const auto https, ResolveProxy(std::nullopt, kAzure));
  ASSERT_TRUE(https);
  EXPECT_EQ(https->host, "envproxy");
  ASSERT_OK_AND_ASSIGN(const auto http, ResolveProxy(std::nullopt, Endpoint{false, "acct.blob.core.windows.net", 80, ""}));
  ASSERT_TRUE(http);
  EXPECT_EQ(http->host, "plainproxy");
  // Loopback never goes through the environment's proxy.
  ASSERT_OK_AND_ASSIGN(const auto loopback, ResolveProxy(std::nullopt, Endpoint{true, "127.0.0.1", 10000, "/a"}));
  EXPECT_FALSE(loopback);
  env.Set("NO_PROXY", "example.org, .windows.net");
  ASSERT_OK_AND_ASSIGN(const auto excluded, ResolveProxy(std::nullopt, kAzure));
  EXPECT_FALSE(excluded);
  ASSERT_OK_AND_ASSIGN(const auto other, ResolveProxy(std::nullopt, Endpoint{true, "notwindows.net", 443, ""}));
  EXPECT_TRUE(other) << "a suffix matches whole labels only";
  env.Set("NO_PROXY", "*");
  ASSERT_OK_AND_ASSIGN(const auto all, ResolveProxy(std::nullopt, kAzure));
  EXPECT_FALSE(all);
}

}  // namespace
}  // namespace hvr::azure
