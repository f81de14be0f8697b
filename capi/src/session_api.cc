// Sessions, schedulers and recovery plans through the C ABI: hvr::Session behind a
// handle, its results as growing structs or JSON documents.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "capi_internal.hpp"
#include "hvr/engine.hpp"
#include "hvr/recovery_plan.hpp"
#include "hvr/scheduler.hpp"
#include "hvr/session.hpp"
#include "job_api.hpp"
#include "replication_handles.hpp"
#include "session/status_json.hpp"
#include "store_values.hpp"

struct hvr_session_options {
  const hvr_host* host = nullptr;
  hvr_job_fn job = nullptr;
  void* job_user_data = nullptr;
  hvr_job_info_fn job_info = nullptr;
  void* job_info_user_data = nullptr;
  hvr_event_fn event = nullptr;
  void* event_user_data = nullptr;
  hvr_log_fn log = nullptr;
  void* log_user_data = nullptr;
  int max_in_flight = 0;
  hvr::RequestRetryOptions request_retry;
  std::vector<std::chrono::milliseconds> operation_retry_delays = hvr::SessionOptions().operation_retry_delays;
  std::string agent_id_file;
};

struct hvr_unprotect_options {
  hvr::UnprotectOptions options;
};

struct hvr_protect_options {
  hvr::ProtectOptions options;
};

struct hvr_adopt_options {
  hvr::AdoptOptions options;
};

struct hvr_scheduler {
  std::unique_ptr<hvr::Scheduler> scheduler;
};

struct hvr_plan {
  hvr::RecoveryPlan plan;
};

namespace {

namespace json = boost::json;

// Protecting and adopting: the arguments every such call requires, and the session
// `make` establishes from them handed out.
template <typename Make>
hvr_status Establish(const char* function, hvr_engine* engine, const char* state_dir, const hvr_protection* protection,
                     hvr_session** out, Make&& make) {
  return hvr::capi::Guard(function, [&] {
    HVR_CAPI_CHECK(hvr::capi::RequireNonNull(engine, function, "engine"));
    HVR_CAPI_CHECK(hvr::capi::RequireNonNull(state_dir, function, "state_dir"));
    HVR_CAPI_CHECK(hvr::capi::RequireNonNull(protection, function, "protection"));
    HVR_CAPI_CHECK(hvr::capi::RequireNonNull(out, function, "out"));
    auto session = make(*engine->engine);
    if (!session.ok()) return hvr::capi::Fail(session.error());
    return hvr::capi::NewHandle(out, std::move(*session));
  });
}
using hvr::capi::CopyOut;
using hvr::capi::CopyString;
using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;
using hvr::capi::ControlsOf;

int64_t Seconds(hvr::TimePoint t) { return hvr::ToUnixSeconds(t); }

hvr::ResyncOptions OptionsFor(const hvr_resync_options* o) { return o ? o->options : hvr::ResyncOptions{}; }

hvr::SessionOptions OptionsFor(const hvr_session_options* o) {
  hvr::SessionOptions options;
  if (o == nullptr) return options;
  // The host's C callbacks live in the hvr_host, which outlives the session.
  if (o->host) options.host = const_cast<CHost*>(&o->host->host);
  if (o->job || o->job_info) {
    options.on_job = [json_fn = o->job, json_user_data = o->job_user_data, info_fn = o->job_info,
                      info_user_data = o->job_info_user_data](const hvr::Job& job) {
      const std::string text = json::serialize(hvr::ToJson(job));
      if (json_fn) json_fn(json_user_data, text.c_str());
      if (info_fn) {
        const hvr_job_info info = hvr::capi::JobInfoOf(job);
        info_fn(info_user_data, &info, text.c_str());
      }
    };
  }
  if (o->event) {
    options.on_event = [fn = o->event, user_data = o->event_user_data](const hvr::Event& event) {
      fn(user_data, static_cast<hvr_event_id>(event.id), json::serialize(hvr::ToJson(event)).c_str());
    };
  }
  if (o->log) {
    options.log = [fn = o->log, user_data = o->log_user_data](hvr::LogLevel level, std::string_view message) {
      fn(user_data, static_cast<hvr_log_level>(level), std::string(message).c_str());
    };
  }
  options.max_in_flight = o->max_in_flight;
  options.request_retry = o->request_retry;
  options.operation_retry_delays = o->operation_retry_delays;
  options.agent_id_file = o->agent_id_file;
  return options;
}

hvr_status Done(const hvr::Status& status) { return status.ok() ? HVR_OK : Fail(status.error()); }

// The JSON of `value` in *out, for the calls that answer with a document.
template <typename T>
hvr_status Json(const hvr::Result<T>& result, char** out) {
  if (!result.ok()) return Fail(result.error());
  *out = CopyString(json::serialize(hvr::ToJson(*result)));
  return HVR_OK;
}

std::string PointOr(const char* point) { return point ? point : "latest"; }

hvr::FailbackOptions FailbackTo(const char* folder) {
  hvr::FailbackOptions options;
  if (folder) options.folder = folder;
  return options;
}

}  // namespace

extern "C" {

hvr_status hvr_session_options_create(hvr_session_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_session_options_destroy(hvr_session_options* options) { delete options; }

hvr_status hvr_session_options_set_host(hvr_session_options* options, const hvr_host* host) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->host = host;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_job_callback(hvr_session_options* options, hvr_job_fn fn, void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->job = fn;
    options->job_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_job_info_callback(hvr_session_options* options, hvr_job_info_fn fn,
                                                    void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->job_info = fn;
    options->job_info_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_event_callback(hvr_session_options* options, hvr_event_fn fn,
                                                  void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->event = fn;
    options->event_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_log(hvr_session_options* options, hvr_log_fn log, void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->log = log;
    options->log_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_max_in_flight(hvr_session_options* options, int requests) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (requests != 0) {  // 0 keeps the protection's
      if (hvr::Status valid = hvr::ValidateMaxInFlight(requests); !valid.ok()) {
        return Fail(valid.error().WithContext(__func__));
      }
    }
    options->max_in_flight = requests;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_retries(hvr_session_options* options, int max_attempts, int64_t base_delay_ms,
                                           int64_t max_delay_ms, int64_t max_elapsed_ms) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::RequestRetryOptions retry;
    HVR_CAPI_CHECK(hvr::capi::RetryOptionsFrom(max_attempts, base_delay_ms, max_delay_ms, max_elapsed_ms, __func__, &retry));
    options->request_retry = retry;
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_operation_retry_delays(hvr_session_options* options, const int64_t* delays_ms,
                                                          size_t count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (count > 0) HVR_CAPI_CHECK(RequireNonNull(delays_ms, __func__, "delays_ms"));
    // The session options' own rule (ValidateSessionOptions) counts the delays and checks each.
    hvr::SessionOptions check;
    check.operation_retry_delays.clear();
    for (size_t i = 0; i < count; ++i) check.operation_retry_delays.emplace_back(delays_ms[i]);
    HVR_CAPI_CHECK(hvr::capi::CheckValid(hvr::ValidateSessionOptions(check), __func__));
    options->operation_retry_delays = std::move(check.operation_retry_delays);
    return HVR_OK;
  });
}

hvr_status hvr_session_options_set_agent_id_file(hvr_session_options* options, const char* file) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    // The session options' own rule (ValidateSessionOptions), on these options alone.
    hvr::SessionOptions check;
    check.agent_id_file = file ? file : "";
    HVR_CAPI_CHECK(hvr::capi::CheckValid(hvr::ValidateSessionOptions(check), __func__));
    options->agent_id_file = std::move(check.agent_id_file);
    return HVR_OK;
  });
}

hvr_status hvr_protect_options_create(hvr_protect_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_protect_options_destroy(hvr_protect_options* options) { delete options; }

hvr_status hvr_protect_options_set_seed(hvr_protect_options* options, int seed) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.seed = seed != 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_enable_protection(hvr_engine* engine, const char* state_dir, const hvr_protection* protection,
                                         const hvr_protect_options* protect_options, const hvr_session_options* options,
                                         hvr_session** out) {
  return Establish(__func__, engine, state_dir, protection, out, [&](hvr::Engine& e) {
    return hvr::Session::Protect(e, state_dir, protection->settings,
                                 protect_options ? protect_options->options : hvr::ProtectOptions{}, OptionsFor(options));
  });
}

hvr_status hvr_adopt_options_create(hvr_adopt_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_adopt_options_destroy(hvr_adopt_options* options) { delete options; }

hvr_status hvr_adopt_options_set_resync(hvr_adopt_options* options, int resync) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.resync = resync != 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_adopt(hvr_engine* engine, const char* state_dir, const hvr_protection* protection,
                             const hvr_adopt_options* adopt_options, const hvr_session_options* options,
                             hvr_session** out) {
  return Establish(__func__, engine, state_dir, protection, out, [&](hvr::Engine& e) {
    return hvr::Session::Adopt(e, state_dir, protection->settings,
                               adopt_options ? adopt_options->options : hvr::AdoptOptions{}, OptionsFor(options));
  });
}

hvr_status hvr_session_open(hvr_engine* engine, const char* state_dir, const hvr_session_options* options,
                            int read_only, hvr_session** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(engine, __func__, "engine"));
    HVR_CAPI_CHECK(RequireNonNull(state_dir, __func__, "state_dir"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto session = hvr::Session::Open(*engine->engine, state_dir, OptionsFor(options), read_only != 0);
    if (!session.ok()) return Fail(session.error());
    return hvr::capi::NewHandle(out, std::move(*session));
  });
}

void hvr_session_close(hvr_session* session) { delete session; }

hvr_status hvr_run_options_create(hvr_run_options** out) { return hvr::capi::CreateHandle(__func__, out); }

void hvr_run_options_destroy(hvr_run_options* options) { delete options; }

hvr_status hvr_run_options_set_cancel_token(hvr_run_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_session_run_initial_replication(hvr_session* session, const hvr_run_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->ReplicateInitially(ControlsOf(options).Token()));
  });
}

hvr_status hvr_session_run_delta_cycle(hvr_session* session, const hvr_run_options* options, hvr_cycle_report* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    if (out) HVR_CAPI_CHECK(hvr::capi::RequireStructSize(out, __func__, "out"));
    auto report = session->session->RunCycle(ControlsOf(options).Token());
    if (!report.ok()) return Fail(report.error());
    if (out == nullptr) return HVR_OK;
    hvr_cycle_report full{};
    full.shipped = report->shipped ? 1 : 0;
    full.logs = report->logs;
    full.logged_bytes = report->logged_bytes;
    full.changed_bytes = report->changed_bytes;
    full.bytes_sent = report->bytes_sent;
    full.page_writes = report->page_writes;
    full.point = report->point ? report->point->sequence : 0;
    full.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(report->elapsed).count();
    hvr::capi::CopyOutGrowing(full, out);
    return HVR_OK;
  });
}

hvr_status hvr_resync_options_create(hvr_resync_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_resync_options_destroy(hvr_resync_options* options) { delete options; }

hvr_status hvr_resync_options_set_verify_replica(hvr_resync_options* options, int verify) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.verify_replica = verify != 0;
    return HVR_OK;
  });
}

hvr_status hvr_resync_options_set_cancel_token(hvr_resync_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_session_resync(hvr_session* session, const hvr_resync_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->Resynchronize(OptionsFor(options), ControlsOf(options).Token()));
  });
}

hvr_status hvr_session_schedule_resync(hvr_session* session, const char* reason, const hvr_resync_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->RequestResync(reason ? reason : "", OptionsFor(options)));
  });
}

hvr_status hvr_session_clear_error(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->ClearError());
  });
}

hvr_status hvr_unprotect_options_create(hvr_unprotect_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_unprotect_options_destroy(hvr_unprotect_options* options) { delete options; }

hvr_status hvr_unprotect_options_set_delete_replicas(hvr_unprotect_options* options, int delete_replicas) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.delete_replicas = delete_replicas != 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_unprotect(hvr_engine* engine, const char* state_dir, const hvr_unprotect_options* options,
                                 const hvr_session_options* session_options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(engine, __func__, "engine"));
    HVR_CAPI_CHECK(RequireNonNull(state_dir, __func__, "state_dir"));
    return Done(hvr::Session::Unprotect(*engine->engine, state_dir, options ? options->options : hvr::UnprotectOptions{},
                                        OptionsFor(session_options)));
  });
}

hvr_status hvr_session_run_due_work(hvr_session* session, const hvr_run_options* options, int* out_ran) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_ran, __func__, "out_ran"));
    auto ran = session->session->RunDue(ControlsOf(options).Token());
    if (!ran.ok()) return Fail(ran.error());
    *out_ran = *ran ? 1 : 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_get_removed(const hvr_session* session, int* out_removed) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_removed, __func__, "out_removed"));
    *out_removed = session->session->removed() ? 1 : 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_get_next_due(const hvr_session* session, int* out_has, int64_t* out_when) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_has, __func__, "out_has"));
    HVR_CAPI_CHECK(RequireNonNull(out_when, __func__, "out_when"));
    const auto due = session->session->NextDue();
    *out_has = due ? 1 : 0;
    *out_when = due ? Seconds(*due) : 0;
    return HVR_OK;
  });
}

hvr_status hvr_session_get_status(const hvr_session* session, hvr_session_status* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    const hvr::SessionStatus s = session->session->status();
    hvr_session_status full{};
    full.state = static_cast<hvr_replication_state>(s.state);
    full.health = static_cast<hvr_health>(s.health);
    full.sync_percent = s.sync_percent;
    full.last_replicated = s.last_replicated ? Seconds(*s.last_replicated) : 0;
    full.rpo_seconds = s.rpo ? std::chrono::duration_cast<std::chrono::seconds>(*s.rpo).count() : -1;
    full.recovery_points = s.recovery_point_count;
    full.cycles = s.cycles;
    full.bytes_sent = s.bytes_sent;
    full.last_error = s.last_error ? hvr::capi::ToStatus(s.last_error->code()) : HVR_OK;
    full.failing_since = s.failing_since ? Seconds(*s.failing_since) : 0;
    full.next_attempt = s.next_attempt ? Seconds(*s.next_attempt) : 0;
    full.retries = s.retries;
    full.suspended_since = s.suspended_since ? Seconds(*s.suspended_since) : 0;
    return CopyOut(full, out, __func__);
  });
}

hvr_status hvr_session_get_progress(const hvr_session* session, hvr_job_progress* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    hvr_job_progress full{};
    full.seconds_left = -1;
    if (const auto p = session->session->progress()) {
      full.running = 1;
      full.type = static_cast<hvr_job_type>(p->type);
      full.done = p->done;
      full.total = p->total;
      full.bytes_per_second = p->bytes_per_second;
      if (p->time_left) full.seconds_left = std::chrono::duration_cast<std::chrono::seconds>(*p->time_left).count();
      full.updated = Seconds(p->updated);
    }
    return CopyOut(full, out, __func__);
  });
}

hvr_status hvr_session_get_statistics(const hvr_session* session, int since_protection,
                                      hvr_replication_statistics* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    const hvr::SessionStatus status = session->session->status();
    const hvr::ReplicationStatistics& r = since_protection ? status.lifetime_statistics : status.statistics;
    const auto ms = [](hvr::Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    hvr_replication_statistics full{};
    full.since = Seconds(r.since);
    full.successful_cycles = r.successful_cycles;
    full.missed_cycles = r.missed_cycles;
    full.failed_cycles = r.failed_cycles;
    full.network_failures = r.network_failures;
    full.app_consistent_failures = r.app_consistent_failures;
    full.resyncs = r.resyncs;
    full.resync_bytes = r.resync_bytes;
    full.bytes_sent = r.bytes_sent;
    full.average_cycle_bytes = r.average_cycle_bytes();
    full.max_cycle_bytes = r.cycle_bytes_max;
    full.average_latency_ms = ms(r.average_latency());
    full.max_latency_ms = ms(r.latency_max);
    full.last_cycle_duration_ms = r.last_cycle_duration ? ms(*r.last_cycle_duration) : -1;
    full.pending_bytes = status.pending_bytes;
    return CopyOut(full, out, __func__);
  });
}

hvr_status hvr_session_reset_statistics(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->ResetStatistics());
  });
}

hvr_status hvr_session_get_store_statistics(const hvr_session* session, hvr_store_statistics* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return hvr::capi::CopyStoreStatistics(session->session->status().store, out, __func__);
  });
}

hvr_status hvr_session_get_status_json(const hvr_session* session, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    *out_json = CopyString(json::serialize(hvr::ToJson(session->session->status())));
    return HVR_OK;
  });
}

hvr_status hvr_session_get_jobs_json(const hvr_session* session, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    json::array jobs;
    for (const hvr::Job& job : session->session->jobs()) jobs.push_back(hvr::ToJson(job));
    *out_json = CopyString(json::serialize(jobs));
    return HVR_OK;
  });
}

hvr_status hvr_session_get_recovery_points_json(const hvr_session* session, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    json::array points;
    for (const hvr::VmRecoveryPoint& p : session->session->recovery_points()) points.push_back(hvr::ToJson(p));
    *out_json = CopyString(json::serialize(points));
    return HVR_OK;
  });
}

hvr_status hvr_session_verify_point(const hvr_session* session, const char* point, const hvr_run_options* options,
                                    int* out_identical, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_identical, __func__, "out_identical"));
    auto report = session->session->Verify(PointOr(point), ControlsOf(options).Token());
    if (!report.ok()) return Fail(report.error());
    *out_identical = report->identical() ? 1 : 0;
    if (out_json) *out_json = CopyString(json::serialize(hvr::ToJson(*report)));
    return HVR_OK;
  });
}

hvr_status hvr_session_failover(hvr_session* session, const char* point, int planned, char** out_vm_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_vm_json, __func__, "out_vm_json"));
    return Json(session->session->Failover(hvr::FailoverOptions{PointOr(point), planned != 0}), out_vm_json);
  });
}

hvr_status hvr_session_commit_failover(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->CommitFailover());
  });
}

hvr_status hvr_session_test_failover(hvr_session* session, const char* point, char** out_vm_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_vm_json, __func__, "out_vm_json"));
    return Json(session->session->TestFailover(PointOr(point)), out_vm_json);
  });
}

hvr_status hvr_session_cleanup_test_failover(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->CleanupTestFailover());
  });
}

hvr_status hvr_session_failback_sync(hvr_session* session, const char* folder, char** out_report_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_report_json, __func__, "out_report_json"));
    return Json(session->session->FailbackSync(FailbackTo(folder)), out_report_json);
  });
}

hvr_status hvr_session_failback_complete(hvr_session* session, const char* folder, char** out_report_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out_report_json, __func__, "out_report_json"));
    return Json(session->session->FailbackComplete(FailbackTo(folder)), out_report_json);
  });
}

hvr_status hvr_session_commit_failback(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->CommitFailback());
  });
}

hvr_status hvr_session_reverse(hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    return Done(session->session->ReverseReplication());
  });
}

hvr_status hvr_scheduler_create(hvr_engine* engine, hvr_scheduler** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(engine, __func__, "engine"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return hvr::capi::NewHandle(out, std::make_unique<hvr::Scheduler>(*engine->engine));
  });
}

hvr_status hvr_scheduler_add(hvr_scheduler* scheduler, hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(scheduler, __func__, "scheduler"));
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    scheduler->scheduler->Add(*session->session);
    return HVR_OK;
  });
}

hvr_status hvr_scheduler_remove(hvr_scheduler* scheduler, hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(scheduler, __func__, "scheduler"));
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    scheduler->scheduler->Remove(*session->session);
    return HVR_OK;
  });
}

void hvr_scheduler_destroy(hvr_scheduler* scheduler) { delete scheduler; }

hvr_status hvr_plan_create(const char* name, hvr_plan** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(name, __func__, "name"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto plan = std::make_unique<hvr_plan>();
    plan->plan.name = name;
    *out = plan.release();
    return HVR_OK;
  });
}

void hvr_plan_destroy(hvr_plan* plan) { delete plan; }

hvr_status hvr_plan_add_group(hvr_plan* plan, size_t* out_index) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(plan, __func__, "plan"));
    HVR_CAPI_CHECK(RequireNonNull(out_index, __func__, "out_index"));
    plan->plan.groups.emplace_back();
    *out_index = plan->plan.groups.size() - 1;
    return HVR_OK;
  });
}

namespace {

hvr_status RequireGroup(const hvr_plan* plan, size_t group, const char* function) {
  if (group < plan->plan.groups.size()) return HVR_OK;
  return Fail(HVR_INVALID_ARGUMENT, std::string(function) + ": the plan has no group " + std::to_string(group));
}

}  // namespace

hvr_status hvr_plan_add_vm(hvr_plan* plan, size_t group, hvr_session* session) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(plan, __func__, "plan"));
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireGroup(plan, group, __func__));
    plan->plan.groups[group].vms.push_back(session->session.get());
    return HVR_OK;
  });
}

hvr_status hvr_plan_add_action(hvr_plan* plan, size_t group, int after, const char* action) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(plan, __func__, "plan"));
    HVR_CAPI_CHECK(RequireNonNull(action, __func__, "action"));
    HVR_CAPI_CHECK(RequireGroup(plan, group, __func__));
    auto& list = after ? plan->plan.groups[group].after : plan->plan.groups[group].before;
    list.emplace_back(action);
    return HVR_OK;
  });
}

hvr_status hvr_plan_set_continue_on_failure(hvr_plan* plan, int go_on) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(plan, __func__, "plan"));
    plan->plan.continue_on_failure = go_on != 0;
    return HVR_OK;
  });
}

hvr_status hvr_plan_run(hvr_plan* plan, hvr_plan_failover kind, const char* point, const hvr_host* actions,
                        char** out_outcome_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(plan, __func__, "plan"));
    HVR_CAPI_CHECK(RequireNonNull(out_outcome_json, __func__, "out_outcome_json"));
    if (kind < HVR_PLAN_TEST || kind > HVR_PLAN_UNPLANNED) {
      return Fail(HVR_INVALID_ARGUMENT, std::string(__func__) + ": unknown kind of failover");
    }
    hvr::PlanOptions options;
    options.kind = static_cast<hvr::PlanFailover>(kind);
    options.point = PointOr(point);
    if (actions) options.host = const_cast<CHost*>(&actions->host);
    return Json(hvr::RunRecoveryPlan(plan->plan, options), out_outcome_json);
  });
}

}  // extern "C"
