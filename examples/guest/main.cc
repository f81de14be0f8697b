// hvr-guest: the reference host as a program. It runs a guest workload on VHDX disks
// (writing random blocks through hvr's disk writer, tracking them in replica logs) and
// answers hvrepl's host actions on a control socket. Its commands are declared and
// explained as hvrepl's are (examples/hvrepl/program.hpp): `hvr-guest help` lists them.
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "arguments.hpp"
#include "control.hpp"
#include "guest_workload.hpp"
#include "hvr/disk_create.hpp"
#include "program.hpp"
#include "util/path.hpp"

namespace {

using hvr::guest::ControlServer;
using hvrepl::Runner;

int Fail(const hvr::Error& error) {
  std::cerr << "hvr-guest: " << error.ToString() << "\n";
  return 1;
}

struct RunArgs {
  hvr::guest::GuestOptions guest;
  std::string control;
  std::optional<uint64_t> create_size;
  std::optional<uint64_t> initial_fill;
  uint64_t initial_writes = 0;
  std::optional<std::string> truth_dir;
};

int RunGuest(RunArgs args) {
  hvr::guest::GuestOptions options = args.guest;
  // Nobody asks this process for digests it keeps only in memory.
  options.record_truth = args.truth_dir.has_value();
  options.truth_dir = args.truth_dir.value_or("");
  if (args.create_size) {
    for (const std::string& disk : options.disks) {
      if (std::filesystem::exists(hvr::PathFromUtf8(disk))) continue;
      hvr::VhdxCreateOptions create;
      create.virtual_size = *args.create_size;
      if (hvr::Status s = hvr::CreateVhdx(disk, create); !s.ok()) return Fail(s.error());
    }
  }
  auto guest = hvr::guest::GuestWorkload::Start(options);
  if (!guest.ok()) return Fail(guest.error());
  if (args.initial_fill) {
    if (hvr::Status s = (*guest)->Fill(*args.initial_fill); !s.ok()) return Fail(s.error());
  }
  if (args.initial_writes > 0) {
    if (hvr::Status s = (*guest)->Write(args.initial_writes); !s.ok()) return Fail(s.error());
  }
  auto server = ControlServer::Start(args.control, **guest);
  if (!server.ok()) return Fail(server.error());
  (*server)->StopOnSignals();
  (*guest)->StartWriting();
  (*server)->Wait();
  (*guest)->StopWriting();
  return 0;
}

Runner Run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  hvrepl::AddRepeated(app, "--disk", a->guest.disks, "a VHDX the guest writes", "PATH")->required();
  hvrepl::AddText(app, "--control", a->control, "the control socket to serve", "SOCKET")->required();
  hvrepl::AddCount(app, "--seed", a->guest.seed, "seed of the writes");
  hvrepl::AddNumber(app, "--rate", a->guest.writes_per_second, "writes per second (0: only when asked)", 0);
  hvrepl::AddSize(app, "--block", a->guest.block_size, "bytes per write, a multiple of 512");
  hvrepl::AddSize(app, "--create", a->create_size, "create missing disks as dynamic VHDX of this size");
  hvrepl::AddSize(app, "--initial-fill", a->initial_fill, "write this much at the start of each disk first");
  hvrepl::AddCount(app, "--initial-writes", a->initial_writes, "blocks to write before serving");
  hvrepl::AddText(app, "--truth", a->truth_dir,
                  "record digests of the disks at each rotation in this folder (default: none)", "DIR");
  return [a] { return RunGuest(*a); };
}

Runner Control(CLI::App& app) {
  struct Args {
    std::string control;
    std::string action;
    bool quiesce = false;
    uint64_t count = 0;
  };
  auto a = std::make_shared<Args>();
  hvrepl::AddText(app, "--control", a->control, "the control socket of a running hvr-guest", "SOCKET")->required();
  // The guest answers an unknown action with an error naming it (control.hpp).
  hvrepl::AddPositional(app, "ACTION", a->action,
                        "checkpoint, merge, rotate, shutdown, start, stop-tracking, write, pause, resume, status or exit");
  app.add_flag("--quiesce", a->quiesce, "rotate: quiesce first");
  hvrepl::AddCount(app, "--count", a->count, "write: blocks to write");
  return [a] {
    const hvr::guest::ControlClient client(a->control);
    auto answer = client.Call(a->action, a->quiesce, a->count);
    if (!answer.ok()) return Fail(answer.error());
    std::cout << boost::json::serialize(*answer) << "\n";
    return 0;
  };
}

}  // namespace

int main(int argc, char** argv) {
  const hvrepl::Program program{
      "hvr-guest",
      {
          {.words = {"run"},
           .summary = "run a guest workload on VHDX disks and serve its host's actions on a control socket",
           .description = "Writes random blocks to the disks through hvr's disk writer, tracking them in replica "
                          "logs as Hyper-V does, and answers the host actions hvrepl asks for (checkpoints, log "
                          "rotations, shut down, start) on the control socket until told to exit or stopped "
                          "(Ctrl+C). With --truth it records a digest of every disk at each rotation, which "
                          "tests compare recovery points with.",
           .examples = {{"--disk /tmp/g/os.vhdx --disk /tmp/g/data.vhdx --control /tmp/g/ctl.sock --create 256M "
                         "--initial-fill 32M --truth /tmp/g/truth",
                         "make two disks, fill their start, then write 200 blocks a second"},
                        {"--disk /tmp/g/os.vhdx --control /tmp/g/ctl.sock --rate 0", "write only when asked"}},
           .declare = Run},
          {.words = {"ctl"},
           .summary = "ask a running hvr-guest for an action and print its answer",
           .description = "Sends one action to the hvr-guest serving the control socket and prints its answer, "
                          "a line of JSON; exits 1 when the guest refuses it.",
           .examples = {{"--control /tmp/g/ctl.sock write --count 1000", "write 1000 blocks now"},
                        {"--control /tmp/g/ctl.sock rotate --quiesce", ""},
                        {"--control /tmp/g/ctl.sock exit", ""}},
           .declare = Control},
      }};
  return hvrepl::RunProgram(program, std::vector<std::string>(argv + 1, argv + argc));
}
