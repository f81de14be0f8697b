// hvr-guest: the reference host as a program. It runs a guest workload on VHDX disks
// (writing random blocks through hvr's disk writer, tracking them in replica logs) and
// answers hvrepl's host actions on a control socket.
//
//   hvr-guest run --disk D [--disk E] --control SOCKET [--seed N] [--rate N]
//                 [--block N] [--create SIZE] [--initial-fill SIZE] [--initial-writes N]
//                 [--truth DIR]
//   hvr-guest ctl --control SOCKET ACTION [--count N] [--quiesce]
//       ACTION: checkpoint merge rotate shutdown start write pause resume status exit
#include <filesystem>
#include <optional>
#include <iostream>

#include <boost/program_options.hpp>

#include "control.hpp"
#include "units.hpp"
#include "guest_workload.hpp"
#include "hvr/disk_create.hpp"

namespace {

namespace po = boost::program_options;
using hvr::guest::ControlServer;

int Fail(const hvr::Error& error) {
  std::cerr << "hvr-guest: " << error.ToString() << "\n";
  return 1;
}

int Run(const std::vector<std::string>& args) {
  po::options_description named("hvr-guest run");
  named.add_options()
      ("disk", po::value<std::vector<std::string>>()->required(), "a VHDX the guest writes (repeat for more)")
      ("control", po::value<std::string>()->required(), "the control socket to serve")
      ("seed", po::value<uint64_t>()->default_value(1), "seed of the writes")
      ("rate", po::value<double>()->default_value(200), "writes per second (0: only when asked)")
      ("block", po::value<uint32_t>()->default_value(4096), "bytes per write")
      ("create", po::value<std::string>(), "create missing disks as dynamic VHDX of this size (e.g. 256M)")
      ("initial-fill", po::value<std::string>(), "write this much at the start of each disk first (e.g. 32M)")
      ("initial-writes", po::value<uint64_t>()->default_value(0), "blocks to write before serving")
      ("truth", po::value<std::string>(), "record digests of the disks at each rotation in this folder");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).run(), vm);
  po::notify(vm);

  hvr::guest::GuestOptions options;
  options.disks = vm["disk"].as<std::vector<std::string>>();
  options.seed = vm["seed"].as<uint64_t>();
  options.writes_per_second = vm["rate"].as<double>();
  options.block_size = vm["block"].as<uint32_t>();
  // Nobody asks this process for digests it keeps only in memory.
  options.record_truth = vm.count("truth") > 0;
  if (options.record_truth) options.truth_dir = vm["truth"].as<std::string>();
  if (vm.count("create")) {
    for (const std::string& disk : options.disks) {
      if (std::filesystem::exists(disk)) continue;
      hvr::VhdxCreateOptions create;
      const auto size = hvrepl::ParseSize(vm["create"].as<std::string>());
      if (!size) return Fail(hvr::Error(hvr::Code::kInvalidArgument, "--create: a size such as 256M"));
      create.virtual_size = *size;
      if (hvr::Status s = hvr::CreateVhdx(disk, create); !s.ok()) return Fail(s.error());
    }
  }
  auto guest = hvr::guest::GuestWorkload::Start(options);
  if (!guest.ok()) return Fail(guest.error());
  if (vm.count("initial-fill")) {
    const auto size = hvrepl::ParseSize(vm["initial-fill"].as<std::string>());
    if (!size) return Fail(hvr::Error(hvr::Code::kInvalidArgument, "--initial-fill: a size such as 32M"));
    if (hvr::Status s = (*guest)->Fill(*size); !s.ok()) return Fail(s.error());
  }
  if (const uint64_t n = vm["initial-writes"].as<uint64_t>()) {
    if (hvr::Status s = (*guest)->Write(n); !s.ok()) return Fail(s.error());
  }
  auto server = ControlServer::Start(vm["control"].as<std::string>(), **guest);
  if (!server.ok()) return Fail(server.error());
  (*server)->StopOnSignals();
  (*guest)->StartWriting();
  (*server)->Wait();
  (*guest)->StopWriting();
  return 0;
}

int Control(const std::vector<std::string>& args) {
  po::options_description named("hvr-guest ctl");
  named.add_options()("control", po::value<std::string>()->required(), "the control socket")(
      "action", po::value<std::string>()->required(), "what to do")("quiesce", po::bool_switch(), "rotate: quiesce first")(
      "count", po::value<uint64_t>()->default_value(0), "write: blocks to write");
  po::positional_options_description order;
  order.add("action", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(order).run(), vm);
  po::notify(vm);
  hvr::guest::ControlClient client(vm["control"].as<std::string>());
  auto answer = client.Call(vm["action"].as<std::string>(), vm["quiesce"].as<bool>(), vm["count"].as<uint64_t>());
  if (!answer.ok()) return Fail(answer.error());
  std::cout << *answer << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || (args[0] != "run" && args[0] != "ctl")) {
    std::cerr << "usage: hvr-guest run --disk D --control SOCKET [...] | hvr-guest ctl --control SOCKET ACTION\n";
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    return args[0] == "run" ? Run(rest) : Control(rest);
  } catch (const std::exception& e) {
    std::cerr << "hvr-guest: " << e.what() << "\n";
    return 2;
  }
}
