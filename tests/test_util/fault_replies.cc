#include "test_util/fault_replies.hpp"

#include <algorithm>
#include <boost/beast/http.hpp>
#include <iterator>
#include <sstream>

namespace hvr {
namespace {

namespace http = boost::beast::http;
using Fault = FaultProxy::Fault;

struct ServiceError {
  Fault fault;
  http::status status;
  const char* code;
  const char* message;
};

constexpr const char* kServerBusyMessage =
    "The server is currently unable to receive requests. Please retry your request.";

constexpr ServiceError kServiceErrors[] = {
    {Fault::kServerBusy, http::status::service_unavailable, "ServerBusy", kServerBusyMessage},
    {Fault::kServerBusyRetryAfter, http::status::service_unavailable, "ServerBusy", kServerBusyMessage},
    {Fault::kInternalError, http::status::internal_server_error, "InternalError",
     "The server encountered an internal error. Please retry the request."},
    {Fault::kOperationTimedOut, http::status::internal_server_error, "OperationTimedOut",
     "The operation could not be completed within the permitted time."},
    {Fault::kRequestTimeout, http::status::request_timeout, "RequestTimeout",
     "The request was not completed within the time the server allows."},
    {Fault::kTooManyRequests, http::status::too_many_requests, "TooManyRequests",
     "Too many requests were sent. Please retry your request later."},
    {Fault::kBadGateway, http::status::bad_gateway, "BadGateway",
     "A gateway received an invalid response from the server."},
    {Fault::kGatewayTimeout, http::status::gateway_timeout, "GatewayTimeout",
     "A gateway did not receive a response from the server in time."},
};

}  // namespace

std::optional<std::string> ServiceErrorReply(Fault fault, std::chrono::seconds retry_after) {
  const auto error = std::find_if(std::begin(kServiceErrors), std::end(kServiceErrors),
                                  [&](const ServiceError& e) { return e.fault == fault; });
  if (error == std::end(kServiceErrors)) return std::nullopt;
  // A fixed request id: the service's are GUIDs, and nothing reads them but people.
  const char* request_id = "00000000-0000-0000-0000-000000000000";
  http::response<http::string_body> reply{error->status, 11};
  reply.set(http::field::content_type, "application/xml");
  reply.set(http::field::server, "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0");
  reply.set("x-ms-error-code", error->code);
  reply.set("x-ms-request-id", request_id);
  if (fault == Fault::kServerBusyRetryAfter) reply.set(http::field::retry_after, std::to_string(retry_after.count()));
  reply.body() = std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>") + error->code +
                 "</Code><Message>" + error->message + "\nRequestId:" + request_id + "</Message></Error>";
  reply.prepare_payload();
  std::ostringstream out;
  out << reply;
  return out.str();
}

}  // namespace hvr
