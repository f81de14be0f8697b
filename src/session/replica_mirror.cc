#include "session/replica_mirror.hpp"

#include <charconv>

namespace hvr {
namespace {

constexpr const char* kNone = "none";

std::string Lookup(const Metadata& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

// Reads the fields of one replica's mirror, the first bad one remembered with its name.
class MirrorFields {
 public:
  explicit MirrorFields(const DiskProperties& replica) : replica_(replica) {}

  std::string Text(const char* key) {
    auto it = replica_.metadata.find(key);
    if (it == replica_.metadata.end() || it->second.empty()) {
      Fail(key, "is missing");
      return {};
    }
    return it->second;
  }
  uint64_t Number(const char* key) {
    const std::string text = Text(key);
    uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && (ec != std::errc() || end != text.data() + text.size())) Fail(key, "'" + text + "' is not a number");
    return value;
  }
  std::optional<uint64_t> OptionalNumber(const char* key) {
    if (Lookup(replica_.metadata, key) == kNone) return std::nullopt;
    return Number(key);
  }
  Guid GuidField(const char* key) {
    const std::string text = Text(key);
    auto parsed = Guid::Parse(text);
    if (!text.empty() && !parsed.ok()) Fail(key, "'" + text + "' is not a GUID");
    return parsed.ok() ? *parsed : Guid{};
  }
  std::optional<Guid> OptionalGuid(const char* key) {
    if (Lookup(replica_.metadata, key) == kNone) return std::nullopt;
    return GuidField(key);
  }
  ReplicationState State(const char* key) {
    const std::string text = Text(key);
    for (int i = 0; i <= static_cast<int>(ReplicationState::kFailingOver); ++i) {
      const auto state = static_cast<ReplicationState>(i);
      if (text == ReplicationStateName(state)) return state;
    }
    if (!text.empty()) Fail(key, "'" + text + "' is not a replication state");
    return ReplicationState::kEnabled;
  }

  void Fail(const char* key, const std::string& what) {
    if (error_) return;
    error_ = Error(Code::kInvalidReplicaState,
                   "replica disk '" + replica_.name + "': metadata field '" + key + "' " + what);
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const DiskProperties& replica_;
  std::optional<Error> error_;
};

}  // namespace

Metadata MirrorMetadata(const ProtectionSettings& settings, const SessionState& state, size_t index) {
  const DiskState& d = state.disks[index];
  Metadata m{{"mirror", std::to_string(kMirrorVersion)},
             {"vm", settings.vm_name},
             {"vm_id", state.vm_id.ToString()},
             {"disk", std::to_string(index)},
             {"disks", std::to_string(state.disks.size())},
             {"state", ReplicationStateName(state.state)},
             {"point", state.points.empty() ? kNone : state.points.back().id},
             {"log_id", d.last_applied_log ? d.last_applied_log->ToString() : kNone},
             {"identity", d.tracked_identity.ToString()},
             {"first_point", std::to_string(d.first_point)}};
  if (!state.owner.IsZero()) m["owner"] = state.owner.ToString();
  return m;
}

std::string MirroredVmId(const Metadata& metadata) { return Lookup(metadata, "vm_id"); }

Result<MirroredDisk> ReadMirror(const DiskProperties& replica) {
  const std::string version = Lookup(replica.metadata, "mirror");
  if (version.empty()) {
    const std::string what = MirroredVmId(replica.metadata).empty()
                                 ? "carries no replication metadata (field 'mirror' is missing): it is not a replica "
                                   "hvr protected"
                                 : "was written by an older hvr (metadata field 'mirror' is missing), whose "
                                   "metadata cannot say where replication stands";
    return Error(Code::kInvalidReplicaState,
                 "replica disk '" + replica.name + "' " + what +
                     "; protect the VM with --seed instead, which compares it with the source and sends what differs");
  }
  if (version != std::to_string(kMirrorVersion)) {
    return Error(Code::kUnsupported, "replica disk '" + replica.name + "': metadata field 'mirror' is version " +
                                         version + ", this hvr reads version " + std::to_string(kMirrorVersion));
  }
  MirrorFields f(replica);
  MirroredDisk m;
  m.vm_name = f.Text("vm");
  m.vm_id = f.GuidField("vm_id");
  m.index = f.Number("disk");
  m.disk_count = f.Number("disks");
  m.state = f.State("state");
  m.point = f.OptionalNumber("point");
  m.last_applied_log = f.OptionalGuid("log_id");
  m.tracked_identity = f.GuidField("identity");
  m.owner = f.GuidField("owner");
  if (!Lookup(replica.metadata, "first_point").empty()) m.first_point = f.Number("first_point");
  if (!f.error() && m.index >= m.disk_count) {
    f.Fail("disk", std::to_string(m.index) + " is not below field 'disks' (" + std::to_string(m.disk_count) + ")");
  }
  if (f.error()) return *f.error();
  return m;
}

Status RequireOwner(const std::string& replica, const Metadata& metadata, const Guid& owner) {
  const std::string named = Lookup(metadata, "owner");
  if (named.empty() || (!owner.IsZero() && named == owner.ToString())) return Ok();
  return Error(Code::kConflict, "replica disk '" + replica +
                                    "' was adopted by another agent (hvrepl adopt): this state directory no longer "
                                    "replicates it and never writes it again; delete the directory");
}

}  // namespace hvr
