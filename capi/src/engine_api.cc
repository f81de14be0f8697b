// Engines and protection settings through the C ABI.
#include <climits>

#include "capi_internal.hpp"
#include "hvr/recovery_plan.hpp"
#include "replication_handles.hpp"
#include "store_values.hpp"

namespace {

using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

static_assert(HVR_REPLICATION_FAILING_OVER == static_cast<int>(hvr::ReplicationState::kFailingOver));
static_assert(HVR_HEALTH_CRITICAL == static_cast<int>(hvr::Health::kCritical));
static_assert(HVR_JOB_RECOVERY_PLAN == static_cast<int>(hvr::JobType::kRecoveryPlan));
static_assert(HVR_JOB_REMOVE_PROTECTION == static_cast<int>(hvr::JobType::kRemoveProtection));
static_assert(HVR_JOB_REMOVE_DISK == static_cast<int>(hvr::JobType::kRemoveDisk));
static_assert(HVR_JOB_ADD_DISK == static_cast<int>(hvr::JobType::kAddDisk));
static_assert(HVR_PLAN_UNPLANNED == static_cast<int>(hvr::PlanFailover::kUnplanned));

// Applies `edit` to a copy of the engine options and keeps it when their Validate accepts it.
template <typename Edit>
hvr_status SetEngineOption(hvr_engine_options* options, const char* function, Edit&& edit) {
  return Guard(function, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, function, "options"));
    hvr::EngineOptions changed = options->options;
    edit(changed);
    HVR_CAPI_CHECK(hvr::capi::CheckOptions(changed, function));
    options->options = std::move(changed);
    return HVR_OK;
  });
}

}  // namespace

extern "C" {

const char* hvr_replication_state_name(hvr_replication_state state) {
  if (state < HVR_REPLICATION_ENABLED || state > HVR_REPLICATION_FAILING_OVER) return "unknown";
  return hvr::ReplicationStateName(static_cast<hvr::ReplicationState>(state));
}

const char* hvr_health_name(hvr_health health) {
  if (health < HVR_HEALTH_NORMAL || health > HVR_HEALTH_CRITICAL) return "unknown";
  return hvr::HealthName(static_cast<hvr::Health>(health));
}

hvr_status hvr_engine_options_create(hvr_engine_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_engine_options_destroy(hvr_engine_options* options) { delete options; }

hvr_status hvr_engine_options_set_io_threads(hvr_engine_options* options, int threads) {
  return SetEngineOption(options, __func__, [&](hvr::EngineOptions& o) { o.io_threads = threads; });
}

hvr_status hvr_engine_options_set_max_active_sessions(hvr_engine_options* options, int sessions) {
  return SetEngineOption(options, __func__, [&](hvr::EngineOptions& o) { o.max_active_sessions = sessions; });
}

hvr_status hvr_engine_options_set_log(hvr_engine_options* options, hvr_log_fn log, void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->log = log;
    options->log_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_engine_create(const hvr_engine_options* options, hvr_engine** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    hvr::EngineOptions o = options ? options->options : hvr::EngineOptions{};
    if (options && options->log) {
      o.log = [log = options->log, user_data = options->log_user_data](hvr::LogLevel level, std::string_view message) {
        log(user_data, static_cast<hvr_log_level>(level), std::string(message).c_str());
      };
    }
    auto engine = hvr::Engine::Create(std::move(o));
    if (!engine.ok()) return Fail(engine.error());
    return hvr::capi::NewHandle(out, std::move(*engine));
  });
}

void hvr_engine_destroy(hvr_engine* engine) { delete engine; }

hvr_status hvr_protection_create(const char* vm_name, const char* target, hvr_protection** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(vm_name, __func__, "vm_name"));
    HVR_CAPI_CHECK(RequireNonNull(target, __func__, "target"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto p = std::make_unique<hvr_protection>();
    p->settings.vm_name = vm_name;
    p->settings.target = target;
    *out = p.release();
    return HVR_OK;
  });
}

void hvr_protection_destroy(hvr_protection* protection) { delete protection; }

hvr_status hvr_protection_add_disk(hvr_protection* protection, const char* path, const char* log_folder,
                                   const char* log_name, const char* replica_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    protection->settings.disks.push_back(
        hvr::DiskSpec{path, log_folder ? log_folder : "", log_name ? log_name : "", replica_name ? replica_name : ""});
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_replication_interval(hvr_protection* protection, int64_t seconds) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    auto interval = hvr::IntervalFromSeconds(seconds);
    if (!interval.ok()) return Fail(interval.error());
    protection->settings.interval = *interval;
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_recovery_history_hours(hvr_protection* protection, int64_t hours) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    protection->settings.recovery_history = std::chrono::hours(hours);
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_app_consistent_frequency_hours(hvr_protection* protection, int64_t hours) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    protection->settings.app_consistent_frequency = std::chrono::hours(hours);
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_rpo_threshold(hvr_protection* protection, int64_t seconds) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    protection->settings.rpo_threshold = std::chrono::seconds(seconds);
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_max_in_flight(hvr_protection* protection, int requests) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    protection->settings.max_in_flight = requests;
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_tls(hvr_protection* protection, int verify, const char* ca_file) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    protection->settings.tls.verify = verify != 0;
    protection->settings.tls.ca_file = ca_file ? ca_file : "";
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_proxy(hvr_protection* protection, const char* proxy_url) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    if (proxy_url) {
      protection->settings.proxy = std::string(proxy_url);
    } else {
      protection->settings.proxy.reset();
    }
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_encryption_key_file(hvr_protection* protection, const char* path) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    protection->settings.encryption_key_file = path;
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_bandwidth(hvr_protection* protection, uint64_t work_bytes_per_second,
                                        uint64_t non_work_bytes_per_second, int work_start_minute,
                                        int work_end_minute, unsigned work_days) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    hvr::BandwidthSchedule schedule;
    HVR_CAPI_CHECK(hvr::capi::BandwidthFrom(work_bytes_per_second, non_work_bytes_per_second, work_start_minute,
                                            work_end_minute, work_days, __func__, &schedule));
    protection->settings.bandwidth = schedule;
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_link(hvr_protection* protection, uint64_t bytes_per_second,
                                   uint32_t requests_per_second) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    HVR_CAPI_CHECK(hvr::capi::LinkFrom(bytes_per_second, requests_per_second, __func__, &protection->settings.link));
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_resync_window(hvr_protection* protection, int automatic, int office_start_minute,
                                            int office_end_minute, unsigned office_days) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    hvr::WorkHours hours;
    HVR_CAPI_CHECK(hvr::capi::WorkHoursFrom(office_start_minute, office_end_minute, office_days, __func__, &hours));
    if (auto valid = hours.Validate("resync window"); !valid.ok()) return Fail(valid.error());
    protection->settings.resync.automatic = automatic != 0;
    protection->settings.resync.office_hours = hours;
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_chunk_size(hvr_protection* protection, uint32_t bytes) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    protection->settings.chunk_size = bytes;
    return HVR_OK;
  });
}

hvr_status hvr_protection_set_failover_setting(hvr_protection* protection, const char* key, const char* value) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(protection, __func__, "protection"));
    HVR_CAPI_CHECK(RequireNonNull(key, __func__, "key"));
    HVR_CAPI_CHECK(RequireNonNull(value, __func__, "value"));
    protection->settings.failover_vm[key] = value;
    return HVR_OK;
  });
}

}  // extern "C"
