// hvr-fault-proxy: the tests' fault-injecting proxy as a program, for runs by hand and
// soak runs against Azurite (docs/fault-injection.md). It listens on 127.0.0.1 only,
// prints its port, faults requests at random, and ends after --seconds.
//
//   hvr-fault-proxy --seconds DURATION [--rate R] [--kinds all|KIND,KIND...] [--seed N]
//                   [--stall-seconds DURATION] [--counters FILE]
//                   [--link-bandwidth RATE] [--rtt DURATION] [--blob-requests N --blob-bandwidth RATE]
//                   [--upstream PORT]
//   hvrepl protect ... --proxy http://127.0.0.1:PORT
//
// The shaping options make it a WAN in front of the service (docs/benchmarks.md); with
// --upstream it forwards every connection to 127.0.0.1:PORT, and clients use it as the
// endpoint itself (BlobEndpoint=http://127.0.0.1:PROXYPORT/devstoreaccount1).
//
// The counters go to FILE as JSON every second, on SIGUSR1 and on exit (SIGINT and
// SIGTERM end it early). `hvr-fault-proxy --help` explains it (examples/hvrepl/program.hpp).
#include <signal.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>

#include "arguments.hpp"
#include "program.hpp"
#include "test_util/fault_proxy.hpp"
#include "util/file.hpp"

namespace {

using hvr::FaultProxy;

std::string KindNames() {
  std::string names;
  for (const auto fault : FaultProxy::AllFaults()) {
    names += (names.empty() ? "" : ", ") + std::string(FaultProxy::FaultName(fault));
  }
  return names;
}

// "all", or names separated by commas.
hvr::Result<std::vector<FaultProxy::Fault>> ParseKinds(const std::string& text) {
  if (text == "all") return FaultProxy::AllFaults();
  const auto unknown = [](const std::string& name) {
    return hvr::Error(hvr::Code::kInvalidArgument, "unknown fault '" + name + "'; all, or some of: " + KindNames());
  };
  std::vector<FaultProxy::Fault> kinds;
  std::stringstream list(text);
  std::string name;
  while (std::getline(list, name, ',')) {
    const auto fault = FaultProxy::ParseFault(name);
    if (!fault || *fault == FaultProxy::Fault::kNone) return unknown(name);
    kinds.push_back(*fault);
  }
  if (kinds.empty()) return unknown(text);
  return kinds;
}

struct Args {
  std::chrono::milliseconds seconds{0};
  FaultProxy::RandomFaults random;  // every kind unless --kinds says otherwise
  std::chrono::milliseconds stall{5000};
  std::string counters_file;
  FaultProxy::Options::Shaping shaping;
  std::optional<uint16_t> upstream;
};

// Refuses a duration outside [least, most]; ParseDuration has read it already.
CLI::Validator DurationWithin(std::chrono::milliseconds least, std::chrono::milliseconds most,
                              const std::string& range) {
  return hvrepl::CheckWith([=](const std::string& text) -> hvr::Status {
    const auto duration = hvrepl::ParseDuration(text);
    if (duration.ok() && *duration >= least && *duration <= most) return hvr::Ok();
    return hvr::Error(hvr::Code::kInvalidArgument, range + ", not '" + text + "'");
  });
}

int Serve(const Args& args) {
  // The proxy's threads inherit the mask: the signals wait here for sigtimedwait.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  FaultProxy::Options options;
  options.stall = args.stall;
  options.shaping = args.shaping;
  options.upstream = args.upstream;
  FaultProxy proxy(options);
  proxy.SetRandom(args.random);
  std::cout << proxy.port() << std::endl;

  const auto write_counters = [&] {
    if (args.counters_file.empty()) return true;
    const hvr::Status s = hvr::WriteFileAtomically(args.counters_file, proxy.counters().ToJson() + "\n");
    if (!s.ok()) std::cerr << "hvr-fault-proxy: " << s.error().ToString() << "\n";
    return s.ok();
  };
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + args.seconds;
  while (Clock::now() < deadline) {
    const auto left = std::min<Clock::duration>(deadline - Clock::now(), std::chrono::seconds(1));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const timespec wait{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    const int signal = sigtimedwait(&signals, nullptr, &wait);
    if (!write_counters()) return 1;
    if (signal == SIGINT || signal == SIGTERM) break;
  }
  return write_counters() ? 0 : 1;
}

hvrepl::Runner Declare(CLI::App& app) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  auto a = std::make_shared<Args>();
  hvrepl::AddDuration(app, "--seconds", a->seconds, "exit after this long, at most a week")
      ->required()
      ->check(DurationWithin(milliseconds(1), hours(24 * 7), "more than 0 and at most 604800 seconds (a week)"));
  hvrepl::AddNumber(app, "--rate", a->random.rate, "probability that a request is faulted", 0, 1);
  hvrepl::AddParsed(app, "--kinds", a->random.kinds, ParseKinds,
                    "faults to draw from: all, or names with commas: " + KindNames(), "KINDS")
      ->default_str("all");
  hvrepl::AddCount(app, "--seed", a->random.seed, "seed of the draws");
  hvrepl::AddDuration(app, "--stall-seconds", a->stall, "how long a stall holds a connection before closing it")
      ->check(DurationWithin(milliseconds(0), hours(1), "at most 3600 seconds (an hour)"));
  hvrepl::AddText(app, "--counters", a->counters_file, "write the counters as JSON to this file (default: none)",
                  "FILE");
  hvrepl::AddRate(app, "--link-bandwidth", a->shaping.link_bytes_per_second,
                  "bytes a second the link carries in each direction (0: unlimited)");
  hvrepl::AddDuration(app, "--rtt", a->shaping.rtt, "round-trip time of the link, paid by each connection and request")
      ->check(DurationWithin(milliseconds(0), std::chrono::minutes(2), "at most 120 seconds"));
  hvrepl::AddNumber(app, "--blob-requests", a->shaping.blob_requests_per_second,
                                     "requests a second each blob takes before 503 ServerBusy (0: no limit; "
                                     "Azure's page blob target is 500)",
                                     0, 1e6);
  hvrepl::AddRate(app, "--blob-bandwidth", a->shaping.blob_bytes_per_second,
                                "bytes a second each blob takes before 503 ServerBusy (0: no limit; Azure's "
                                "page blob target is 60M)");
  hvrepl::AddCount(app, "--upstream", a->upstream,
                   "forward every connection to this port of 127.0.0.1 instead of waiting for CONNECT",
                   uint16_t{1}, uint16_t{65535});
  return [a] {
    if ((a->shaping.blob_requests_per_second > 0) != (a->shaping.blob_bytes_per_second > 0)) {
      std::cerr << "hvr-fault-proxy: --blob-requests and --blob-bandwidth go together: give both or neither\n";
      return 2;
    }
    return Serve(*a);
  };
}

}  // namespace

int main(int argc, char** argv) {
  const hvrepl::Program program{
      "hvr-fault-proxy",
      {{.words = {},
        .summary = "a fault-injecting, WAN-shaping HTTP proxy on 127.0.0.1, for runs by hand, soaks and benchmarks",
        .description = "Listens on a free port of 127.0.0.1, prints it, and forwards CONNECT tunnels (or, with "
                       "--upstream, every connection), faulting requests at random with the given rate and kinds "
                       "(docs/fault-injection.md) and shaping them like a WAN in front of Azure's limits "
                       "(docs/benchmarks.md), until the time is up or SIGINT or SIGTERM. The counters of what it "
                       "did go to --counters every second, on SIGUSR1 and on exit.",
        .examples = {{"--seconds 600 --rate 0.01 --kinds all --seed 7 --counters /tmp/proxy.json",
                      "fault 1 % of requests for ten minutes"},
                     {"--seconds 60 --rate 1 --kinds reset,stall --stall-seconds 2", ""},
                     {"--seconds 3600 --upstream 10000 --link-bandwidth 12500000 --rtt 40ms --blob-requests 500 "
                      "--blob-bandwidth 60M",
                      "100 Mbit/s with 40 ms of RTT in front of Azurite, with Azure's page blob targets"}},
        .declare = Declare}}};
  return hvrepl::RunProgram(program, std::vector<std::string>(argv + 1, argv + argc));
}
