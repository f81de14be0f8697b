#include "session/agent_identity.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <span>

#include "platform/file_system.hpp"
#include "platform/system_error.hpp"
#include "platform/user_folders.hpp"
#include "store/azure/crypto.hpp"
#include "util/file.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

Result<Guid> ReadAgentId(const std::string& file) {
  HVR_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto id = Guid::Parse(text);
  if (!id.ok() || id->IsZero()) {
    return Error(Code::kCorruptData, "agent id file " + file +
                                         ": not a GUID; delete it and a new agent id is made (leases the old one "
                                         "holds are taken again when their term ends)");
  }
  return *id;
}

}  // namespace

Status ValidateAgentIdFile(const std::string& file, const std::string& what) {
  if (file.empty()) return Error(Code::kInvalidArgument, what + ": empty; name the agent id file");
  if (file.back() == '/' || file.back() == '\\') {
    return Error(Code::kInvalidArgument, what + ": '" + file + "' names a folder; name the agent id file in it");
  }
  std::error_code ec;
  if (std::filesystem::is_directory(PathFromUtf8(file), ec)) {
    return Error(Code::kInvalidArgument, what + ": '" + file + "' is a folder; name the agent id file in it");
  }
  return Ok();
}

Result<std::string> DefaultAgentIdFile() {
  if (const char* named = std::getenv(kAgentIdFileVariable); named && *named) {
    HVR_RETURN_IF_ERROR(ValidateAgentIdFile(named, std::string("environment variable ") + kAgentIdFileVariable));
    return std::string(named);
  }
  HVR_ASSIGN_OR_RETURN(const std::string folder, UserStateFolder());
  return PathIn(folder, "agent-id");
}

Result<Guid> LoadAgentId(const std::string& path) {
  std::string file = path;
  if (file.empty()) {
    HVR_ASSIGN_OR_RETURN(file, DefaultAgentIdFile());
  }
  std::error_code ec;
  if (std::filesystem::exists(PathFromUtf8(file), ec)) return ReadAgentId(file);
  const std::string folder = FolderOf(file);
  std::filesystem::create_directories(PathFromUtf8(folder), ec);
  if (ec) return SystemError(ec, "create the folder of agent id file " + file);
  // Written aside and renamed into place unless another process made it meanwhile:
  // then that one is the agent's id.
  const Guid made = Guid::Random();
  const std::string aside = file + "." + made.ToString();
  HVR_RETURN_IF_ERROR(WriteFileAtomically(aside, made.ToString() + "\n", FileAccess::kOwnerOnly));
  const Status placed = RenameNoReplace(aside, file);
  if (placed.ok()) return made;
  (void)RemoveFileIfExists(aside);
  if (placed.error().code() != Code::kConflict) return placed.error().WithContext("agent id file " + file);
  return ReadAgentId(file);
}

std::string LeaseIdFor(const Guid& agent, const std::string& state_dir, const Guid& vm_id) {
  // The directory as the file system names it, so that a link to it is the same agent.
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(PathFromUtf8(state_dir), ec);
  const std::string where = ec ? AbsolutePath(state_dir) : Utf8(canonical);
  const std::string text = "hvr lease\n" + agent.ToString() + "\n" + where + "\n" + vm_id.ToString();
  const auto digest = azure::Sha256(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  Guid id;
  std::copy(digest.begin(), digest.begin() + id.bytes.size(), id.bytes.begin());
  return id.ToString();
}

}  // namespace hvr
