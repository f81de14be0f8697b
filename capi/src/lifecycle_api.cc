// The life of a protection through the C ABI: changing its settings (hvr::SettingsChange
// behind a handle, each setter checked by its Validate), removing a disk, suspending,
// resuming. Removing protection is in session_api.cc, beside the session options it takes.
#include "capi_internal.hpp"
#include "replication_handles.hpp"
#include "store_values.hpp"

struct hvr_settings_change {
  hvr::SettingsChange change;
};

struct hvr_remove_disk_options {
  hvr::RemoveDiskOptions options;
};

namespace {

using hvr::capi::CheckOptions;
using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

hvr_status Done(const hvr::Status& status) { return status.ok() ? HVR_OK : Fail(status.error()); }

// Applies `edit` to a copy of the change and keeps it when its Validate accepts it.
template <typename Edit>
hvr_status Change(hvr_settings_change* change, const char* function, Edit&& edit) {
  return Guard(function, [&] {
    HVR_CAPI_CHECK(RequireNonNull(change, function, "change"));
    hvr::SettingsChange changed = change->change;
    HVR_CAPI_CHECK(edit(changed));
    HVR_CAPI_CHECK(CheckOptions(changed, function));
    change->change = std::move(changed);
    return HVR_OK;
  });
}

}  // namespace

hvr_status hvr_settings_change_create(hvr_settings_change** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_settings_change_destroy(hvr_settings_change* change) { delete change; }

hvr_status hvr_settings_change_set_target(hvr_settings_change* change, const char* target) {
  return Change(change, __func__, [&, function = __func__](hvr::SettingsChange& c) {
    HVR_CAPI_CHECK(RequireNonNull(target, function, "target"));
    c.target = target;
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_replication_interval(hvr_settings_change* change, int64_t seconds) {
  return Change(change, __func__, [&](hvr::SettingsChange& c) {
    auto interval = hvr::IntervalFromSeconds(seconds);
    if (!interval.ok()) return Fail(interval.error());
    c.interval = *interval;
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_recovery_history_hours(hvr_settings_change* change, int64_t hours) {
  return Change(change, __func__, [&](hvr::SettingsChange& c) {
    c.recovery_history = std::chrono::hours(hours);
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_app_consistent_frequency_hours(hvr_settings_change* change, int64_t hours) {
  return Change(change, __func__, [&](hvr::SettingsChange& c) {
    c.app_consistent_frequency = std::chrono::hours(hours);
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_bandwidth(hvr_settings_change* change, uint64_t work_bytes_per_second,
                                             uint64_t non_work_bytes_per_second, int work_start_minute,
                                             int work_end_minute, unsigned work_days) {
  return Change(change, __func__, [&, function = __func__](hvr::SettingsChange& c) {
    hvr::BandwidthSchedule schedule;
    HVR_CAPI_CHECK(hvr::capi::BandwidthFrom(work_bytes_per_second, non_work_bytes_per_second, work_start_minute,
                                            work_end_minute, work_days, function, &schedule));
    c.bandwidth = schedule;
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_link(hvr_settings_change* change, uint64_t bytes_per_second,
                                        uint32_t requests_per_second) {
  return Change(change, __func__, [&, function = __func__](hvr::SettingsChange& c) {
    hvr::LinkModel link;
    HVR_CAPI_CHECK(hvr::capi::LinkFrom(bytes_per_second, requests_per_second, function, &link));
    c.link = link;
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_resync_window(hvr_settings_change* change, int automatic, int office_start_minute,
                                                 int office_end_minute, unsigned office_days) {
  return Change(change, __func__, [&, function = __func__](hvr::SettingsChange& c) {
    hvr::ResyncWindow window;
    window.automatic = automatic != 0;
    HVR_CAPI_CHECK(
        hvr::capi::WorkHoursFrom(office_start_minute, office_end_minute, office_days, function, &window.office_hours));
    c.resync = window;
    return HVR_OK;
  });
}

hvr_status hvr_settings_change_set_max_in_flight(hvr_settings_change* change, int requests) {
  return Change(change, __func__, [&](hvr::SettingsChange& c) {
    c.max_in_flight = requests;
    return HVR_OK;
  });
}

hvr_status hvr_session_set_settings(hvr_session* session, const hvr_settings_change* change) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(change, __func__, "change"));
    return Done(session->session->ChangeSettings(change->change));
  });
}

hvr_status hvr_session_suspend(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->Suspend());
  });
}

hvr_status hvr_session_resume(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->Resume());
  });
}

hvr_status hvr_remove_disk_options_create(hvr_remove_disk_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_remove_disk_options_destroy(hvr_remove_disk_options* options) { delete options; }

hvr_status hvr_remove_disk_options_set_delete_replica(hvr_remove_disk_options* options, int delete_replica) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.delete_replica = delete_replica != 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_remove_disk(hvr_session* session, const char* disk, const hvr_remove_disk_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    return Done(session->session->RemoveDisk(disk, options ? options->options : hvr::RemoveDiskOptions{}));
  });
}
