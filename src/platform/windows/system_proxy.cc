#include "platform/system_proxy.hpp"

#include <windows.h>
#include <winhttp.h>

#include "platform/system_error.hpp"
#include "platform/windows/wide_path.hpp"

namespace hvr {

Result<std::optional<std::string>> SystemProxyFor(std::string_view host, bool https) {
  WINHTTP_PROXY_INFO info{};
  if (!::WinHttpGetDefaultProxyConfiguration(&info)) return LastSystemError("read the WinHTTP proxy setting");
  const std::string proxies = info.lpszProxy != nullptr ? Utf8FromUtf16(info.lpszProxy) : "";
  const std::string bypass = info.lpszProxyBypass != nullptr ? Utf8FromUtf16(info.lpszProxyBypass) : "";
  const bool named = info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY;
  ::GlobalFree(info.lpszProxy);
  ::GlobalFree(info.lpszProxyBypass);
  if (!named) return std::optional<std::string>();
  return ChooseWinHttpProxy(proxies, bypass, host, https);
}

}  // namespace hvr
