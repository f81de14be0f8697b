#include "session/session_fixture.hpp"

#include <algorithm>
#include <boost/asio/use_future.hpp>
#include <utility>

#include "hvr/disk_create.hpp"
#include "hvr/replica_reader.hpp"
#include "session/recovery_points.hpp"
#include "test_util/result_assertions.hpp"

namespace hvr::testing {

using boost::asio::use_future;

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) { return BackendName(info.param); }

void SessionFixture::SetUp() {
  // A fixed, recent time: retention and RPO measure from it.
  clock_.Set(std::chrono::system_clock::now());
  target_ = NewTarget(GetParam(), scratch_);
  state_dir_ = scratch_.File("state");
  // The agent these tests are: its id stays out of the user's own folder.
  session_options_.agent_id_file = scratch_.File("agent-id");
  EngineOptions options;
  options.clock = &clock_;
  auto engine = Engine::Create(options);
  ASSERT_OK(engine);
  engine_ = std::move(*engine);
}

void SessionFixture::TearDown() {
  guest_.reset();
  store_.reset();
}

void SessionFixture::MakeVm(size_t count, uint64_t size, uint32_t block_size) {
  for (size_t i = 0; i < count; ++i) {
    const std::string path = scratch_.File("disk" + std::to_string(i) + ".vhdx");
    VhdxCreateOptions create;
    create.virtual_size = size;
    create.block_size = 1 << 20;
    ASSERT_OK(CreateVhdx(path, create));
    disks_.push_back(path);
  }
  StartGuest(block_size);
}

void SessionFixture::StartGuest(uint32_t block_size) {
  guest::GuestOptions options;
  options.disks = disks_;
  options.seed = 42;
  options.block_size = block_size;
  options.writes_per_second = 200;
  options.clock = &clock_;
  ASSERT_OK_AND_ASSIGN(guest_, guest::GuestWorkload::Start(options));
  guest_pointer_ = guest_.get();
  ASSERT_OK(guest_->Write(300));
}

ProtectionSettings SessionFixture::Settings() const {
  ProtectionSettings settings;
  settings.vm_name = "vm01";
  for (const auto& d : disks_) settings.disks.push_back(DiskSpec{d, {}, {}, {}});
  settings.target = target_;
  settings.interval = ReplicationInterval::k30Seconds;
  settings.recovery_history = std::chrono::hours(4);
  const StoreOptions options = OptionsFor(GetParam());
  settings.tls = options.tls;
  settings.chunk_size = 64 << 10;
  // Office hours in UTC, so windows do not depend on the machine's time zone.
  settings.resync.office_hours.utc_offset = std::chrono::minutes(0);
  return settings;
}

SessionOptions SessionFixture::Options() {
  SessionOptions options = session_options_;
  options.host = &host_;
  return options;
}

std::unique_ptr<Session> SessionFixture::Protect(const ProtectionSettings& settings) {
  auto session = Session::Protect(*engine_, state_dir_, settings, Options());
  EXPECT_TRUE(session.ok()) << session.error().ToString();
  return session.ok() ? std::move(*session) : nullptr;
}

void SessionFixture::Replicating(int cycles, int writes, const std::function<void(ProtectionSettings&)>& adjust) {
  MakeVm(1);
  ProtectionSettings settings = Settings();
  if (adjust) adjust(settings);
  session_ = Protect(settings);
  ASSERT_TRUE(session_);
  ASSERT_OK(session_->ReplicateInitially());
  for (int i = 0; i < cycles; ++i) {
    ASSERT_OK(guest_->Write(static_cast<size_t>(writes)));
    clock_.Advance(std::chrono::seconds(30));
    ASSERT_OK(session_->RunCycle());
  }
}

std::unique_ptr<Session> SessionFixture::Reopen() {
  auto session = Session::Open(*engine_, state_dir_, Options());
  EXPECT_TRUE(session.ok()) << session.error().ToString();
  return session.ok() ? std::move(*session) : nullptr;
}

void SessionFixture::Cycle() {
  ASSERT_OK(guest_->Write(100));
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_OK(session_->RunCycle());
}

SessionFixture::OtherAgentLease::~OtherAgentLease() {
  EXPECT_OK(store->AsyncReleaseLease(replica, use_future).get());
}

std::unique_ptr<SessionFixture::OtherAgentLease> SessionFixture::HoldLeaseAsAnotherAgent(const std::string& named) {
  const std::string replica = named.empty() ? session_->status().disks[0].replica : named;
  StoreOptions options = OptionsFor(GetParam());
  options.clock = &clock_;
  auto other = OpenStore(target_, options, engine_->executor());
  EXPECT_OK(other);
  if (!other.ok()) return nullptr;
  const Status broken = (*other)->AsyncBreakLease(replica, std::chrono::seconds(0), use_future).get();
  EXPECT_OK(broken);
  const auto held = (*other)->AsyncAcquireLease(replica, kInfiniteLease, "", use_future).get();
  EXPECT_OK(held);
  if (!broken.ok() || !held.ok()) return nullptr;
  return std::unique_ptr<OtherAgentLease>(new OtherAgentLease{std::move(*other), replica});
}

ReplicaStore& SessionFixture::Store() {
  if (!store_) {
    auto store = engine_->Store(target_, OptionsFor(GetParam()));
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    store_ = *store;
  }
  return *store_;
}

Result<std::vector<FrozenDisk>> TestHost::CreateCheckpoint(const HostVm& vm) {
  auto frozen = guest_->CreateCheckpoint(vm);
  if (frozen.ok()) checkpoint_held_ = true;
  if (frozen.ok() && after_checkpoint_) after_checkpoint_();
  return frozen;
}

Result<RotateResult> TestHost::RotateLogs(const HostVm& vm, bool quiesce) {
  auto rotated = guest_->RotateLogs(vm, quiesce);
  if (auto after = std::exchange(after_rotation_, nullptr)) after();
  return rotated;
}

Status TestHost::MergeCheckpoint(const HostVm& vm) {
  if (failing_merges_ > 0) {
    --failing_merges_;
    return Error(Code::kIo, "the test's host refuses to merge the checkpoint");
  }
  Status merged = guest_->MergeCheckpoint(vm);
  if (merged.ok()) checkpoint_held_ = false;
  return merged;
}

Status TestHost::ShutdownVm(const HostVm& vm) {
  Record("shutdown " + vm.name);
  guest_->StopWriting();
  return guest_->ShutdownVm(vm);
}

Status TestHost::StartVm(const HostVm& vm) {
  Record("start " + vm.name);
  return guest_->StartVm(vm);
}

Status TestHost::StopTracking(const HostVm& vm) {
  Record("stop tracking " + vm.name);
  return guest_->StopTracking(vm);
}

Status TestHost::CreateAzureVm(const FailoverVm& vm) {
  Record("create azure vm " + vm.vm_name + " from point " + vm.point_id);
  std::lock_guard lock(mu_);
  created_ = vm;
  return Ok();
}

Status TestHost::ShutdownAzureVm(const FailoverVm& vm) {
  Record("shutdown azure vm " + vm.vm_name);
  return Ok();
}

Status TestHost::DeleteAzureVm(const FailoverVm& vm) {
  Record("delete azure vm " + vm.vm_name);
  return Ok();
}

Status TestHost::RunPlanAction(const std::string& plan, const std::string& action) {
  Record("plan " + plan + ": " + action);
  // An action the test wants to fail says so.
  if (action.rfind("fail", 0) == 0) return Error(Code::kInternal, "the action '" + action + "' failed");
  return Ok();
}

void TestHost::Record(std::string event) {
  if (journal_) journal_->Record(event);
  std::lock_guard lock(mu_);
  events_.push_back(std::move(event));
}

std::vector<std::string> TestHost::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

std::optional<FailoverVm> TestHost::last_created() const {
  std::lock_guard lock(mu_);
  return created_;
}

ChunkHash SessionFixture::StoreDigest(const std::string& disk, const std::string& snapshot) {
  auto reader = OpenReplicaReader(Store(), disk, snapshot);
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  if (!reader.ok()) return {};
  auto digest = guest::DigestOf(**reader);
  EXPECT_TRUE(digest.ok()) << digest.error().ToString();
  return digest.ok() ? *digest : ChunkHash{};
}

ChunkHash SessionFixture::SourceDigest(size_t disk) {
  // The test disks are whole MiB, so the source and its replica have one size.
  auto digest = guest_->Digest(disk);
  EXPECT_TRUE(digest.ok()) << digest.error().ToString();
  return digest.ok() ? *digest : ChunkHash{};
}

std::vector<std::string> SessionFixture::DisksInStore() {
  auto disks = Store().AsyncListDisks(use_future).get();
  EXPECT_TRUE(disks.ok()) << disks.error().ToString();
  std::vector<std::string> names;
  if (disks.ok()) {
    for (const DiskProperties& d : *disks) names.push_back(d.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

ChunkHash SessionFixture::PointDigest(const Session& session, const VmRecoveryPoint& point, size_t disk) {
  const std::string replica = session.status().disks.at(disk).replica;
  auto reader = OpenReplicaReader(Store(), replica, point.snapshots.at(disk));
  EXPECT_TRUE(reader.ok()) << reader.error().ToString();
  if (!reader.ok()) return {};
  // The replica is sized in whole MiB; the guest's disks here are too.
  auto digest = guest::DigestOf(**reader);
  EXPECT_TRUE(digest.ok()) << digest.error().ToString();
  return digest.ok() ? *digest : ChunkHash{};
}

std::string SessionFixture::PointLog(const Session& session, const VmRecoveryPoint& point, size_t disk) {
  const std::string replica = session.status().disks.at(disk).replica;
  auto snapshots = Store().AsyncListSnapshots(replica, use_future).get();
  EXPECT_TRUE(snapshots.ok());
  if (!snapshots.ok()) return {};
  for (const auto& rp : *snapshots) {
    if (rp.id != point.snapshots.at(disk)) continue;
    auto tag = PointTagOf(rp.metadata);
    EXPECT_TRUE(tag.has_value()) << "snapshot " << rp.id << " has no point tag";
    return tag ? tag->log_id : std::string();
  }
  ADD_FAILURE() << "no snapshot " << point.snapshots.at(disk) << " of " << replica;
  return {};
}

void SessionFixture::ExpectPointsMatchTruth(const Session& session) {
  const auto points = session.recovery_points();
  ASSERT_FALSE(points.empty());
  // The VM's disks as the session has them (a disk removed from protection is in no point;
  // one added is in those taken since).
  const size_t disks = session.status().disks.size();
  for (const VmRecoveryPoint& point : points) {
    EXPECT_LE(point.snapshots.size(), disks) << "point " << point.id;
    for (size_t disk = 0; disk < std::min(disks, point.snapshots.size()); ++disk) {
      const std::string log = PointLog(session, point, disk);
      ASSERT_FALSE(log.empty()) << "point " << point.id << " disk " << disk << " names no log";
      ASSERT_OK_AND_ASSIGN(const Guid id, Guid::Parse(log));
      const auto truth = guest_->Truth(id);
      ASSERT_TRUE(truth.has_value()) << "the guest recorded no truth for log " << log;
      EXPECT_EQ(PointDigest(session, point, disk), *truth)
          << "point " << point.id << " disk " << disk << " differs from the source when log " << log << " closed";
    }
  }
}

}  // namespace hvr::testing
