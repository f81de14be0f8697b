/* embed.c: the smallest complete C program on libhvr. It protects a disk to a local
 * store, writes to it the way a hypervisor does (each write also recorded in a replica
 * log by hvr's change tracker), runs two delta cycles, fails over and prints the status.
 *
 * Usage: embed WORK_DIR     (created; WORK_DIR/vm holds the disk and its logs,
 *                            WORK_DIR/store the replicas, WORK_DIR/state the relationship)
 */
#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvr.h"

static int fail(const char *what, hvr_status status) {
  fprintf(stderr, "%s: %s: %s\n", what, hvr_status_name(status), hvr_last_error_message());
  return 1;
}

#define TRY(call)                                   \
  do {                                              \
    hvr_status status_ = (call);                    \
    if (status_ != HVR_OK) return fail(#call, status_); \
  } while (0)

/* The host: the session asks it to close the current log and start the next. */
static hvr_status rotate_logs(void *user_data, const hvr_host_vm *vm, int quiesce, int *out_quiesced) {
  char *closed = NULL;
  hvr_status status = hvr_hrl_tracker_rotate((hvr_hrl_tracker *)user_data, &closed);
  (void)vm;
  (void)quiesce;
  hvr_string_free(closed);
  *out_quiesced = 0;
  return status;
}

/* A guest write: to the disk, and into the log. */
static hvr_status guest_write(hvr_disk *disk, hvr_hrl_tracker *tracker, uint64_t offset, const void *data, size_t n) {
  hvr_status status = hvr_disk_write(disk, offset, data, n);
  return status != HVR_OK ? status : hvr_hrl_tracker_record(tracker, offset, data, n);
}

int main(int argc, char **argv) {
  static const uint8_t no_identity[16] = {0};
  char vm_dir[512], disk_path[512], store_path[512], state_path[512];
  unsigned char block[4096];
  hvr_disk *disk = NULL;
  hvr_hrl_tracker *tracker = NULL;
  hvr_host *host = NULL;
  hvr_engine *engine = NULL;
  hvr_protection *protection = NULL;
  hvr_session_options *options = NULL;
  hvr_session *session = NULL;
  hvr_session_status status;
  hvr_cycle_report cycle;
  char *vm_json = NULL;
  int i, n;

  if (argc != 2) {
    fprintf(stderr, "usage: embed WORK_DIR\n");
    return 2;
  }
  snprintf(vm_dir, sizeof vm_dir, "%s/vm", argv[1]);
  snprintf(disk_path, sizeof disk_path, "%s/vm/disk0.img", argv[1]);
  snprintf(store_path, sizeof store_path, "%s/store", argv[1]);
  snprintf(state_path, sizeof state_path, "%s/state", argv[1]);
  printf("hvr %s (ABI %d)\n", hvr_version(), hvr_abi_version());
  mkdir(argv[1], 0700);
  mkdir(vm_dir, 0700);

  /* The VM's disk, and its tracker writing logs disk0-*.hrl beside it. */
  TRY(hvr_disk_create_raw(disk_path, 64 << 20));
  TRY(hvr_disk_open_writable(disk_path, NULL, &disk));
  TRY(hvr_hrl_tracker_create(vm_dir, 64 << 20, no_identity, NULL, &tracker));
  TRY(hvr_host_create(tracker, &host));
  TRY(hvr_host_set_rotate_logs(host, rotate_logs));

  /* Protect it, and copy it. */
  TRY(hvr_engine_create(NULL, &engine));
  TRY(hvr_protection_create("embed-vm", store_path, &protection));
  TRY(hvr_protection_add_disk(protection, disk_path, vm_dir, "hvr", NULL));
  TRY(hvr_protection_set_replication_interval(protection, 30));
  TRY(hvr_session_options_create(&options));
  TRY(hvr_session_options_set_host(options, host));
  TRY(hvr_session_enable_protection(engine, state_path, protection, NULL, options, &session));
  TRY(hvr_session_run_initial_replication(session, NULL));

  /* The guest writes; two cycles ship it. */
  for (i = 0; i < 2; ++i) {
    for (n = 0; n < 64; ++n) {
      memset(block, 'a' + i, sizeof block);
      TRY(guest_write(disk, tracker, (uint64_t)(n * 37 % 16384) * 4096, block, sizeof block));
    }
    TRY(hvr_disk_flush(disk));
    memset(&cycle, 0, sizeof cycle);
    cycle.struct_size = sizeof cycle;
    TRY(hvr_session_run_delta_cycle(session, NULL, &cycle));
    printf("cycle %d: recovery point %llu, %llu bytes sent\n", i + 1, (unsigned long long)cycle.point,
           (unsigned long long)cycle.bytes_sent);
  }

  /* Fail over to the latest point: Azure-ready disks the host would start a VM from. */
  TRY(hvr_session_failover(session, NULL, 0, &vm_json));
  printf("failed over: %s\n", vm_json);
  memset(&status, 0, sizeof status);
  status.struct_size = sizeof status;
  TRY(hvr_session_get_status(session, &status));
  printf("state %s, health %s, %llu recovery points, %llu bytes sent\n", hvr_replication_state_name(status.state),
         hvr_health_name(status.health), (unsigned long long)status.recovery_points,
         (unsigned long long)status.bytes_sent);

  hvr_string_free(vm_json);
  hvr_session_close(session);
  hvr_session_options_destroy(options);
  hvr_protection_destroy(protection);
  hvr_engine_destroy(engine);
  hvr_host_destroy(host);
  hvr_hrl_tracker_destroy(tracker);
  hvr_disk_close(disk);
  return 0;
}
