// The options of the connection to a replica store: declared once, for the store
// commands (upload, download, store ls) and for protect, which keeps them with the
// relationship.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "hvr/store_options.hpp"

namespace hvrepl {

struct StoreArgs {
  int in_flight = hvr::StoreOptions{}.max_in_flight;
  std::optional<uint64_t> bandwidth;  // bytes per second
  std::optional<std::string> ca_file;
  bool insecure = false;
  std::optional<std::string> proxy;
};

// --in-flight, --bandwidth, --ca-file, --insecure and --proxy, bound to `args`.
void AddStoreArgs(CLI::App& app, StoreArgs& args);

}  // namespace hvrepl
