// hvr-fault-proxy: the tests' fault-injecting proxy as a program, for runs by hand and
// soak runs against Azurite (docs/fault-injection.md). It listens on 127.0.0.1 only,
// prints its port, faults requests at random, and ends after --seconds.
//
//   hvr-fault-proxy --seconds N [--rate R] [--kinds all|KIND,KIND...] [--seed N]
//                   [--stall-seconds S] [--counters FILE]
//   hvrepl protect ... --proxy http://127.0.0.1:PORT
//
// The counters go to FILE as JSON every second, on SIGUSR1 and on exit (SIGINT and
// SIGTERM end it early).
#include <signal.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <sstream>

#include "test_util/fault_proxy.hpp"
#include "util/file.hpp"

namespace {

namespace po = boost::program_options;
using hvr::FaultProxy;

int UsageError(const std::string& message) {
  std::cerr << "hvr-fault-proxy: " << message << "\n";
  return 2;
}

std::string KindNames() {
  std::string names;
  for (const auto fault : FaultProxy::AllFaults()) {
    names += (names.empty() ? "" : ", ") + std::string(FaultProxy::FaultName(fault));
  }
  return names;
}

// "all", or names separated by commas.
std::optional<std::vector<FaultProxy::Fault>> ParseKinds(const std::string& text, std::string* unknown) {
  if (text == "all") return FaultProxy::AllFaults();
  std::vector<FaultProxy::Fault> kinds;
  std::stringstream list(text);
  std::string name;
  while (std::getline(list, name, ',')) {
    const auto fault = FaultProxy::ParseFault(name);
    if (!fault || *fault == FaultProxy::Fault::kNone) {
      *unknown = name;
      return std::nullopt;
    }
    kinds.push_back(*fault);
  }
  if (kinds.empty()) *unknown = text;
  return kinds.empty() ? std::nullopt : std::optional(kinds);
}

int Run(int argc, char** argv) {
  po::options_description named("hvr-fault-proxy options");
  named.add_options()
      ("seconds", po::value<double>()->required(), "exit after this many seconds")
      ("rate", po::value<double>()->default_value(0), "probability that a request is faulted, 0 to 1")
      ("kinds", po::value<std::string>()->default_value("all"), "faults to draw from: all, or names with commas")
      ("seed", po::value<uint64_t>()->default_value(1), "seed of the draws")
      ("stall-seconds", po::value<double>()->default_value(5), "how long a stall holds a connection before closing it")
      ("counters", po::value<std::string>(), "write the counters as JSON to this file");
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(named).run(), vm);
  po::notify(vm);

  const double seconds = vm["seconds"].as<double>();
  if (!(seconds > 0 && seconds <= 7 * 24 * 3600)) return UsageError("--seconds: between 0 and 604800");
  const double stall = vm["stall-seconds"].as<double>();
  if (!(stall >= 0 && stall <= 3600)) return UsageError("--stall-seconds: between 0 and 3600");
  FaultProxy::RandomFaults random;
  random.rate = vm["rate"].as<double>();
  if (!(random.rate >= 0 && random.rate <= 1)) return UsageError("--rate: between 0 and 1");
  std::string unknown;
  const auto kinds = ParseKinds(vm["kinds"].as<std::string>(), &unknown);
  if (!kinds) return UsageError("--kinds: unknown fault '" + unknown + "'; all, or some of: " + KindNames());
  random.kinds = *kinds;
  random.seed = vm["seed"].as<uint64_t>();
  const std::string counters_file = vm.count("counters") ? vm["counters"].as<std::string>() : "";

  // The proxy's threads inherit the mask: the signals wait here for sigtimedwait.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  FaultProxy::Options options;
  options.stall = std::chrono::milliseconds(static_cast<int64_t>(stall * 1000));
  FaultProxy proxy(options);
  proxy.SetRandom(random);
  std::cout << proxy.port() << std::endl;

  const auto write_counters = [&] {
    if (counters_file.empty()) return true;
    const hvr::Status s = hvr::WriteFileAtomically(counters_file, proxy.counters().ToJson() + "\n");
    if (!s.ok()) std::cerr << "hvr-fault-proxy: " << s.error().ToString() << "\n";
    return s.ok();
  };
  using Clock = std::chrono::steady_clock;
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
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

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const po::error& e) {
    return UsageError(e.what());
  } catch (const std::exception& e) {
    std::cerr << "hvr-fault-proxy: " << e.what() << "\n";
    return 1;
  }
}
