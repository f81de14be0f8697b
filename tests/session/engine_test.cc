// The engine many sessions share: its admission bound, its shared stores; and the
// scheduler that runs sessions by themselves.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "hvr/disk_create.hpp"
#include "hvr/engine.hpp"
#include "hvr/scheduler.hpp"
#include "session/session_fixture.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {
namespace {

using namespace std::chrono_literals;

// Each admitted thread holds its turn until the test lets one go, so the bound is seen
// reached and never passed without depending on how long anything takes.
TEST(EngineTest, AdmissionBoundsTheSessionsDoingIoAtOnce) {
  EngineOptions options;
  options.max_active_sessions = 2;
  ASSERT_OK_AND_ASSIGN(auto engine, Engine::Create(options));
  constexpr int kThreads = 6;
  std::mutex mu;
  std::condition_variable changed;
  int active = 0, most = 0, let_go = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      Engine::Turn turn = engine->Admit();
      std::unique_lock lock(mu);
      most = std::max(most, ++active);
      changed.notify_all();
      changed.wait(lock, [&] { return let_go > 0; });
      --let_go;
      --active;
      changed.notify_all();
    });
  }
  for (int released = 0; released < kThreads; ++released) {
    std::unique_lock lock(mu);
    const int expected = std::min(2, kThreads - released);
    const bool reached = changed.wait_for(lock, 30s, [&] { return active == expected; });
    EXPECT_TRUE(reached) << active << " sessions admitted, " << expected << " expected";
    if (!reached) {  // let every thread go, so that they can be joined
      let_go += kThreads;
      changed.notify_all();
      break;
    }
    ++let_go;
    changed.notify_all();
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(most, 2);
  EXPECT_EQ(CodeOf(Engine::Create(EngineOptions{0, 1, nullptr, {}})), Code::kInvalidArgument);
}

TEST(EngineTest, OptionsOutOfRangeAreRefusedNamingOptionAndValue) {
  const Status threads = EngineOptions{65, 1, nullptr, {}}.Validate();
  ASSERT_FALSE(threads.ok());
  EXPECT_NE(threads.error().message().find("io_threads must be 1 to 64, not 65"), std::string::npos);
  const Status sessions = EngineOptions{1, 0, nullptr, {}}.Validate();
  ASSERT_FALSE(sessions.ok());
  EXPECT_NE(sessions.error().message().find("max_active_sessions must be 1 to 1024, not 0"), std::string::npos);
  EXPECT_TRUE(EngineOptions{}.Validate().ok());
}

TEST(EngineTest, SessionsNamingOneTargetShareOneStore) {
  ASSERT_OK_AND_ASSIGN(auto engine, Engine::Create());
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto a, engine->Store(dir.File("store"), {}));
  ASSERT_OK_AND_ASSIGN(auto b, engine->Store(dir.File("store"), {}));
  EXPECT_EQ(a.get(), b.get());
  StoreOptions other;
  other.max_in_flight = 3;
  ASSERT_OK_AND_ASSIGN(auto c, engine->Store(dir.File("store"), other));
  EXPECT_NE(a.get(), c.get()) << "other options, another store";
}

// Two VMs on one engine, the scheduler running their cycles as the clock says.
TEST(SchedulerTest, RunsEachSessionsCyclesWhenTheyAreDue) {
  TempDir scratch;
  ManualClock clock(std::chrono::system_clock::now());
  EngineOptions options;
  options.clock = &clock;
  ASSERT_OK_AND_ASSIGN(auto engine, Engine::Create(options));
  std::vector<std::unique_ptr<guest::GuestWorkload>> guests;
  std::vector<guest::GuestWorkload*> pointers(2);
  std::vector<std::unique_ptr<TestHost>> hosts;
  std::vector<std::unique_ptr<Session>> sessions;
  for (int i = 0; i < 2; ++i) {
    const std::string disk = scratch.File("vm" + std::to_string(i) + ".vhdx");
    VhdxCreateOptions create;
    create.virtual_size = 8 << 20;
    ASSERT_OK(CreateVhdx(disk, create));
    guest::GuestOptions g;
    g.disks = {disk};
    g.clock = &clock;
    ASSERT_OK_AND_ASSIGN(auto workload, guest::GuestWorkload::Start(g));
    pointers[i] = workload.get();
    guests.push_back(std::move(workload));
    hosts.push_back(std::make_unique<TestHost>(pointers[i]));
    ProtectionSettings settings;
    settings.vm_name = "sched" + std::to_string(i);
    settings.disks = {DiskSpec{disk, {}, {}, {}}};
    settings.target = scratch.File("store");
    settings.interval = ReplicationInterval::k30Seconds;
    SessionOptions session_options;
    session_options.host = hosts.back().get();
    ASSERT_OK_AND_ASSIGN(auto session,
                         Session::Protect(*engine, scratch.File("state" + std::to_string(i)), settings, session_options));
    sessions.push_back(std::move(session));
  }
  const auto wait_for = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(50ms);
    return done();
  };
  {
    Scheduler scheduler(*engine);
    for (auto& s : sessions) scheduler.Add(*s);
    // Initial replication is due at once.
    ASSERT_TRUE(wait_for([&] {
      return sessions[0]->status().state == ReplicationState::kReplicating &&
             sessions[1]->status().state == ReplicationState::kReplicating;
    }));
    ASSERT_OK(pointers[0]->Write(20));
    ASSERT_OK(pointers[1]->Write(20));
    EXPECT_EQ(sessions[0]->status().cycles, 0u) << "the first cycle waits for its interval";
    clock.Advance(30s);
    ASSERT_TRUE(wait_for([&] { return sessions[0]->status().cycles >= 1 && sessions[1]->status().cycles >= 1; }));
  }
  for (auto& s : sessions) {
    EXPECT_EQ(s->status().health, Health::kNormal);
    ASSERT_OK_AND_ASSIGN(const VerifyReport report, s->Verify("latest"));
    EXPECT_TRUE(report.identical());
  }
  sessions.clear();
}

// A session's own requests in flight are 0 (the protection's) or the library's range,
// checked before the state directory is read.
TEST(EngineTest, SessionOptionsOutOfTheRangeAreRefused) {
  ASSERT_OK_AND_ASSIGN(auto engine, Engine::Create());
  TempDir dir;
  SessionOptions options;
  options.max_in_flight = kMaxInFlight + 1;
  auto opened = Session::Open(*engine, dir.File("state"), options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message(), "session options: requests in flight must be 1 to 64, not 65");
  options.max_in_flight = 0;
  EXPECT_EQ(CodeOf(Session::Open(*engine, dir.File("state"), options)), Code::kNotFound) << "no VM there";
}

}  // namespace
}  // namespace hvr::testing
