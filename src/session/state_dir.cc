#include "session/state_dir.hpp"

#include <filesystem>

#include "session/journal_json.hpp"
#include "session/json_fields.hpp"
#include "util/checksummed_json.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace json = boost::json;
namespace {

// Every file the directory keeps; all are owner-only (settings.json holds the target's
// secret; the others are kept alike rather than sorted by what they hold today).
constexpr const char* kFiles[] = {"settings.json",
                                  "state.json",
                                  "jobs.json",
                                  "live.json",
                                  "requests/resync.json",
                                  "requests/reset-statistics.json",
                                  "requests/failover.json",
                                  "requests/failover-answer.json"};

// Files an older version wrote readable by others become owner-only.
Status RestrictExisting(const std::string& dir) {
  for (const char* name : kFiles) {
    HVR_RETURN_IF_ERROR(RestrictExistingFileToOwner(PathIn(dir, name)));
  }
  return Ok();
}

}  // namespace

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
    const std::string folder = PathIn(path, sub);
    std::filesystem::create_directories(PathFromUtf8(folder), ec);
    if (ec && !read_only) return SystemError(ec, "create " + folder);
  }
  if (read_only) return StateDir(path, std::nullopt);
  auto lock = FileLock::TryAcquire(PathIn(path, "lock"), FileLock::Mode::kExclusive);
  if (!lock.ok()) return std::move(lock).error();
  if (!*lock) {
    return Error(Code::kConflict, "state directory " + path + " is in use by another process (a running replication?)");
  }
  HVR_RETURN_IF_ERROR(RestrictExisting(path));
  return StateDir(path, std::move(*lock));
}

Status StateDir::Remove() {
  HVR_RETURN_IF_ERROR(RequireWritable("remove it"));
  const auto root = PathFromUtf8(path_);
  std::error_code ec;
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) entries.push_back(entry.path());
  if (ec) return SystemError(ec, "list state directory " + path_);
  for (const auto& entry : entries) {
    const std::string name = entry.filename().string();
    if (name == "settings.json" || name == "lock") continue;
    std::filesystem::remove_all(entry, ec);
    if (ec) return SystemError(ec, "delete " + Utf8(entry));
  }
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(File("settings.json")));
  // The lock goes before its file, which Windows would not delete while it is open.
  lock_.reset();
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(File("lock")));
  std::filesystem::remove(root, ec);
  if (ec) return SystemError(ec, "delete state directory " + path_);
  return Ok();
}

bool StateDir::Emptied() const {
  if (HasRelationship()) return false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(PathFromUtf8(path_), ec)) {
    const std::string name = entry.path().filename().string();
    const bool made_by_opening =
        name == "lock" || ((name == "manifests" || name == "requests") && std::filesystem::is_empty(entry.path(), ec));
    if (!made_by_opening) return false;
  }
  return !ec;
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
  return Save("settings.json", ToJson(settings));
}

Result<SessionState> StateDir::LoadState() const {
  const std::string file = File("state.json");
  HVR_ASSIGN_OR_RETURN(const json::object body, ReadChecksummedJson(file));
  return SessionStateFromJson(body, file);
}

Status StateDir::SaveState(const SessionState& state) {
  HVR_RETURN_IF_ERROR(RequireWritable("save the state"));
  return Save("state.json", ToJson(state));
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
  return Save("jobs.json", json::object{{"jobs", list}});
}

Result<std::optional<LiveJob>> StateDir::LoadLiveJob() const {
  const std::string file = File("live.json");
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::optional<LiveJob>();
  if (!body.ok()) return std::move(body).error();
  const auto* job = body->if_contains("job");
  const auto* progress = body->if_contains("progress");
  if (!job) return Error(Code::kCorruptData, file + ": field \"job\": missing");
  if (!progress) return Error(Code::kCorruptData, file + ": field \"progress\": missing");
  LiveJob live;
  HVR_ASSIGN_OR_RETURN(live.job, JobFromJson(*job, file));
  HVR_ASSIGN_OR_RETURN(live.progress, JobProgressFromJson(*progress, file + ": progress"));
  return std::optional<LiveJob>(std::move(live));
}

Status StateDir::SaveLiveJob(const Job& job, const JobProgress& progress) {
  HVR_RETURN_IF_ERROR(RequireWritable("publish the running job"));
  return Save("live.json", json::object{{"job", ToJson(job)}, {"progress", ToJson(progress)}});
}

std::string StateDir::File(const char* name) const { return PathIn(path_, name); }

Status StateDir::Save(const char* name, const json::object& body) const {
  return WriteChecksummedJson(File(name), body, FileAccess::kOwnerOnly);
}

std::string StateDir::ManifestPath(const std::string& replica) const {
  return PathIn(path_, "manifests/" + replica + ".hvrm");
}

Status StateDir::LeaveResyncRequest(const std::string& reason, bool verify_replica) {
  // Any process may leave a request; the one holding the lock takes it.
  return Save("requests/resync.json", json::object{{"reason", reason}, {"verify_replica", verify_replica}});
}

Result<std::optional<ResyncRequest>> StateDir::TakeResyncRequest() {
  const std::string file = File("requests/resync.json");
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::optional<ResyncRequest>();
  HVR_RETURN_IF_ERROR(RequireWritable("take requests"));
  ResyncRequest request{"requested by an operator", false};
  if (body.ok()) {
    if (const auto* r = body->if_contains("reason"); r && r->is_string() && !r->get_string().empty()) {
      request.reason = std::string(r->get_string());
    }
    if (const auto* v = body->if_contains("verify_replica"); v && v->is_bool()) request.verify_replica = v->get_bool();
  }
  // A damaged request still asks for a resync: doing one is always safe.
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(file));
  return std::optional<ResyncRequest>(std::move(request));
}

Status StateDir::LeaveStatisticsReset() {
  return Save("requests/reset-statistics.json", json::object{{"reset", true}});
}

Result<bool> StateDir::TakeStatisticsReset() {
  const std::string file = File("requests/reset-statistics.json");
  std::error_code ec;
  if (!std::filesystem::exists(PathFromUtf8(file), ec)) return false;
  HVR_RETURN_IF_ERROR(RequireWritable("take requests"));
  // Whatever it holds, the file asks for a reset.
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(file));
  return true;
}

Status StateDir::LeaveFailoverRequest(const FailoverRequest& request) {
  return Save("requests/failover.json", json::object{{"id", request.id},
                                                     {"point", request.options.point},
                                                     {"planned", request.options.planned}});
}

Result<std::optional<FailoverRequest>> StateDir::TakeFailoverRequest() {
  const std::string file = File("requests/failover.json");
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::optional<FailoverRequest>();
  HVR_RETURN_IF_ERROR(RequireWritable("take requests"));
  // Unlike a resync, a failover is never guessed: a damaged request is dropped, and the
  // process that left it hears why.
  if (!body.ok()) {
    HVR_RETURN_IF_ERROR(RemoveFileIfExists(file));
    return std::move(body).error();
  }
  JsonFields f(*body, file);
  FailoverRequest request;
  request.id = f.String("id");
  request.options.point = f.String("point");
  request.options.planned = f.Bool("planned");
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(file));
  if (f.error()) {
    if (!request.id.empty()) HVR_RETURN_IF_ERROR(AnswerFailoverRequest(request.id, *f.error()));
    return *f.error();
  }
  return std::optional<FailoverRequest>(std::move(request));
}

Status StateDir::WithdrawFailoverRequest() { return RemoveFileIfExists(File("requests/failover.json")); }

Status StateDir::AnswerFailoverRequest(const std::string& id, const Status& outcome) {
  json::object answer{{"id", id}, {"error", nullptr}};
  if (!outcome.ok()) answer["error"] = ErrorToJson(outcome.error());
  return Save("requests/failover-answer.json", answer);
}

Result<std::optional<Status>> StateDir::FailoverAnswer(const std::string& id) const {
  const std::string file = File("requests/failover-answer.json");
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::optional<Status>();
  if (!body.ok()) return std::move(body).error();
  JsonFields f(*body, file);
  if (f.String("id") != id) return std::optional<Status>();  // an earlier request's
  if (const json::object* error = f.OptionalObject("error")) {
    Error e(Code::kInternal, "");
    HVR_RETURN_IF_ERROR(DecodeError(*error, file + ": error", &e));
    return std::optional<Status>(Status(std::move(e)));
  }
  if (f.error()) return *f.error();
  return std::optional<Status>(Ok());
}

Result<bool> StateDir::InUse() const {
  if (!read_only()) return true;
  HVR_ASSIGN_OR_RETURN(auto probe, FileLock::TryAcquire(File("lock"), FileLock::Mode::kShared));
  return !probe.has_value();
}

}  // namespace hvr
