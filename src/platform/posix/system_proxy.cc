#include "platform/system_proxy.hpp"

namespace hvr {

Result<std::optional<std::string>> SystemProxyFor(std::string_view, bool) { return std::optional<std::string>(); }

}  // namespace hvr
