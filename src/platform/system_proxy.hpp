// The proxy the operating system is set to use for a host, asked when neither the
// options nor the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) name one; the choice
// between them is made in one place, store/azure/proxy_config.cc (ResolveProxy).
//   POSIX    none: the environment is where POSIX systems set proxies
//   Windows  the machine's WinHTTP proxy (netsh winhttp set proxy), which is where
//            administrators set the proxy for services
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

// The proxy for `host` as "[scheme://]host:port", or nullopt to connect directly.
Result<std::optional<std::string>> SystemProxyFor(std::string_view host, bool https);

// WinHTTP's setting as netsh keeps it, applied to `host`:
//   proxies  "proxy:8080", or per scheme "http=proxy:80;https=secure-proxy:443"; entries
//            separated by ';' or spaces; an entry without "scheme=" serves every scheme
//   bypass   "<local>;*.corp.example;10.*": host patterns with '*' wildcards, matched
//            without regard to case; "<local>" is every name without a dot
// Portable, so that it is tested everywhere; only Windows has such a setting to read.
std::optional<std::string> ChooseWinHttpProxy(std::string_view proxies, std::string_view bypass,
                                              std::string_view host, bool https);

}  // namespace hvr
