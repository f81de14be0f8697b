// Which HTTP proxy a connection to an endpoint goes through: the store's own setting, else
// the environment (HTTPS_PROXY or HTTP_PROXY, NO_PROXY), else the system's setting
// (WinHTTP's proxy on Windows), and never one for a loopback endpoint. Only http://
// proxies reached with CONNECT; their credentials never appear in messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hvr/error.hpp"
#include "store/azure/azure_target.hpp"

namespace hvr::azure {

// An HTTP proxy reached with CONNECT.
struct ProxyConfig {
  std::string host;
  uint16_t port = 0;
  std::string authorization;  // "Basic ..." or empty
  std::string display;        // "http://user:REDACTED@host:port" for messages
};

// The proxy for `endpoint`: `configured` when set ("" for none), else the environment,
// else the system's setting; none for loopback endpoints or hosts NO_PROXY names.
Result<std::optional<ProxyConfig>> ResolveProxy(const std::optional<std::string>& configured,
                                                const Endpoint& endpoint);

}  // namespace hvr::azure
