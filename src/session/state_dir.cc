#include "session/state_dir.hpp"

#include <filesystem>

#include "util/checksummed_json.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace json = boost::json;

Result<StateDir> StateDir::Open(const std::string& path, bool create, bool read_only) {
  std::error_code ec;
  if (create) {
    std::filesystem::create_directories(PathFromUtf8(path), ec);
    if (ec) return SystemError(ec, "create state directory " + path);
    // Settings may hold an account key or SAS token: owner only.
    if (Status restricted = RestrictToOwner(path); !restricted.ok()) return restricted.error().WithContext("state directory");
  } else if (!std::filesystem::is_directory(PathFromUtf8(path), ec)) {
    return Error(Code::kNotFound, "state directory " + path + " does not exist");
  }
  for (const char* sub : {"manifests", "requests"}) {
    std::filesystem::create_directories(PathFromUtf8(path + "/" + sub), ec);
    if (ec && !read_only) return SystemError(ec, "create " + path + "/" + sub);
  }
  if (read_only) return StateDir(path, std::nullopt);
  auto lock = FileLock::TryAcquire(path + "/lock", FileLock::Mode::kExclusive);
  if (!lock.ok()) return std::move(lock).error();
  if (!*lock) {
    return Error(Code::kConflict, "state directory " + path + " is in use by another process (a running replication?)");
  }
  return StateDir(path, std::move(*lock));
}

bool StateDir::HasRelationship() const {
  std::error_code ec;
  return std::filesystem::exists(PathFromUtf8(File("settings.json")), ec);
}

Status StateDir::RequireWritable(const char* what) const {
  if (!read_only()) return Ok();
  return Error(Code::kConflict, "state directory " + path_ + " is open read-only: cannot " + what);
}

Result<ProtectionSettings> StateDir::LoadSettings() const {
  const std::string file = File("settings.json");
  HVR_ASSIGN_OR_RETURN(const json::object body, ReadChecksummedJson(file));
  return SettingsFromJson(body, file);
}

Status StateDir::SaveSettings(const ProtectionSettings& settings) {
  HVR_RETURN_IF_ERROR(RequireWritable("save settings"));
  return WriteChecksummedJson(File("settings.json"), ToJson(settings));
}

Result<SessionState> StateDir::LoadState() const {
  const std::string file = File("state.json");
  HVR_ASSIGN_OR_RETURN(const json::object body, ReadChecksummedJson(file));
  return SessionStateFromJson(body, file);
}

Status StateDir::SaveState(const SessionState& state) {
  HVR_RETURN_IF_ERROR(RequireWritable("save the state"));
  return WriteChecksummedJson(File("state.json"), ToJson(state));
}

Result<std::vector<Job>> StateDir::LoadJobs() const {
  const std::string file = File("jobs.json");
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::vector<Job>{};
  if (!body.ok()) return std::move(body).error();
  const auto* list = body->if_contains("jobs");
  if (!list || !list->is_array()) return Error(Code::kCorruptData, file + ": field \"jobs\": not an array");
  std::vector<Job> jobs;
  for (const auto& v : list->get_array()) {
    HVR_ASSIGN_OR_RETURN(Job job, JobFromJson(v, file));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Status StateDir::SaveJobs(const std::vector<Job>& jobs) {
  HVR_RETURN_IF_ERROR(RequireWritable("save jobs"));
  json::array list;
  const size_t first = jobs.size() > kJobsKept ? jobs.size() - kJobsKept : 0;
  for (size_t i = first; i < jobs.size(); ++i) list.push_back(ToJson(jobs[i]));
  return WriteChecksummedJson(File("jobs.json"), json::object{{"jobs", list}});
}

std::string StateDir::ManifestPath(const std::string& replica) const {
  return path_ + "/manifests/" + replica + ".hvrm";
}

Status StateDir::LeaveResyncRequest(const std::string& reason) {
  // Any process may leave a request; the one holding the lock takes it.
  return WriteChecksummedJson(File("requests/resync.json"), json::object{{"reason", reason}});
}

Result<std::optional<std::string>> StateDir::TakeResyncRequest() {
  const std::string file = File("requests/resync.json");
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::optional<std::string>();
  HVR_RETURN_IF_ERROR(RequireWritable("take requests"));
  std::string reason = "requested by an operator";
  if (body.ok()) {
    if (const auto* r = body->if_contains("reason"); r && r->is_string() && !r->get_string().empty()) {
      reason = std::string(r->get_string());
    }
  }
  // A damaged request still asks for a resync: doing one is always safe.
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(file));
  return std::optional<std::string>(reason);
}

}  // namespace hvr
