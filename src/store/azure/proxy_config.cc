#include "store/azure/proxy_config.hpp"

#include <boost/url/parse.hpp>
#include <cstdlib>
#include <span>

#include "platform/system_proxy.hpp"
#include "store/azure/crypto.hpp"
#include "store/redact.hpp"
#include "util/ascii.hpp"

namespace hvr::azure {
namespace {

bool IsLoopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

const char* Env(const char* upper, const char* lower) {
  const char* value = std::getenv(upper);
  if (value == nullptr || *value == '\0') value = std::getenv(lower);
  return (value != nullptr && *value != '\0') ? value : nullptr;
}

// NO_PROXY: comma-separated host names (matching the name and its subdomains), IP
// addresses, or "*".
bool Excluded(const std::string& host, const char* no_proxy) {
  if (no_proxy == nullptr) return false;
  const std::string lower = AsciiLower(host);
  std::string_view list(no_proxy);
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string entry = AsciiLower(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.erase(0, 1);
    while (!entry.empty() && entry.back() == ' ') entry.pop_back();
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.front() == '.') entry.erase(0, 1);
    if (lower == entry ||
        (lower.size() > entry.size() &&
         lower.compare(lower.size() - entry.size(), entry.size(), entry) == 0 &&
         lower[lower.size() - entry.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

Result<ProxyConfig> ParseProxy(std::string text) {
  if (text.find("://") == std::string::npos) text = "http://" + text;
  const std::string shown = RedactSecrets(text);
  auto port = PortOfUrl(text);
  if (!port.ok()) return port.error().WithContext("proxy '" + shown + "'");
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed || parsed->host_address().empty()) {
    return Error(Code::kInvalidArgument, "proxy '" + shown + "' is not http://[user:password@]host:port");
  }
  if (AsciiLower(parsed->scheme()) != "http") {
    return Error(Code::kUnsupported, "proxy '" + shown + "': only http:// proxies (CONNECT) are supported");
  }
  ProxyConfig proxy;
  proxy.host = parsed->host_address();
  proxy.port = port->value_or(80);
  if (parsed->has_userinfo()) {
    const std::string userinfo = parsed->user() + ":" + parsed->password();
    proxy.authorization = "Basic " + Base64Encode(std::span(
                                         reinterpret_cast<const uint8_t*>(userinfo.data()), userinfo.size()));
  }
  proxy.display = shown;
  return proxy;
}

}  // namespace

Result<std::optional<ProxyConfig>> ResolveProxy(const std::optional<std::string>& configured,
                                                const Endpoint& endpoint) {
  if (configured) {
    if (configured->empty()) return std::optional<ProxyConfig>();
    HVR_ASSIGN_OR_RETURN(ProxyConfig proxy, ParseProxy(*configured));
    return std::optional<ProxyConfig>(std::move(proxy));
  }
  if (IsLoopback(endpoint.host) || Excluded(endpoint.host, Env("NO_PROXY", "no_proxy"))) {
    return std::optional<ProxyConfig>();
  }
  // The environment first, then what the system is set to (WinHTTP's proxy on Windows).
  const char* value = endpoint.https ? Env("HTTPS_PROXY", "https_proxy") : Env("HTTP_PROXY", "http_proxy");
  std::optional<std::string> chosen;
  if (value != nullptr) {
    chosen = value;
  } else {
    HVR_ASSIGN_OR_RETURN(chosen, SystemProxyFor(endpoint.host, endpoint.https));
  }
  if (!chosen) return std::optional<ProxyConfig>();
  HVR_ASSIGN_OR_RETURN(ProxyConfig proxy, ParseProxy(*chosen));
  return std::optional<ProxyConfig>(std::move(proxy));
}

}  // namespace hvr::azure
