// hvr-fault-proxy, the fault proxy as a program: bounded in time, faulting at the rate
// it is given, its counters in a file on SIGUSR1 and at its end (POSIX only: it is
// started as a child process and signalled).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "test_util/build_paths.hpp"
#include "test_util/command.hpp"
#include "test_util/fault_proxy_test_peers.hpp"
#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

using namespace proxy_test;

class FaultProxyProgramTest : public ::testing::Test {
 protected:
  // Starts the program and waits for the port it prints.
  uint16_t Start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {testing::kFaultProxyPath, "--counters", Counters()};
    argv.insert(argv.end(), args.begin(), args.end());
    program_ = std::make_unique<testing::ChildProcess>(argv, dir_.File("out"));
    for (int i = 0; i < 500; ++i) {
      const auto out = ReadWholeFile(dir_.File("out"));
      if (out.ok() && out->find('\n') != std::string::npos) return static_cast<uint16_t>(std::stoi(*out));
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "hvr-fault-proxy printed no port";
    return 0;
  }
  std::string Counters() const { return dir_.File("counters.json"); }
  boost::json::object ReadCounters() const {
    const auto text = ReadWholeFile(Counters());
    return text.ok() ? boost::json::parse(*text).as_object() : boost::json::object{};
  }

  TempDir dir_;
  std::unique_ptr<testing::ChildProcess> program_;
};

TEST_F(FaultProxyProgramTest, FaultsAtTheRateItIsGivenAndWritesItsCounters) {
  TinyServer server;
  const uint16_t port = Start({"--seconds", "60", "--rate", "1", "--kinds", "internal-error,bad-gateway"});
  ASSERT_NE(port, 0);
  TunnelClient client(port, server);
  const std::set<unsigned> statuses = {client.Call(TunnelClient::Put(100)).result_int(),
                                       client.Call(TunnelClient::Put(100)).result_int()};
  EXPECT_EQ(statuses, (std::set<unsigned>{500, 502})) << "each kind in turn";
  program_->Kill(SIGUSR1);
  for (int i = 0; i < 200 && ReadCounters()["requests"] != 2; ++i) std::this_thread::sleep_for(10ms);
  const auto counters = ReadCounters();
  EXPECT_EQ(counters.at("requests").to_number<uint64_t>(), 2u) << boost::json::serialize(counters);
  EXPECT_EQ(counters.at("request_body_bytes").to_number<uint64_t>(), 200u);
  EXPECT_EQ(counters.at("faults").at("internal-error").to_number<uint64_t>(), 1u);
  EXPECT_EQ(counters.at("faults").at("bad-gateway").to_number<uint64_t>(), 1u);
  program_->Kill(SIGTERM);
  EXPECT_EQ(program_->Wait(), 0);
  EXPECT_EQ(server.executed(), 0);
}

TEST_F(FaultProxyProgramTest, EndsByItselfAfterItsSeconds) {
  const auto started = SteadyClock::now();
  ASSERT_NE(Start({"--seconds", "0.5"}), 0);
  EXPECT_EQ(program_->Wait(), 0);
  EXPECT_LT(SteadyClock::now() - started, 10s);
  EXPECT_EQ(ReadCounters().at("requests").to_number<uint64_t>(), 0u);
}

TEST_F(FaultProxyProgramTest, RefusesBadArgumentsNamingTheValidOnes) {
  const auto rate = testing::RunCommand({testing::kFaultProxyPath, "--seconds", "1", "--rate", "1.5"});
  EXPECT_EQ(rate.exit_code, 2);
  EXPECT_NE(rate.output.find("--rate: between 0 and 1"), std::string::npos) << rate.output;
  const auto kinds = testing::RunCommand({testing::kFaultProxyPath, "--seconds", "1", "--kinds", "reset,gremlins"});
  EXPECT_EQ(kinds.exit_code, 2);
  EXPECT_NE(kinds.output.find("unknown fault 'gremlins'"), std::string::npos) << kinds.output;
  EXPECT_NE(kinds.output.find("cut-request-body"), std::string::npos) << kinds.output;
  const auto bounded = testing::RunCommand({testing::kFaultProxyPath, "--rate", "0.1"});
  EXPECT_EQ(bounded.exit_code, 2) << "it runs for a bounded time only";
  EXPECT_NE(bounded.output.find("seconds"), std::string::npos) << bounded.output;
}

}  // namespace
}  // namespace hvr
