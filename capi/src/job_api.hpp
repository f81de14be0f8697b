// hvr_job_info from hvr::Job, shared by the job lists and the session's job-info callback.
#pragma once

#include "hvr.h"
#include "hvr/job.hpp"

namespace hvr::capi {

// The struct of `job`; its strings point into `job`, which must outlive it.
hvr_job_info JobInfoOf(const Job& job);

}  // namespace hvr::capi
