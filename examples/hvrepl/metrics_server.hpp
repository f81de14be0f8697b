// --metrics-listen ADDRESS:PORT: serves the metrics over HTTP (GET /metrics, and any other
// path alike) on a thread of its own, for as long as the object lives. Only the command
// line listens: the library never opens a socket it was not asked to.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hvr/error.hpp"

namespace hvrepl {

class MetricsServer {
 public:
  // `endpoint` is "ADDRESS:PORT" ("[ADDRESS]:PORT" for IPv6); PORT 0 takes a free one.
  // `render` runs on the server's thread for every request.
  static hvr::Result<std::unique_ptr<MetricsServer>> Start(const std::string& endpoint,
                                                           std::function<std::string()> render);
  ~MetricsServer();
  // The port it listens on.
  unsigned short port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hvrepl
