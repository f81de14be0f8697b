/* Every HVR_<STRUCT>_INIT of hvr.h used once, so that the header tests, compiled with
 * -Wall -Wextra -Werror (missing field initializers included), fail when a struct grows
 * and its INIT is not brought along. */
#ifndef HVR_TESTS_CAPI_HEADER_INITS_H_
#define HVR_TESTS_CAPI_HEADER_INITS_H_

#include "hvr.h"

static inline size_t hvr_header_inits_total(void) {
  hvr_manifest_info manifest_info = HVR_MANIFEST_INFO_INIT;
  hvr_diff_totals diff_totals = HVR_DIFF_TOTALS_INIT;
  hvr_hrl_header hrl_header = HVR_HRL_HEADER_INIT;
  hvr_hrl_entry hrl_entry = HVR_HRL_ENTRY_INIT;
  hvr_disk_info disk_info = HVR_DISK_INFO_INIT;
  hvr_store_statistics store_statistics = HVR_STORE_STATISTICS_INIT;
  hvr_transfer_stats transfer_stats = HVR_TRANSFER_STATS_INIT;
  hvr_store_disk_info store_disk_info = HVR_STORE_DISK_INFO_INIT;
  hvr_cycle_report cycle_report = HVR_CYCLE_REPORT_INIT;
  hvr_session_status session_status = HVR_SESSION_STATUS_INIT;
  hvr_job_progress job_progress = HVR_JOB_PROGRESS_INIT;
  hvr_replication_statistics replication_statistics = HVR_REPLICATION_STATISTICS_INIT;
  hvr_job_info job_info = HVR_JOB_INFO_INIT;
  return manifest_info.struct_size + diff_totals.struct_size + hrl_header.struct_size +
         hrl_entry.struct_size + disk_info.struct_size + store_statistics.struct_size +
         transfer_stats.struct_size + store_disk_info.struct_size + cycle_report.struct_size +
         session_status.struct_size + job_progress.struct_size + replication_statistics.struct_size +
         job_info.struct_size;
}

#endif /* HVR_TESTS_CAPI_HEADER_INITS_H_ */
