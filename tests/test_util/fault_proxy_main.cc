// hvr-fault-proxy: the tests' fault-injecting proxy as a program, for runs by hand and
// soak runs against Azurite (docs/fault-injection.md). It listens on 127.0.0.1 only,
// prints its port, faults requests at random, and ends after --seconds.
//
//   hvr-fault-proxy --seconds DURATION [--rate R] [--kinds all|KIND,KIND...] [--seed N]
//                   [--stall-seconds DURATION] [--counters FILE]
//   hvrepl protect ... --proxy http://127.0.0.1:PORT
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
  return [a] { return Serve(*a); };
}

}  // namespace

int main(int argc, char** argv) {
  const hvrepl::Program program{
      "hvr-fault-proxy",
      {{.words = {},
        .summary = "a fault-injecting HTTP CONNECT proxy on 127.0.0.1, for runs by hand and soak runs",
        .description = "Listens on a free port of 127.0.0.1, prints it, and forwards CONNECT tunnels, faulting "
                       "requests at random with the given rate and kinds (docs/fault-injection.md), until the "
                       "time is up or SIGINT or SIGTERM. The counters of what it did go to --counters every "
                       "second, on SIGUSR1 and on exit.",
        .examples = {{"--seconds 600 --rate 0.01 --kinds all --seed 7 --counters /tmp/proxy.json",
                      "fault 1 % of requests for ten minutes"},
                     {"--seconds 60 --rate 1 --kinds reset,stall --stall-seconds 2", ""}},
        .declare = Declare}}};
  return hvrepl::RunProgram(program, std::vector<std::string>(argv + 1, argv + argc));
}
