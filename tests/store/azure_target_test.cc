#include "store/azure/azure_target.hpp"

#include <gtest/gtest.h>

#include "hvr/store.hpp"
#include "test_util/result_assertions.hpp"
#include "util/path.hpp"

namespace hvr::azure {
namespace {

TEST(AzureTargetTest, DevelopmentStorage) {
  ASSERT_OK_AND_ASSIGN(const ParsedTarget parsed,
                       ParseConnectionString("UseDevelopmentStorage=true;Container=replicas"));
  const Target& t = parsed.target;
  EXPECT_FALSE(t.endpoint.https);
  EXPECT_EQ(t.endpoint.host, "127.0.0.1");
  EXPECT_EQ(t.endpoint.port, 10000);
  EXPECT_EQ(t.endpoint.base_path, "/devstoreaccount1");
  EXPECT_EQ(t.account, "devstoreaccount1");
  EXPECT_EQ(t.container, "replicas");
  EXPECT_EQ(t.account_key.size(), 64u);
  EXPECT_EQ(t.Describe(), "azure:http://127.0.0.1:10000/devstoreaccount1/replicas");
  EXPECT_FALSE(ParseConnectionString("UseDevelopmentStorage=true;AccountName=x;Container=c").ok());
}

TEST(AzureTargetTest, AccountNameAndKeyMakeTheDefaultEndpoint) {
  ASSERT_OK_AND_ASSIGN(const ParsedTarget parsed,
                       ParseConnectionString("DefaultEndpointsProtocol=https;AccountName=acct;"
                                             "AccountKey=Zm9vYmFy;EndpointSuffix=core.chinacloudapi.cn;"
                                             "Container=vms;QueueEndpoint=https://q"));
  EXPECT_TRUE(parsed.target.endpoint.https);
  EXPECT_EQ(parsed.target.endpoint.host, "acct.blob.core.chinacloudapi.cn");
  EXPECT_EQ(parsed.target.endpoint.port, 443);
  EXPECT_EQ(parsed.target.endpoint.base_path, "");
  EXPECT_EQ(parsed.target.account, "acct");
  EXPECT_EQ(std::string(parsed.target.account_key.begin(), parsed.target.account_key.end()), "foobar");
  EXPECT_EQ(parsed.target.Describe().find("Zm9v"), std::string::npos);
}

TEST(AzureTargetTest, BlobEndpointWithSasAndADiskAfterTheContainer) {
  const std::string text =
      "BlobEndpoint=http://127.0.0.1:10001/devstoreaccount1;SharedAccessSignature=?sv=1&sig=abc;"
      "Container=c01/disk0@2024-05-01T12:00:00.0000000Z";
  ASSERT_OK_AND_ASSIGN(const ParsedTarget parsed, ParseConnectionString(text));
  EXPECT_EQ(parsed.target.endpoint.port, 10001);
  EXPECT_EQ(parsed.target.account, "devstoreaccount1");
  EXPECT_EQ(parsed.target.sas, "sv=1&sig=abc");
  EXPECT_EQ(parsed.target.container, "c01");
  EXPECT_EQ(parsed.rest, "disk0@2024-05-01T12:00:00.0000000Z");
  EXPECT_EQ(parsed.without_rest,
            "BlobEndpoint=http://127.0.0.1:10001/devstoreaccount1;SharedAccessSignature=?sv=1&sig=abc;"
            "Container=c01");
}

TEST(AzureTargetTest, BadConnectionStringsSayWhatIsWrong) {
  const auto message = [](const std::string& text) {
    auto parsed = ParseConnectionString(text);
    EXPECT_FALSE(parsed.ok()) << text;
    return parsed.ok() ? std::string() : parsed.error().message();
  };
  EXPECT_NE(message("AccountName=a;AccountKey=Zm9v").find("names no container"), std::string::npos);
  EXPECT_NE(message("AccountName=a;AccountKey=Zm9v;Container=c01;Bogus=1").find("unknown key 'Bogus'"),
            std::string::npos);
  EXPECT_NE(message("AccountName=a;Container=c01").find("needs AccountKey, SharedAccessSignature, or Entra ID"),
            std::string::npos);
  EXPECT_NE(message("AccountName=a;AccountKey=!!;Container=c01").find("not base64"), std::string::npos);
  EXPECT_NE(message("AccountName=a;AccountKey=Zm9v;SharedAccessSignature=sig=x;Container=c01").find("not both"),
            std::string::npos);
  EXPECT_NE(message("AccountName=a;AccountKey=Zm9v;Container=Bad_Name").find("container name"),
            std::string::npos);
  // Secrets stay out of messages about entries.
  EXPECT_EQ(message("AccountName=a;AccountKey=c2VjcmV0;Container=c01;junk").find("c2VjcmV0"),
            std::string::npos);
}

constexpr char kTenant[] = "8f0c7a9e-3b52-4d61-9a0e-5c4b2f1d7e63";
constexpr char kClient[] = "2b6e51d4-93a7-4c08-b1f5-7d3a9e0c4f12";
constexpr char kSecret[] = "Zx9~Q8.s_ECRET-value";

std::string Principal(const std::string& more) {
  return std::string("TenantId=") + kTenant + ";ClientId=" + kClient + ";" + more;
}

TEST(AzureTargetTest, AServicePrincipalWithASecret) {
  ASSERT_OK_AND_ASSIGN(const ParsedTarget parsed,
                       ParseConnectionString("BlobEndpoint=https://acct.blob.core.windows.net;" +
                                             Principal(std::string("clientsecret=") + kSecret) +
                                             ";Container=vms/disk0"));
  const Target& t = parsed.target;
  ASSERT_TRUE(t.service_principal.has_value());
  EXPECT_EQ(t.service_principal->tenant_id, kTenant);
  EXPECT_EQ(t.service_principal->client_id, kClient);
  EXPECT_EQ(t.service_principal->client_secret, kSecret);
  EXPECT_EQ(t.service_principal->certificate_path, "");
  EXPECT_EQ(t.service_principal->authority.Url(), kDefaultAuthorityHost);
  EXPECT_TRUE(t.account_key.empty());
  EXPECT_TRUE(t.sas.empty());
  EXPECT_EQ(t.account, "acct");
  EXPECT_EQ(parsed.rest, "disk0");
  EXPECT_EQ(t.Describe(), "azure:https://acct.blob.core.windows.net/vms");
}

TEST(AzureTargetTest, AServicePrincipalWithACertificateInASovereignCloud) {
  // Absolute as the system spells it: C:\etc\hvr\sp.pem (the current drive) on Windows.
  const std::string certificate = AbsolutePath("/etc/hvr/sp.pem");
  ASSERT_OK_AND_ASSIGN(const ParsedTarget gov,
                       ParseConnectionString("AccountName=acct;EndpointSuffix=core.usgovcloudapi.net;" +
                                             Principal("ClientCertificatePath=" + certificate +
                                                       ";AuthorityHost=https://login.microsoftonline.us/") +
                                             ";Container=vms"));
  EXPECT_EQ(gov.target.endpoint.host, "acct.blob.core.usgovcloudapi.net");
  ASSERT_TRUE(gov.target.service_principal.has_value());
  EXPECT_EQ(gov.target.service_principal->certificate_path, certificate);
  EXPECT_EQ(gov.target.service_principal->client_secret, "");
  EXPECT_EQ(gov.target.service_principal->authority.Url(), "https://login.microsoftonline.us");

  // An authority on an IP address is not addressed path-style as emulators' Blob
  // endpoints are.
  ASSERT_OK_AND_ASSIGN(const ParsedTarget local,
                       ParseConnectionString("BlobEndpoint=https://127.0.0.1:10000/devstoreaccount1;" +
                                             Principal("ClientSecret=s;AuthorityHost=https://127.0.0.1:8443") +
                                             ";Container=vms"));
  const Endpoint& authority = local.target.service_principal->authority;
  EXPECT_EQ(authority.host, "127.0.0.1");
  EXPECT_EQ(authority.port, 8443);
  EXPECT_EQ(authority.base_path, "");
}

TEST(AzureTargetTest, ContradictoryOrIncompleteServicePrincipalsAreRefused) {
  std::vector<std::string> messages;
  const auto message = [&](const std::string& text) {
    auto parsed = ParseConnectionString(text);
    EXPECT_FALSE(parsed.ok()) << text;
    messages.push_back(parsed.ok() ? std::string() : parsed.error().message());
    return messages.back();
  };
  const std::string secret = std::string("ClientSecret=") + kSecret;
  const std::string blob = "BlobEndpoint=https://acct.blob.core.windows.net;Container=vms;";
  EXPECT_NE(message(blob + Principal(secret) + ";AccountKey=Zm9v").find("two ways to authorise"),
            std::string::npos);
  EXPECT_NE(message(blob + Principal(secret) + ";SharedAccessSignature=sv=1&sig=x").find("two ways"),
            std::string::npos);
  EXPECT_NE(message(blob + "AccountKey=Zm9v;AuthorityHost=https://login.microsoftonline.us").find("two ways"),
            std::string::npos);
  EXPECT_NE(message(blob + Principal(secret + ";ClientCertificatePath=/sp.pem")).find("not both"),
            std::string::npos);
  EXPECT_NE(message(blob + Principal("AuthorityHost=https://login.microsoftonline.us"))
                .find("needs ClientSecret or ClientCertificatePath"),
            std::string::npos);
  EXPECT_NE(message(blob + std::string("ClientId=") + kClient + ";" + secret).find("needs TenantId"),
            std::string::npos);
  EXPECT_NE(message(blob + "TenantId=../x;ClientId=c;" + secret).find("needs TenantId"), std::string::npos);
  EXPECT_NE(message(blob + "TenantId=t;ClientId=;" + secret).find("needs ClientId"), std::string::npos);
  EXPECT_NE(message(blob + Principal("ClientCertificatePath=sp.pem")).find("absolute path"),
            std::string::npos);
  EXPECT_NE(message(blob + Principal(secret + ";AuthorityHost=http://login.microsoftonline.com"))
                .find("AuthorityHost: must be https"),
            std::string::npos);
  EXPECT_NE(message(blob + Principal(secret + ";AuthorityHost=https://login.microsoftonline.com/common"))
                .find("host alone"),
            std::string::npos);
  EXPECT_NE(message("DefaultEndpointsProtocol=http;AccountName=acct;Container=vms;" + Principal(secret))
                .find("only over https"),
            std::string::npos);
  EXPECT_NE(message("UseDevelopmentStorage=true;Container=vms;" + Principal(secret)).find("no other key"),
            std::string::npos);
  for (const auto& text : messages) EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
}

TEST(AzureTargetTest, ContainerUrls) {
  ASSERT_OK_AND_ASSIGN(const ParsedTarget host_style,
                       ParseContainerUrl("https://acct.blob.core.windows.net/vms/disk0?sv=2024-11-04&sig=x%2Fy"));
  EXPECT_EQ(host_style.target.account, "acct");
  EXPECT_EQ(host_style.target.container, "vms");
  EXPECT_EQ(host_style.target.sas, "sv=2024-11-04&sig=x%2Fy");
  EXPECT_EQ(host_style.rest, "disk0");
  EXPECT_EQ(host_style.without_rest, "https://acct.blob.core.windows.net/vms?sv=2024-11-04&sig=x%2Fy");

  ASSERT_OK_AND_ASSIGN(const ParsedTarget path_style,
                       ParseContainerUrl("http://127.0.0.1:10000/devstoreaccount1/vms?sig=1"));
  EXPECT_EQ(path_style.target.endpoint.base_path, "/devstoreaccount1");
  EXPECT_EQ(path_style.target.account, "devstoreaccount1");
  EXPECT_EQ(path_style.target.container, "vms");
  EXPECT_TRUE(path_style.rest.empty());

  EXPECT_FALSE(ParseContainerUrl("https://acct.blob.core.windows.net/vms").ok()) << "no SAS";
  EXPECT_FALSE(ParseContainerUrl("https://acct.blob.core.windows.net/?sig=1").ok()) << "no container";
  EXPECT_FALSE(ParseContainerUrl("ftp://acct/vms?sig=1").ok());
}

TEST(AzureTargetTest, PathStyleHosts) {
  EXPECT_TRUE(IsPathStyleHost("127.0.0.1"));
  EXPECT_TRUE(IsPathStyleHost("localhost"));
  EXPECT_TRUE(IsPathStyleHost("::1"));
  EXPECT_FALSE(IsPathStyleHost("acct.blob.core.windows.net"));
  EXPECT_FALSE(IsPathStyleHost("1.2.3"));
}

// Boost.URL keeps 16 bits of any port: ":99999" was port 34463.
TEST(AzureTargetTest, PortsOutOfRangeAreRefusedByName) {
  const auto message = [](const Result<ParsedTarget>& parsed) {
    EXPECT_FALSE(parsed.ok());
    return parsed.ok() ? std::string() : parsed.error().message();
  };
  for (const char* port : {"99999", "65536", "0", "", "4294967297"}) {
    const std::string url = std::string("http://127.0.0.1:") + port + "/devstoreaccount1/c01?sig=secret";
    const std::string text = message(ParseContainerUrl(url));
    EXPECT_NE(text.find("port '" + std::string(port) + "' is not a number from 1 to 65535"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("secret"), std::string::npos) << text;
    const std::string endpoint = message(ParseConnectionString(
        std::string("BlobEndpoint=http://127.0.0.1:") + port + "/devstoreaccount1;SharedAccessSignature=sig=x;Container=c01"));
    EXPECT_NE(endpoint.find("port '" + std::string(port) + "'"), std::string::npos) << endpoint;
  }
  const std::string letters = message(ParseContainerUrl("http://127.0.0.1:1o000/devstoreaccount1/c01?sig=secret"));
  EXPECT_NE(letters.find("port '1o000'"), std::string::npos) << letters;
  EXPECT_EQ(letters.find("secret"), std::string::npos) << letters;

  ASSERT_OK_AND_ASSIGN(const ParsedTarget highest, ParseContainerUrl("http://127.0.0.1:65535/acct/c01?sig=x"));
  EXPECT_EQ(highest.target.endpoint.port, 65535);
  ASSERT_OK_AND_ASSIGN(const auto one, PortOfUrl("http://agent:pass@[::1]:1/x"));
  EXPECT_EQ(one, 1);
  ASSERT_OK_AND_ASSIGN(const auto none, PortOfUrl("https://acct.blob.core.windows.net/c01?sig=x"));
  EXPECT_EQ(none, std::nullopt);
}

}  // namespace
}  // namespace hvr::azure
