// The options of the connection to a replica store: declared once, for the store
// commands (upload, download, store ls) and for protect, which keeps them with the
// relationship.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "hvr/link.hpp"
#include "hvr/store_options.hpp"

namespace hvrepl {

struct StoreArgs {
  int in_flight = hvr::StoreOptions{}.max_in_flight;
  std::optional<uint64_t> bandwidth;  // bytes per second
  std::optional<std::string> ca_file;
  bool insecure = false;
  std::optional<std::string> proxy;
  // The link to the store (hvr/link.hpp); unset parts keep the default.
  std::optional<uint64_t> link_bandwidth;  // bytes per second
  std::optional<uint32_t> link_requests;   // per second and replica disk

  hvr::LinkModel Link(hvr::LinkModel base = {}) const;
};

// --in-flight, --bandwidth, --ca-file, --insecure, --proxy, --link-bandwidth and
// --link-requests, bound to `args`.
void AddStoreArgs(CLI::App& app, StoreArgs& args);
// --link-bandwidth and --link-requests alone (set changes them apart from the others).
void AddLinkArgs(CLI::App& app, StoreArgs& args);

}  // namespace hvrepl
