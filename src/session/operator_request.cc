#include "session/operator_request.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "session/json_fields.hpp"
#include "session/journal_json.hpp"
#include "session/settings_change_fields.hpp"
#include "util/checksummed_json.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace json = boost::json;
namespace {

constexpr const char* kAnswerSuffix = ".answer.json";

std::string Folder(const StateDir& dir) { return PathIn(dir.path(), "requests/operations"); }
std::string RequestFile(const StateDir& dir, const std::string& name) { return PathIn(Folder(dir), name + ".json"); }
std::string AnswerFile(const StateDir& dir, const std::string& name) { return PathIn(Folder(dir), name + kAnswerSuffix); }

constexpr std::pair<OperatorOperation, const char*> kOperationNames[] = {
    {OperatorOperation::kChangeSettings, "change-settings"},
    {OperatorOperation::kRemoveDisk, "remove-disk"},
    {OperatorOperation::kAddDisk, "add-disk"},
    {OperatorOperation::kSuspend, "suspend"},
    {OperatorOperation::kResume, "resume"},
    {OperatorOperation::kUnprotect, "unprotect"},
};

// A settings change travels as the settings it makes of the asker's, with the names of
// those it changes: the process that runs it takes only those, so a setting changed
// meanwhile by someone else is left as it is.
json::array ChangedNames(const SettingsChange& change) {
  json::array names;
  for (const SettingsChangeField& field : kSettingsChangeFields) {
    if (field.given(change)) names.emplace_back(field.key);
  }
  return names;
}

Status ChangeFromJson(JsonFields& f, SettingsChange& change) {
  const std::string where = f.where() + ": settings";
  const json::object& body = f.Object("settings");
  const json::array& names = f.Array("changed");
  if (f.error()) return *f.error();
  HVR_ASSIGN_OR_RETURN(const ProtectionSettings settings, SettingsFromJson(body, where));
  for (const json::value& v : names) {
    const std::string name = v.is_string() ? std::string(v.get_string()) : std::string();
    const auto* field = std::find_if(std::begin(kSettingsChangeFields), std::end(kSettingsChangeFields),
                                     [&](const SettingsChangeField& known) { return name == known.key; });
    if (field == std::end(kSettingsChangeFields)) {
      return Error(Code::kCorruptData, f.where() + ": field \"changed\": unknown setting '" + name + "'");
    }
    field->take(change, settings);
  }
  return Ok();
}

Result<OperatorRequest> RequestFromJson(const json::object& body, const std::string& file, const std::string& name) {
  JsonFields f(body, file);
  OperatorRequest r;
  r.name = name;
  const std::string operation = f.String("operation");
  if (f.error()) return *f.error();
  const auto* known = std::find_if(std::begin(kOperationNames), std::end(kOperationNames),
                                   [&](const auto& n) { return operation == n.second; });
  if (known == std::end(kOperationNames)) {
    return Error(Code::kCorruptData, file + ": field \"operation\": unknown operation '" + operation + "'");
  }
  r.operation = known->first;
  switch (r.operation) {
    case OperatorOperation::kChangeSettings:
      HVR_RETURN_IF_ERROR(ChangeFromJson(f, r.change));
      break;
    case OperatorOperation::kRemoveDisk:
      r.disk = f.String("disk");
      r.remove_disk.delete_replica = f.Bool("delete_replica");
      break;
    case OperatorOperation::kAddDisk:
      r.add_disk.path = f.String("path");
      r.add_disk.log_folder = f.String("log_folder");
      r.add_disk.log_name = f.String("log_name");
      r.add_disk.replica_name = f.String("replica_name");
      break;
    case OperatorOperation::kUnprotect:
      r.unprotect.delete_replicas = f.Bool("delete_replicas");
      break;
    default:
      break;
  }
  if (f.error()) return *f.error();
  return r;
}

}  // namespace

OperatorRequest OperatorRequest::Make(OperatorOperation operation) {
  OperatorRequest r;
  r.operation = operation;
  // Microseconds since the epoch, zero-padded, sort in the order asked.
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%020lld", static_cast<long long>(micros));
  r.name = std::string(stamp) + "-" + Guid::Random().ToString().substr(0, 8);
  return r;
}

std::string OperatorRequest::Describe() const {
  switch (operation) {
    case OperatorOperation::kChangeSettings:
      return "change settings";
    case OperatorOperation::kRemoveDisk:
      return "remove disk '" + disk + "'";
    case OperatorOperation::kAddDisk:
      return "add disk '" + add_disk.path + "'";
    case OperatorOperation::kSuspend:
      return "suspend replication";
    case OperatorOperation::kResume:
      return "resume replication";
    case OperatorOperation::kUnprotect:
      return unprotect.delete_replicas ? "remove protection and the replicas" : "remove protection";
  }
  return "?";
}

Status LeaveOperatorRequest(const StateDir& dir, const OperatorRequest& request) {
  const auto* named = std::find_if(std::begin(kOperationNames), std::end(kOperationNames),
                                   [&](const auto& n) { return request.operation == n.first; });
  json::object body{{"operation", named->second}};
  switch (request.operation) {
    case OperatorOperation::kChangeSettings: {
      HVR_ASSIGN_OR_RETURN(const ProtectionSettings settings, dir.LoadSettings());
      body["settings"] = ToJson(request.change.ApplyTo(settings));
      body["changed"] = ChangedNames(request.change);
      break;
    }
    case OperatorOperation::kRemoveDisk:
      body["disk"] = request.disk;
      body["delete_replica"] = request.remove_disk.delete_replica;
      break;
    case OperatorOperation::kAddDisk:
      body["path"] = request.add_disk.path;
      body["log_folder"] = request.add_disk.log_folder;
      body["log_name"] = request.add_disk.log_name;
      body["replica_name"] = request.add_disk.replica_name;
      break;
    case OperatorOperation::kUnprotect:
      body["delete_replicas"] = request.unprotect.delete_replicas;
      break;
    default:
      break;
  }
  std::error_code ec;
  std::filesystem::create_directories(PathFromUtf8(Folder(dir)), ec);
  if (ec) return SystemError(ec, "create " + Folder(dir));
  return WriteChecksummedJson(RequestFile(dir, request.name), body, FileAccess::kOwnerOnly);
}

Result<std::vector<OperatorRequest>> TakeOperatorRequests(const StateDir& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(PathFromUtf8(Folder(dir)), ec)) {
    const std::string file = Utf8(entry.path().filename());
    // NAME.json.tmp, being written (util/file.hpp), is not a request yet.
    if (file.ends_with(kAnswerSuffix)) {
      const auto written = entry.last_write_time(ec);
      if (!ec && std::filesystem::file_time_type::clock::now() - written > kOperatorAnswerKept) {
        HVR_RETURN_IF_ERROR(RemoveFileIfExists(Utf8(entry.path())));
      }
      continue;
    }
    const bool request = file.size() > 5 && file.ends_with(".json");
    if (request && entry.is_regular_file(ec)) names.push_back(file.substr(0, file.size() - 5));
  }
  std::sort(names.begin(), names.end());
  std::vector<OperatorRequest> requests;
  for (const std::string& name : names) {
    const std::string file = RequestFile(dir, name);
    auto body = ReadChecksummedJson(file);
    if (!body.ok() && body.error().code() == Code::kNotFound) continue;  // withdrawn meanwhile
    auto request = body.ok() ? RequestFromJson(*body, file, name) : Result<OperatorRequest>(body.error());
    if (!request.ok()) {
      // Never guessed: the asker hears why.
      HVR_RETURN_IF_ERROR(AnswerOperatorRequest(dir, name, request.error()));
      HVR_RETURN_IF_ERROR(RemoveOperatorRequest(dir, name));
      continue;
    }
    requests.push_back(std::move(*request));
  }
  return requests;
}

Status RemoveOperatorRequest(const StateDir& dir, const std::string& name) {
  return RemoveFileIfExists(RequestFile(dir, name));
}

bool OperatorRequestWaits(const StateDir& dir, const std::string& name) {
  std::error_code ec;
  return std::filesystem::exists(PathFromUtf8(RequestFile(dir, name)), ec);
}

Status AnswerOperatorRequest(const StateDir& dir, const std::string& name, const Status& outcome) {
  json::object answer{{"error", nullptr}};
  if (!outcome.ok()) answer["error"] = ErrorToJson(outcome.error());
  return WriteChecksummedJson(AnswerFile(dir, name), answer, FileAccess::kOwnerOnly);
}

Result<std::optional<Status>> TakeOperatorAnswer(const StateDir& dir, const std::string& name) {
  const std::string file = AnswerFile(dir, name);
  auto body = ReadChecksummedJson(file);
  if (!body.ok() && body.error().code() == Code::kNotFound) return std::optional<Status>();
  if (!body.ok()) return std::move(body).error();
  JsonFields f(*body, file);
  Status outcome = Ok();
  if (const json::object* error = f.OptionalObject("error")) {
    Error e(Code::kInternal, "");
    HVR_RETURN_IF_ERROR(DecodeError(*error, file + ": error", &e));
    outcome = Status(std::move(e));
  }
  if (f.error()) return *f.error();
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(file));
  return std::optional<Status>(std::move(outcome));
}

Result<std::optional<Status>> AskHolder(const StateDir& dir, const OperatorRequest& request) {
  const auto gone = [&] {
    std::error_code ec;
    return request.operation == OperatorOperation::kUnprotect && !std::filesystem::exists(PathFromUtf8(dir.path()), ec);
  };
  const auto in_use = [&]() -> Result<bool> {
    auto held = dir.InUse();
    if (!held.ok() && gone()) return false;
    return held;
  };
  HVR_ASSIGN_OR_RETURN(const bool held, in_use());
  if (!held) return std::optional<Status>();
  HVR_RETURN_IF_ERROR(LeaveOperatorRequest(dir, request));
  const std::string holder = "the process running the VM of " + dir.path();
  const auto asked = std::chrono::steady_clock::now();
  for (bool stopped = false;;) {
    if (gone()) return std::optional<Status>(Ok());
    HVR_ASSIGN_OR_RETURN(std::optional<Status> answer, TakeOperatorAnswer(dir, request.name));
    if (answer) return answer;
    // Looked at once more after the holder is gone: it may have answered as it went.
    const bool waits = OperatorRequestWaits(dir, request.name);
    if (stopped || (waits && std::chrono::steady_clock::now() - asked > kOperatorRequestTakeTimeout)) {
      HVR_RETURN_IF_ERROR(RemoveOperatorRequest(dir, request.name));
      if (stopped) return std::optional<Status>();
      return Error(Code::kTimeout, holder + " did not take the request to " + request.Describe() + " within " +
                                       std::to_string(kOperatorRequestTakeTimeout.count()) +
                                       " minutes (it takes requests between jobs); the request is withdrawn: "
                                       "run the command again when its job ends");
    }
    HVR_ASSIGN_OR_RETURN(const bool running, in_use());
    stopped = !running;
    if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace hvr
