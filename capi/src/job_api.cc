// Jobs through the C ABI as structs (hvr_job_info), for the job-info callback and the job
// lists, so that bindings need not parse the jobs' JSON.
#include "job_api.hpp"

#include <vector>

#include "capi_internal.hpp"
#include "replication_handles.hpp"

struct hvr_job_list {
  std::vector<hvr::Job> jobs;
};

namespace hvr::capi {

hvr_job_info JobInfoOf(const Job& job) {
  hvr_job_info info{};
  info.struct_size = sizeof info;
  info.id = job.id.c_str();
  info.type = static_cast<hvr_job_type>(job.type);
  info.state = static_cast<hvr_job_state>(job.state);
  info.vm_name = job.vm_name.c_str();
  info.step = job.steps.empty() ? nullptr : job.steps.back().name.c_str();
  info.started = ToUnixSeconds(job.started);
  info.ended = job.ended ? ToUnixSeconds(*job.ended) : 0;
  info.progress_done = job.progress_done;
  info.progress_total = job.progress_total;
  info.error = job.error ? ToStatus(job.error->code()) : HVR_OK;
  info.error_message = job.error ? job.error->message().c_str() : nullptr;
  info.summary = job.summary.c_str();
  return info;
}

}  // namespace hvr::capi

using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

extern "C" {

const char* hvr_job_type_name(hvr_job_type type) {
  if (type < HVR_JOB_ENABLE_PROTECTION || type > static_cast<int>(hvr::kLastJobType)) return "unknown";
  return hvr::JobTypeName(static_cast<hvr::JobType>(type));
}

const char* hvr_job_state_name(hvr_job_state state) {
  if (state < HVR_JOB_RUNNING || state > HVR_JOB_INTERRUPTED) return "unknown";
  return hvr::JobStateName(static_cast<hvr::JobState>(state));
}

hvr_status hvr_session_get_jobs(const hvr_session* session, hvr_job_list** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(session, __func__, "session"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return hvr::capi::NewHandle(out, session->session->jobs());
  });
}

hvr_status hvr_job_list_get_count(const hvr_job_list* list, size_t* out_count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(list, __func__, "list"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    *out_count = list->jobs.size();
    return HVR_OK;
  });
}

hvr_status hvr_job_list_get(const hvr_job_list* list, size_t index, hvr_job_info* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(list, __func__, "list"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    HVR_CAPI_CHECK(hvr::capi::RequireIndex(index, list->jobs.size(), __func__, "jobs"));
    return hvr::capi::CopyOut(hvr::capi::JobInfoOf(list->jobs[index]), out, __func__);
  });
}

void hvr_job_list_destroy(hvr_job_list* list) { delete list; }

}  // extern "C"
