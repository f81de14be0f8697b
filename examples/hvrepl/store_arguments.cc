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
}

}  // namespace hvrepl
