#include "store_arguments.hpp"

#include "arguments.hpp"

namespace hvrepl {

void AddStoreArgs(CLI::App& app, StoreArgs& args) {
  // The range is the library's, and so is the check.
  AddCount(app, "--in-flight", args.in_flight,
           "requests in flight, 4 MiB each at most, 1 to " + std::to_string(hvr::kMaxInFlight))
      ->check(CheckWith([](const std::string& text) { return hvr::ValidateMaxInFlight(std::stoi(text)); }));
  AddRate(app, "--bandwidth", args.bandwidth, "bytes per second to send at most (default: no limit)");
  AddText(app, "--ca-file", args.ca_file, "PEM file of CA certificates to trust (default: the system's)", "FILE");
  app.add_flag("--insecure", args.insecure, "do not verify the server's TLS certificate");
  AddText(app, "--proxy", args.proxy, "HTTP proxy URL (default: HTTPS_PROXY or HTTP_PROXY)", "URL");
  AddLinkArgs(app, args);
}

hvr::LinkModel StoreArgs::Link(hvr::LinkModel base) const {
  if (link_bandwidth) base.bytes_per_second = *link_bandwidth;
  if (link_requests) base.requests_per_second = *link_requests;
  return base;
}

void AddLinkArgs(CLI::App& app, StoreArgs& args) {
  // The ranges are the library's, and so is the check.
  const auto check = [](auto set) {
    return CheckWith([set](const std::string& text) {
      hvr::LinkModel link;
      set(link, std::stoull(text));
      return link.Validate();
    });
  };
  const hvr::LinkModel defaults;
  AddRate(app, "--link-bandwidth", args.link_bandwidth,
          "bytes per second the link to the target carries, which decides how far writes join across zeros: " +
              std::to_string(hvr::LinkModel::kMinBytesPerSecond) + " to " +
              std::to_string(hvr::LinkModel::kMaxBytesPerSecond) + " (default: " +
              std::to_string(defaults.bytes_per_second) + ", 100 Mbit/s)")
      ->check(check([](hvr::LinkModel& l, uint64_t v) { l.bytes_per_second = v; }));
  AddCount(app, "--link-requests", args.link_requests,
           "requests per second one replica disk takes, to which the requests to each disk are spaced (default: " +
               std::to_string(defaults.requests_per_second) +
               ", Azure's target for a page blob)",
           uint32_t{1}, hvr::LinkModel::kMaxRequestsPerSecond);
}

}  // namespace hvrepl
