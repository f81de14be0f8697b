// Protection settings: validation against Azure's limits and the product's ranges, the
// defaults, and the JSON the state directory keeps them in.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "hvr/azure_limits.hpp"
#include "hvr/protection.hpp"
#include "session/journal_json.hpp"
#include "test_util/result_assertions.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

using namespace std::chrono_literals;

// The root of the file system in its native form ("/", or "Z:\" under Wine): a local
// target must be absolute, and "/srv" is not on Windows, where it lacks a drive.
const std::string kRoot = AbsolutePath("/");

ProtectionSettings Valid() {
  ProtectionSettings s;
  s.vm_name = "sql01";
  s.disks = {DiskSpec{PathIn(kRoot, "vms/sql01/os.vhdx"), {}, {}, {}},
             DiskSpec{PathIn(kRoot, "vms/sql01/data disk.vhdx"), {}, {}, {}}};
  s.target = PathIn(kRoot, "srv/replicas");
  return s;
}

Code CodeOfSettings(const ProtectionSettings& s) { return CodeOf(ValidateSettings(s)); }

TEST(SettingsTest, DefaultsNameLogsAndReplicasAfterTheDisks) {
  const ProtectionSettings s = WithDefaults(Valid());
  EXPECT_EQ(s.disks[0].log_folder, PathIn(kRoot, "vms/sql01"));
  EXPECT_EQ(s.disks[0].log_name, "os");
  EXPECT_EQ(s.disks[1].log_name, "data_disk") << "characters a log name cannot hold become '_'";
  EXPECT_EQ(s.disks[0].replica_name, "sql01-disk0");
  EXPECT_EQ(s.disks[1].replica_name, "sql01-disk1");
  EXPECT_GT(s.chunk_size, 0u);
  EXPECT_OK(ValidateSettings(Valid()));
}

TEST(SettingsTest, VmNamesFollowAzure) {
  for (const char* good : {"a", "sql-01", "web_tier.2", "x_"}) {
    EXPECT_TRUE(CheckVmName(good).ok()) << good;
  }
  for (const char* bad : {"", "-lead", "trail-", "trail.", "sp ace", "ünï"}) {
    EXPECT_EQ(CodeOf(CheckVmName(bad)), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CodeOf(CheckVmName(std::string(65, 'a'))), Code::kInvalidArgument);
  EXPECT_OK(CheckVmName(std::string(64, 'a')));
}

TEST(SettingsTest, DiskLimitsFollowAzure) {
  EXPECT_OK(CheckDiskSize(0, uint64_t{2} << 40));
  EXPECT_EQ(CodeOf(CheckDiskSize(0, (uint64_t{2} << 40) + (1 << 20))), Code::kInvalidArgument) << "OS disk";
  EXPECT_OK(CheckDiskSize(1, uint64_t{8} << 40));
  EXPECT_EQ(CodeOf(CheckDiskSize(1, (uint64_t{8} << 40) + (1 << 20))), Code::kInvalidArgument) << "page blob";
  EXPECT_EQ(CodeOf(CheckDiskCount(0)), Code::kInvalidArgument);
  EXPECT_OK(CheckDiskCount(65));
  EXPECT_EQ(CodeOf(CheckDiskCount(66)), Code::kInvalidArgument);
}

TEST(SettingsTest, RangesAreChecked) {
  ProtectionSettings s = Valid();
  s.recovery_history = 361h;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.app_consistent_frequency = 13h;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.recovery_history = 2h;
  s.app_consistent_frequency = 3h;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument) << "app-consistent points beyond the history";
  s = Valid();
  s.max_in_flight = 0;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.chunk_size = 3000;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.link.bytes_per_second = 1000;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument) << "a link below 1 Mbit/s";
  s = Valid();
  s.target.clear();
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.resync.office_hours.start = 19h;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.rpo_threshold = 0s;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s.rpo_threshold = 24h * 31;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
}

TEST(SettingsTest, DisksReplicasAndLogsAreDistinct) {
  ProtectionSettings s = Valid();
  s.disks[1].path = s.disks[0].path;
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.disks[0].replica_name = "Same";
  s.disks[1].replica_name = "same";
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument) << "names differing only in case";
  s = Valid();
  s.disks[0].log_name = s.disks[1].log_name = "shared";
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
  s = Valid();
  s.disks[0].replica_name = "bad/name";
  EXPECT_EQ(CodeOfSettings(s), Code::kInvalidArgument);
}

TEST(SettingsTest, IntervalsAreTheThreeHyperVOffers) {
  ASSERT_OK_AND_ASSIGN(auto i, ParseInterval("30s"));
  EXPECT_EQ(i, ReplicationInterval::k30Seconds);
  ASSERT_OK_AND_ASSIGN(i, ParseInterval("5m"));
  EXPECT_EQ(i, ReplicationInterval::k5Minutes);
  ASSERT_OK_AND_ASSIGN(i, ParseInterval("900"));
  EXPECT_EQ(i, ReplicationInterval::k15Minutes);
  EXPECT_EQ(CodeOf(ParseInterval("1m")), Code::kInvalidArgument);
  EXPECT_STREQ(IntervalName(ReplicationInterval::k15Minutes), "15m");
}

TEST(SettingsTest, JsonKeepsEverySetting) {
  ProtectionSettings s = WithDefaults(Valid());
  s.interval = ReplicationInterval::k15Minutes;
  s.recovery_history = 72h;
  s.app_consistent_frequency = 4h;
  s.rpo_threshold = 600s;
  s.proxy = "http://proxy:3128";
  s.tls.verify = false;
  s.tls.ca_file = "/etc/ca.pem";
  s.encryption_key_file = "/etc/hvr/key";
  s.bandwidth = BandwidthSchedule::Constant(1 << 20);
  s.bandwidth->non_work_bytes_per_second = 0;
  s.bandwidth->work_hours.utc_offset = 60min;
  s.resync.automatic = false;
  s.resync.office_hours.days[6] = true;
  s.failover_vm = {{"size", "Standard_D4s_v5"}, {"subnet", "prod"}};
  s.link = LinkModel{125'000'000, 400};
  ASSERT_OK_AND_ASSIGN(const ProtectionSettings back, SettingsFromJson(ToJson(s), "settings.json"));
  EXPECT_EQ(back.link, s.link);
  EXPECT_EQ(boost::json::serialize(ToJson(back)), boost::json::serialize(ToJson(s)));
  EXPECT_EQ(back.failover_vm.at("size"), "Standard_D4s_v5");
  EXPECT_EQ(back.bandwidth->work_hours.utc_offset, 60min);
}

TEST(SettingsTest, DamagedJsonNamesTheField) {
  boost::json::object o = ToJson(WithDefaults(Valid()));
  o["interval_seconds"] = 60;
  const auto bad = SettingsFromJson(o, "settings.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kCorruptData);
  EXPECT_NE(bad.error().message().find("interval_seconds"), std::string::npos) << bad.error().message();
  o = ToJson(WithDefaults(Valid()));
  o.erase("target");
  const auto missing = SettingsFromJson(o, "settings.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("\"target\": missing"), std::string::npos) << missing.error().message();
}

TEST(SettingsTest, SettingsSavedBeforeTheLinkWasASettingHaveTheDefaultLink) {
  boost::json::object o = ToJson(WithDefaults(Valid()));
  o.erase("link");
  ASSERT_OK_AND_ASSIGN(const ProtectionSettings back, SettingsFromJson(o, "settings.json"));
  EXPECT_EQ(back.link, LinkModel{});
}

TEST(SettingsTest, AChangeOfTheLinkIsValidatedAndApplied) {
  SettingsChange change;
  change.link = LinkModel{125'000'000, 0};
  EXPECT_FALSE(change.empty());
  EXPECT_EQ(change.Validate().error().code(), Code::kInvalidArgument);
  change.link->requests_per_second = 500;
  EXPECT_OK(change.Validate());
  EXPECT_EQ(change.ApplyTo(WithDefaults(Valid())).link, *change.link);
}

TEST(SettingsTest, SettingsProtectionWouldRefuseAreDamage) {
  boost::json::object o = ToJson(WithDefaults(Valid()));
  o["max_in_flight"] = 1000;
  const auto bad = SettingsFromJson(o, "settings.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kCorruptData);
  EXPECT_NE(bad.error().message().find("settings.json: requests in flight"), std::string::npos) << bad.error().message();
}

TEST(SessionStateTest, JsonRoundTrip) {
  SessionState s;
  s.vm_id = Guid::Random();
  s.state = ReplicationState::kResyncRequired;
  s.checkpoint_active = true;
  s.copy_done = true;
  s.checkpoint_time = *FromUnixSeconds(1700000000);
  s.resync_reason = "chain gap";
  s.resync_by_hand = true;
  s.next_point = 9;
  s.points.push_back(VmRecoveryPoint{"8", 8, *FromUnixSeconds(1700000100), *FromUnixSeconds(1700000090), true, {"a", "b"}, {uint64_t{1} << 30, uint64_t{2} << 30}});
  s.failure = FailureHistory{*FromUnixSeconds(1), *FromUnixSeconds(2), 3, Error(Code::kThrottled, "busy")};
  s.critical = Error(Code::kAuthFailed, "403");
  DiskState d;
  d.replica = "vm-disk0";
  d.replica_size = 1 << 30;
  d.growing_to = uint64_t{2} << 30;
  d.tracked_identity = Guid::Random();
  d.last_applied_log = Guid::Random();
  d.obsolete_logs = {"/a.hrl"};
  s.disks.push_back(d);
  ASSERT_OK_AND_ASSIGN(const SessionState back, SessionStateFromJson(ToJson(s), "state.json"));
  EXPECT_EQ(boost::json::serialize(ToJson(back)), boost::json::serialize(ToJson(s)));
  ASSERT_TRUE(back.critical.has_value());
  EXPECT_EQ(back.critical->code(), Code::kAuthFailed);
  EXPECT_EQ(back.failure->retries, 3);
}

TEST(SessionStateTest, TimesBeyondTheClockAreDamageNotOverflow) {
  boost::json::object o = ToJson(SessionState{});
  o["checkpoint_time"] = INT64_MAX / 2;
  const auto bad = SessionStateFromJson(o, "state.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), Code::kCorruptData);
  EXPECT_NE(bad.error().message().find("\"checkpoint_time\""), std::string::npos) << bad.error().message();
  EXPECT_FALSE(FromUnixSeconds(INT64_MIN).has_value());
  ASSERT_TRUE(FromUnixSeconds(-1).has_value());
  EXPECT_EQ(ToUnixSeconds(*FromUnixSeconds(-1)), -1);
}

}  // namespace
}  // namespace hvr
