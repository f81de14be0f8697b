#include "store/azure/entra_token_request.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse_query.hpp>
#include <map>

#include "test_util/result_assertions.hpp"

namespace hvr::azure {
namespace {

constexpr char kWhat[] = "token request to https://login.microsoftonline.com/t/oauth2/v2.0/token";

ServicePrincipal Principal() {
  ServicePrincipal principal;
  principal.authority = Endpoint{true, "login.microsoftonline.us", 443, ""};
  principal.tenant_id = "contoso.onmicrosoft.com";
  principal.client_id = "2b6e51d4-93a7-4c08-b1f5-7d3a9e0c4f12";
  principal.client_secret = "a~b+c/d=e&f";
  return principal;
}

// The form as a server reads it: names to decoded values.
std::map<std::string, std::string> Fields(const std::string& body) {
  std::map<std::string, std::string> out;
  auto query = boost::urls::parse_query(body);
  EXPECT_TRUE(query.has_value()) << body;
  if (!query) return out;
  for (const auto& param : *query) out[param.key.decode()] = param.value.decode();
  return out;
}

Error Failure(unsigned status, const std::string& body) {
  auto parsed = ParseTokenResponse(status, body, kWhat);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? Error(Code::kOk, "") : parsed.error();
}

TEST(EntraTokenRequestTest, TheEndpointIsTheTenantsV2TokenPathOnTheAuthority) {
  EXPECT_EQ(TokenPath(Principal()), "/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(TokenUrl(Principal()),
            "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
  ServicePrincipal local = Principal();
  local.authority = Endpoint{true, "127.0.0.1", 8443, ""};
  EXPECT_EQ(TokenUrl(local), "https://127.0.0.1:8443/contoso.onmicrosoft.com/oauth2/v2.0/token");
}

TEST(EntraTokenRequestTest, ASecretTravelsFormEncoded) {
  const std::string body = TokenRequestBody(Principal(), "");
  EXPECT_NE(body.find("client_secret=a~b%2Bc%2Fd%3De%26f"), std::string::npos) << body;
  const auto fields = Fields(body);
  EXPECT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields.at("grant_type"), "client_credentials");
  EXPECT_EQ(fields.at("client_id"), "2b6e51d4-93a7-4c08-b1f5-7d3a9e0c4f12");
  EXPECT_EQ(fields.at("scope"), "https://storage.azure.com/.default");
  EXPECT_EQ(fields.at("client_secret"), "a~b+c/d=e&f");
}

TEST(EntraTokenRequestTest, ACertificateSendsItsAssertionAndNoSecret) {
  ServicePrincipal principal = Principal();
  principal.client_secret.clear();
  principal.certificate_path = "/etc/hvr/app.pem";
  const auto fields = Fields(TokenRequestBody(principal, "eyJh.eyJi.c2ln"));
  EXPECT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields.at("grant_type"), "client_credentials");
  EXPECT_EQ(fields.at("scope"), "https://storage.azure.com/.default");
  EXPECT_EQ(fields.at("client_assertion_type"), "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(fields.at("client_assertion"), "eyJh.eyJi.c2ln");
  EXPECT_EQ(fields.count("client_secret"), 0u);
}

TEST(EntraTokenRequestTest, ATokenAndItsLifetime) {
  ASSERT_OK_AND_ASSIGN(const AccessToken token,
                       ParseTokenResponse(200,
                                          R"({"token_type":"Bearer","expires_in":3599,)"
                                          R"("ext_expires_in":3599,"access_token":"eyJ0.eyJ1.c2"})",
                                          kWhat));
  EXPECT_EQ(token.value, "eyJ0.eyJ1.c2");
  EXPECT_EQ(token.lifetime, std::chrono::seconds(3599));
  // Older endpoints send the lifetime as a string.
  ASSERT_OK_AND_ASSIGN(const AccessToken text,
                       ParseTokenResponse(200, R"({"expires_in":"600","access_token":"t"})", kWhat));
  EXPECT_EQ(text.lifetime, std::chrono::seconds(600));
}

TEST(EntraTokenRequestTest, AnAnswerWithoutAUsableTokenIsCorrupt) {
  for (const char* body : {"<html>portal</html>", "[]", R"({"expires_in":3599})",
                           R"({"access_token":"t"})", R"({"access_token":"t","expires_in":0})",
                           R"({"access_token":"t","expires_in":"soon"})",
                           R"({"access_token":"t","expires_in":60,"token_type":"pop"})"}) {
    const Error error = Failure(200, body);
    EXPECT_EQ(error.code(), Code::kCorruptData) << body;
    EXPECT_EQ(error.message().rfind(kWhat, 0), 0u) << error.message();
  }
}

TEST(EntraTokenRequestTest, RefusalsAreNamedByTheirErrorAndAadstsCode) {
  const std::string body =
      R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret )"
      R"(provided.\r\nTrace ID: 0d1c\r\nCorrelation ID: 7e2f\r\nTimestamp: 2025-01-01 00:00:00Z",)"
      R"("error_codes":[7000215],"trace_id":"0d1c","correlation_id":"7e2f"})";
  const Error error = Failure(401, body);
  EXPECT_EQ(error.code(), Code::kAuthFailed);
  EXPECT_FALSE(error.recoverable());
  EXPECT_EQ(error.message(), std::string(kWhat) + ": HTTP 401 invalid_client: AADSTS7000215: Invalid "
                                                  "client secret provided. (correlation id 7e2f)");

  EXPECT_EQ(Failure(400, R"({"error":"unauthorized_client","error_description":"AADSTS700016"})").code(),
            Code::kAuthFailed);
  EXPECT_EQ(Failure(400, R"({"error":"invalid_request","error_description":"AADSTS90002: Tenant"})").code(),
            Code::kAuthFailed);
  // What the endpoint says is passed on without secrets in it.
  const Error echoed = Failure(400, R"({"error":"invalid_request","error_description":)"
                                    R"("AADSTS900144: body client_secret=hunter2&scope=x"})");
  EXPECT_EQ(echoed.message().find("hunter2"), std::string::npos) << echoed.message();
}

TEST(EntraTokenRequestTest, ABusyOrUnreachableEndpointIsRecoverable) {
  const std::string busy = R"({"error":"temporarily_unavailable","error_description":"AADSTS50196"})";
  EXPECT_EQ(Failure(429, busy).code(), Code::kThrottled);
  EXPECT_EQ(Failure(503, busy).code(), Code::kThrottled);
  EXPECT_EQ(Failure(500, "").code(), Code::kThrottled);
  EXPECT_EQ(Failure(408, "").code(), Code::kTimeout);
  const Error gateway = Failure(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(gateway.code(), Code::kNetwork);
  EXPECT_TRUE(gateway.recoverable());
  EXPECT_EQ(gateway.message(), std::string(kWhat) + ": HTTP 502");
}

}  // namespace
}  // namespace hvr::azure
