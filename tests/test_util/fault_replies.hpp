// The answers Azure Storage gives when it fails a request, as the fault proxy sends them
// in its place: the status, `x-ms-error-code`, a request id and the XML error body
// ("Status and error codes" in the Blob service REST reference). 408, 429, 502 and 504
// are not on the Blob service's list of error codes; front ends and gateways on the way
// answer them, and Azure's SDKs retry them, so the proxy gives them the same shape with
// the status's name as the code.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "test_util/fault_proxy.hpp"

namespace hvr {

// The whole HTTP/1.1 response for `fault`, or nothing when `fault` is not an answer of
// the service. kServerBusyRetryAfter carries `Retry-After: retry_after`.
std::optional<std::string> ServiceErrorReply(FaultProxy::Fault fault, std::chrono::seconds retry_after);

}  // namespace hvr
