// Adding a disk to a protected VM through the C ABI: hvr::Session::AddDisk, with the
// disk's replica name and logs behind an options handle.
#include "capi_internal.hpp"
#include "hvr/change_tracker.hpp"
#include "hvr/store.hpp"
#include "replication_handles.hpp"

struct hvr_add_disk_options {
  hvr::DiskSpec disk;  // without its path, given to hvr_session_add_disk
};

namespace {

using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

// NULL or "": the default.
std::string Text(const char* value) { return value ? value : ""; }

}  // namespace

hvr_status hvr_add_disk_options_create(hvr_add_disk_options** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    *out = new hvr_add_disk_options;
    return HVR_OK;
  });
}

void hvr_add_disk_options_destroy(hvr_add_disk_options* options) { delete options; }

hvr_status hvr_add_disk_options_set_replica_name(hvr_add_disk_options* options, const char* name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    const std::string replica = Text(name);
    if (!replica.empty()) {
      if (hvr::Status valid = hvr::ValidateDiskName(replica); !valid.ok()) {
        return Fail(valid.error().WithContext(std::string(__func__) + ": name"));
      }
    }
    options->disk.replica_name = replica;
    return HVR_OK;
  });
}

hvr_status hvr_add_disk_options_set_logs(hvr_add_disk_options* options, const char* log_folder, const char* log_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    const std::string name = Text(log_name);
    if (!name.empty()) {
      if (hvr::Status valid = hvr::ValidateLogName(name); !valid.ok()) {
        return Fail(valid.error().WithContext(std::string(__func__) + ": log_name"));
      }
    }
    options->disk.log_folder = Text(log_folder);
    options->disk.log_name = name;
    return HVR_OK;
  });
}

hvr_status hvr_session_add_disk(hvr_session* session, const char* path, const hvr_add_disk_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    hvr::DiskSpec disk = options ? options->disk : hvr::DiskSpec{};
    disk.path = path;
    const hvr::Status added = session->session->AddDisk(disk);
    return added.ok() ? HVR_OK : Fail(added.error());
  });
}
