// An HTTP CONNECT proxy on loopback for tests: it opens tunnels like any proxy and, for
// plain-HTTP targets, reads the requests inside the tunnel so it can misbehave the way
// networks and storage services do: answer 503 Server Busy, stall, or drop the
// connection before, during or after a response. TLS traffic is relayed untouched.
// Each client connection is served by its own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hvr {

class FaultProxy {
 public:
  enum class Fault {
    kNone,                 // relay the request and its response
    kServerBusy,           // answer 503 ServerBusy (with Azure's XML error) instead
    kStall,                // never answer; hold the connection until the proxy stops
    kCloseBeforeResponse,  // read the request, then close the client's connection
    kCloseMidResponse,     // relay the request, send half the response, close
    kCloseAfterResponse,   // relay both, then close although keep-alive was promised
  };

  struct Options {
    std::string credentials;  // "user:password": demand Proxy-Authorization (407 otherwise)
  };

  explicit FaultProxy(Options options);
  FaultProxy() : FaultProxy(Options{}) {}
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }
  std::string Url() const;  // "http://127.0.0.1:PORT"

  // Faults for the next requests seen in tunnels, one each, in order; then kNone.
  void Inject(std::vector<Fault> faults);
  // Forgets the faults not used yet: the network is healthy again.
  void Clear();

  int tunnels() const { return tunnels_; }    // CONNECTs accepted
  int requests() const { return requests_; }  // requests read inside tunnels
  // The start line and headers of every request read inside tunnels, in order.
  std::vector<std::string> RequestHeads() const;

 private:
  void AcceptLoop();
  void Serve(int client);
  void Relay(int client, int upstream);
  void Inspect(int client, int upstream);
  Fault NextFault();
  void Track(int fd);
  void Untrack(int fd);

  Options options_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> tunnels_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::condition_variable stopped_;
  std::vector<std::string> heads_;
  std::deque<Fault> faults_;
  std::vector<int> open_;  // sockets to shut down when stopping
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace hvr
