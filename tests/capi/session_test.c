/* Replication from C, as an embedder builds it: a disk and its change tracker, a host
 * whose callbacks rotate the tracker's logs and freeze the disk, a session protecting it
 * to a local store; initial replication, cycles, status and jobs as structs and JSON,
 * verification, a test failover, a recovery plan, a failover and its commit, a
 * scheduler running a session by itself, a resync that reads the replica, and failback
 * refused while the VM runs. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "host.h"

static char work[256];

struct vm {
  hvr_disk *disk;
  hvr_hrl_tracker *tracker;
  char disk_path[256];
  int checkpoints;
  int rotations;
  int azure_vms;
  int actions;
  int jobs;
  int job_infos;     /* job-info callbacks whose struct agreed with their JSON */
  int job_infos_ended;
  /* Events by id (HVR_EVENT_*), and the id of the last. */
  int events[8];
  hvr_event_id last_event;
  int running;       /* what the VM-running callback answers */
  int running_asked;
  int tracking_stopped;
  /* Set while a job's progress is checked from its callbacks: how often the session
   * running it, and a read-only one (as another process would), saw it running. */
  const hvr_session *session;
  const hvr_session *reader;
  int progress_seen;
  int progress_seen_by_reader;
};

static int job_running(const hvr_session *session, hvr_job_type type) {
  hvr_job_progress p = HVR_JOB_PROGRESS_INIT;
  CHECK_OK(hvr_session_get_progress(session, &p));
  if (!p.running) return 0;
  CHECK(p.type == type);
  CHECK(p.done <= p.total);
  CHECK(p.updated > 0);
  return 1;
}

static hvr_status checkpoint(void *user_data, const hvr_host_vm *vm, hvr_checkpoint *out) {
  struct vm *v = (struct vm *)user_data;
  CHECK(vm->struct_size >= sizeof(hvr_host_vm));
  size_t i;
  CHECK(vm->disk_count >= 1); /* two while a disk is being added */
  CHECK(strcmp(vm->disks[0], v->disk_path) == 0);
  CHECK(strcmp(vm->name, "c-vm") == 0);
  /* The guest stays still while the copy runs: the disks themselves are the frozen views. */
  ++v->checkpoints;
  CHECK(hvr_checkpoint_set_disk(out, vm->disk_count, v->disk_path, NULL) == HVR_INVALID_ARGUMENT);
  for (i = 0; i < vm->disk_count; ++i) CHECK_OK(hvr_checkpoint_set_disk(out, i, vm->disks[i], NULL));
  return HVR_OK;
}

static hvr_status rotate(void *user_data, const hvr_host_vm *vm, int quiesce, int *out_quiesced) {
  struct vm *v = (struct vm *)user_data;
  char *closed = NULL;
  hvr_status status;
  (void)vm;
  ++v->rotations;
  status = hvr_hrl_tracker_rotate(v->tracker, &closed);
  hvr_string_free(closed);
  *out_quiesced = quiesce;
  return status;
}

static hvr_status create_azure_vm(void *user_data, const char *vm_json) {
  struct vm *v = (struct vm *)user_data;
  CHECK(strstr(vm_json, "\"disks\":[{\"name\":\"c-vm-disk0-") != NULL);
  ++v->azure_vms;
  return HVR_OK;
}

static hvr_status plan_action(void *user_data, const char *plan, const char *action) {
  struct vm *v = (struct vm *)user_data;
  CHECK(strcmp(plan, "c-plan") == 0);
  CHECK(strcmp(action, v->actions == 0 ? "before" : "after") == 0);
  ++v->actions;
  return HVR_OK;
}

static hvr_status vm_running(void *user_data, const hvr_host_vm *vm, int *out_running) {
  struct vm *v = (struct vm *)user_data;
  CHECK(strcmp(vm->name, "c-vm") == 0);
  ++v->running_asked;
  *out_running = v->running;
  return HVR_OK;
}

/* The disk file's bytes, for comparing before and after (the caller frees them). */
static hvr_status stop_tracking(void *user_data, const hvr_host_vm *vm) {
  struct vm *v = (struct vm *)user_data;
  CHECK(strcmp(vm->name, "c-vm") == 0);
  /* A disk added and removed again has no tracker here. */
  if (strcmp(vm->disks[0], v->disk_path) != 0) return HVR_OK;
  ++v->tracking_stopped;
  return hvr_hrl_tracker_close_log(v->tracker);
}

static unsigned char *file_bytes(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  unsigned char *bytes;
  CHECK(f != NULL);
  CHECK(fseek(f, 0, SEEK_END) == 0);
  *size = ftell(f);
  CHECK(fseek(f, 0, SEEK_SET) == 0);
  bytes = (unsigned char *)malloc((size_t)*size);
  CHECK(bytes != NULL && fread(bytes, 1, (size_t)*size, f) == (size_t)*size);
  fclose(f);
  return bytes;
}

/* Whether the protection's saved settings (STATE/settings.json) hold `text`. */
static int saved_settings_hold(const char *state, const char *text) {
  char path[300];
  long size = 0;
  unsigned char *bytes;
  char *json;
  int found;
  snprintf(path, sizeof path, "%s/settings.json", state);
  bytes = file_bytes(path, &size);
  json = (char *)malloc((size_t)size + 1);
  CHECK(json != NULL);
  memcpy(json, bytes, (size_t)size);
  json[size] = '\0';
  found = strstr(json, text) != NULL;
  free(json);
  free(bytes);
  return found;
}

static void on_job(void *user_data, const char *job_json) {
  struct vm *v = (struct vm *)user_data;
  CHECK(strstr(job_json, "\"vm_name\":\"c-vm\"") != NULL);
  ++v->jobs;
  if (v->session && strstr(job_json, "\"state\":\"running\"") != NULL) {
    v->progress_seen += job_running(v->session, HVR_JOB_INITIAL_REPLICATION);
    v->progress_seen_by_reader += job_running(v->reader, HVR_JOB_INITIAL_REPLICATION);
  }
}

/* The struct says what the JSON beside it says. */
static void check_job_info(const hvr_job_info *job, const char *job_json) {
  char text[200];
  CHECK(job->struct_size == sizeof *job);
  CHECK(job->id != NULL && job->vm_name != NULL && job->summary != NULL);
  snprintf(text, sizeof text, "\"id\":\"%s\"", job->id);
  CHECK(strstr(job_json, text) != NULL);
  CHECK(strcmp(job->vm_name, "c-vm") == 0);
  snprintf(text, sizeof text, "\"type\":\"%s\"", hvr_job_type_name(job->type));
  CHECK(strstr(job_json, text) != NULL);
  snprintf(text, sizeof text, "\"state\":\"%s\",\"state_number\":%d", hvr_job_state_name(job->state),
           (int)job->state);
  CHECK(strstr(job_json, text) != NULL);
  CHECK((job->state == HVR_JOB_RUNNING) == (job->ended == 0));
  CHECK(job->started > 0);
  CHECK((job->error == HVR_OK) == (job->error_message == NULL));
  if (job->step != NULL) {
    /* As JSON writes it: a step may name a Windows path, whose '\\' JSON escapes. */
    char escaped[sizeof text - 16];
    size_t n = 0;
    const char *c;
    for (c = job->step; *c != '\0' && n + 2 < sizeof escaped; ++c) {
      if (*c == '\\' || *c == '"') escaped[n++] = '\\';
      escaped[n++] = *c;
    }
    escaped[n] = '\0';
    snprintf(text, sizeof text, "\"name\":\"%s\"", escaped);
    CHECK(strstr(job_json, text) != NULL);
  }
}

static void on_job_info(void *user_data, const hvr_job_info *job, const char *job_json) {
  struct vm *v = (struct vm *)user_data;
  check_job_info(job, job_json);
  ++v->job_infos;
  if (job->state == HVR_JOB_SUCCEEDED) ++v->job_infos_ended;
}

/* hvr_session_get_jobs holds the jobs hvr_session_get_jobs_json has, oldest first. */
static void check_job_list(const hvr_session *session) {
  hvr_job_list *list = NULL;
  hvr_job_info job = HVR_JOB_INFO_INIT;
  size_t count = 0, i;
  char *json = NULL;
  const char *at;
  CHECK_OK(hvr_session_get_jobs(session, &list));
  CHECK_OK(hvr_session_get_jobs_json(session, &json));
  CHECK_OK(hvr_job_list_get_count(list, &count));
  CHECK(count > 1);
  at = json;
  for (i = 0; i < count; ++i) {
    char id[120];
    CHECK_OK(hvr_job_list_get(list, i, &job));
    snprintf(id, sizeof id, "\"id\":\"%s\"", job.id);
    at = strstr(at, id); /* in the JSON's order */
    CHECK(at != NULL);
    CHECK(strcmp(job.vm_name, "c-vm") == 0 && job.state != HVR_JOB_RUNNING && job.ended >= job.started);
  }
  CHECK(hvr_job_list_get(list, count, &job) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "beyond the") != NULL);
  hvr_string_free(json);
  hvr_job_list_destroy(list);
}

static void on_event(void *user_data, hvr_event_id id, const char *event_json) {
  struct vm *v = (struct vm *)user_data;
  char name[64];
  CHECK(id >= HVR_EVENT_PROTECTION_ENABLED && id <= HVR_EVENT_FAILOVER_STEP_ENDED);
  CHECK(strstr(event_json, "\"vm_name\":\"c-vm\"") != NULL);
  snprintf(name, sizeof name, "\"id\":%d,", (int)id);
  CHECK(strstr(event_json, name) != NULL);
  ++v->events[id];
  v->last_event = id;
}

static void write_blocks(struct vm *v, int count, char fill) {
  unsigned char block[4096];
  int i;
  memset(block, fill, sizeof block);
  for (i = 0; i < count; ++i) {
    const uint64_t offset = (uint64_t)((i * 131) % 4096) * 4096;
    CHECK_OK(hvr_disk_write(v->disk, offset, block, sizeof block));
    CHECK_OK(hvr_hrl_tracker_record(v->tracker, offset, block, sizeof block));
  }
  CHECK_OK(hvr_disk_flush(v->disk));
}

/* hvr_session_unprotect on another thread: it returns once the session holding the
 * state directory removed the protection. */
struct unprotect_call {
  hvr_engine *engine;
  const char *state;
  hvr_unprotect_options *options;
  const hvr_session_options *session_options;
  hvr_status status;
};

static void unprotect_in_thread(void *arg) {
  struct unprotect_call *call = (struct unprotect_call *)arg;
  call->status = hvr_session_unprotect(call->engine, call->state, call->options, call->session_options);
}

static hvr_session_status status_of(const hvr_session *session) {
  hvr_session_status s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  CHECK_OK(hvr_session_get_status(session, &s));
  return s;
}

int main(void) {
  static const uint8_t identity[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
  struct vm v;
  char folder[256], store[256], state[256], agent_id_file[300];
  hvr_host *host = NULL;
  hvr_engine_options *engine_options = NULL;
  hvr_engine *engine = NULL;
  hvr_protection *protection = NULL;
  hvr_session_options *options = NULL;
  hvr_session *session = NULL, *reader = NULL;
  hvr_resync_options *resync = NULL;
  hvr_cancel_token *cancelled = NULL;
  hvr_run_options *run = NULL;
  hvr_cycle_report cycle;
  hvr_session_status s;
  hvr_replication_statistics statistics = HVR_REPLICATION_STATISTICS_INIT;
  hvr_plan *plan = NULL;
  hvr_scheduler *scheduler = NULL;
  char *json = NULL;
  size_t group = 0;
  int identical = 0, has = 0, ran = 0, i;
  int64_t when = 0;
  unsigned char *before = NULL, *after = NULL;
  long before_size = 0, after_size = 0;

  memset(&v, 0, sizeof v);
  host_temp_dir(work, sizeof work, "session");
  host_path(folder, sizeof folder, work, "vm");
  host_path(store, sizeof store, work, "store");
  host_path(state, sizeof state, work, "state");
  host_path(v.disk_path, sizeof v.disk_path, folder, "c-disk.img");
  host_mkdir(folder);
  CHECK_OK(hvr_disk_create_raw(v.disk_path, 16 << 20));
  CHECK_OK(hvr_disk_open_writable(v.disk_path, NULL, &v.disk));
  CHECK_OK(hvr_hrl_tracker_create(folder, 16 << 20, identity, NULL, &v.tracker));
  write_blocks(&v, 100, 'x');

  CHECK_OK(hvr_host_create(&v, &host));
  CHECK_OK(hvr_host_set_checkpoint(host, checkpoint));
  CHECK_OK(hvr_host_set_rotate_logs(host, rotate));
  CHECK_OK(hvr_host_set_create_azure_vm(host, create_azure_vm));
  CHECK_OK(hvr_host_set_plan_action(host, plan_action));
  CHECK_OK(hvr_host_set_vm_running(host, vm_running));
  CHECK_OK(hvr_host_set_stop_tracking(host, stop_tracking));
  CHECK_OK(hvr_engine_options_create(&engine_options));
  CHECK_OK(hvr_engine_options_set_max_active_sessions(engine_options, 2));
  CHECK(hvr_engine_options_set_io_threads(engine_options, 0) == HVR_INVALID_ARGUMENT);
  /* The range is the engine options' own, its message naming the option and the value. */
  CHECK(strstr(hvr_last_error_message(), "io_threads must be 1 to 64, not 0") != NULL);
  CHECK(hvr_engine_options_set_max_active_sessions(engine_options, 1025) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "max_active_sessions must be 1 to 1024, not 1025") != NULL);
  CHECK_OK(hvr_engine_create(engine_options, &engine));

  /* Settings are checked at protection, with messages naming them. */
  CHECK_OK(hvr_protection_create("c-vm", store, &protection));
  CHECK(hvr_protection_set_replication_interval(protection, 60) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "replication interval of 60 s: choose 30, 300 or 900 seconds") != NULL);
  CHECK_OK(hvr_protection_add_disk(protection, v.disk_path, folder, "hvr", NULL));
  CHECK_OK(hvr_protection_set_replication_interval(protection, 30));
  CHECK_OK(hvr_protection_set_recovery_history_hours(protection, 2));
  CHECK_OK(hvr_protection_set_app_consistent_frequency_hours(protection, 1));
  CHECK(hvr_protection_set_resync_window(protection, 1, 8 * 60, 18 * 60, 0x100) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_protection_set_resync_window(protection, 1, 8 * 60, 18 * 60, 0x3e));
  CHECK_OK(hvr_protection_set_failover_setting(protection, "size", "Standard_D2s_v5"));
  CHECK(hvr_protection_set_link(protection, 124999, 500) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "link bandwidth must be 125000 to 12500000000 bytes a second") != NULL);
  CHECK(hvr_protection_set_link(protection, 12500000001ull, 0) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_protection_set_link(protection, 125000000, 400)); /* 1 Gbit/s */
  CHECK_OK(hvr_session_options_create(&options));
  CHECK(hvr_session_options_set_max_in_flight(options, -1) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_session_options_set_max_in_flight(options, 65) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_session_options_set_max_in_flight(options, 0)); /* keeps the protection's */
  CHECK_OK(hvr_session_options_set_host(options, host));
  CHECK_OK(hvr_session_options_set_job_callback(options, on_job, &v));
  CHECK_OK(hvr_session_options_set_job_info_callback(options, on_job_info, &v));
  CHECK_OK(hvr_session_options_set_event_callback(options, on_event, &v));
  {
    /* The retry layers below the VM's schedule, checked where they are set. */
    const int64_t delays[2] = {100, 200};
    const int64_t too_long[1] = {600001};
    int64_t eleven[11] = {0};
    CHECK_OK(hvr_session_options_set_retries(options, 4, 50, 400, 5000));
    CHECK(hvr_session_options_set_retries(options, 4, 0, 400, 5000) == HVR_INVALID_ARGUMENT);
    CHECK_OK(hvr_session_options_set_operation_retry_delays(options, delays, 2));
    CHECK(hvr_session_options_set_operation_retry_delays(options, too_long, 1) == HVR_INVALID_ARGUMENT);
    CHECK(strstr(hvr_last_error_message(), "0 to 600000 ms") != NULL);
    CHECK(hvr_session_options_set_operation_retry_delays(options, eleven, 11) == HVR_INVALID_ARGUMENT);
    CHECK_OK(hvr_session_options_set_operation_retry_delays(options, NULL, 0));
    CHECK_OK(hvr_session_options_set_operation_retry_delays(options, delays, 2));
  }
  /* The agent's id is kept where the options say (a folder is refused), never in the
   * user's own file. */
  CHECK(hvr_session_options_set_agent_id_file(options, work) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "is a folder") != NULL);
  snprintf(agent_id_file, sizeof agent_id_file, "%s/agent/agent-id", work);
  CHECK_OK(hvr_session_options_set_agent_id_file(options, agent_id_file));
  CHECK_OK(hvr_session_enable_protection(engine, state, protection, NULL, options, &session));
  CHECK(host_exists(agent_id_file));
  CHECK(saved_settings_hold(state, "\"link\":{\"bytes_per_second\":125000000,\"requests_per_second\":400}"));
  {
    hvr_store_statistics counters = HVR_STORE_STATISTICS_INIT;
    CHECK_OK(hvr_session_get_store_statistics(session, &counters));
    CHECK(counters.requests > 0); /* protection created the replica */
  }
  s = status_of(session);
  CHECK(s.state == HVR_REPLICATION_ENABLED);
  CHECK(strcmp(hvr_replication_state_name(s.state), "enabled") == 0);

  /* A second process may look, but not run it. */
  CHECK(hvr_session_open(engine, state, NULL, 0, &reader) == HVR_CONFLICT);
  CHECK_OK(hvr_session_open(engine, state, NULL, 1, &reader));
  CHECK(hvr_session_run_initial_replication(reader, NULL) == HVR_CONFLICT);

  v.session = session;
  v.reader = reader;
  CHECK_OK(hvr_session_run_initial_replication(session, NULL));
  v.session = v.reader = NULL;
  /* Every callback of the running job found it running; the reader, once published. */
  CHECK(v.progress_seen > 0);
  CHECK(v.progress_seen_by_reader > 0);
  CHECK(!job_running(session, HVR_JOB_INITIAL_REPLICATION));
  CHECK(!job_running(reader, HVR_JOB_INITIAL_REPLICATION));
  CHECK(v.checkpoints == 1);
  s = status_of(session);
  CHECK(s.state == HVR_REPLICATION_REPLICATING);
  CHECK(s.recovery_points == 1);
  CHECK(s.health == HVR_HEALTH_NORMAL);
  CHECK(strcmp(hvr_health_name(s.health), "normal") == 0);
  /* Protection, the two state changes of the initial replication, its point. */
  CHECK(v.events[HVR_EVENT_PROTECTION_ENABLED] == 1);
  CHECK(v.events[HVR_EVENT_STATE_CHANGED] == 2);
  CHECK(v.events[HVR_EVENT_RECOVERY_POINT_TAKEN] == 1);
  CHECK(v.last_event == HVR_EVENT_STATE_CHANGED);

  for (i = 0; i < 2; ++i) {
    write_blocks(&v, 20, (char)('a' + i));
    memset(&cycle, 0, sizeof cycle);
    cycle.struct_size = sizeof cycle;
    CHECK_OK(hvr_session_run_delta_cycle(session, NULL, &cycle));
    CHECK(cycle.shipped == 1);
    CHECK(cycle.point == (uint64_t)(2 + i));
    CHECK(cycle.changed_bytes == 20 * 4096);
  }
  CHECK(v.events[HVR_EVENT_RECOVERY_POINT_TAKEN] == 3);
  /* A resync that reads the replica instead of trusting what was recorded of it; first
   * cancelled through its options' token, then run to its end. */
  CHECK_OK(hvr_resync_options_create(&resync));
  CHECK_OK(hvr_resync_options_set_verify_replica(resync, 1));
  CHECK_OK(hvr_cancel_token_create(&cancelled));
  hvr_cancel_token_cancel(cancelled);
  CHECK_OK(hvr_resync_options_set_cancel_token(resync, cancelled));
  CHECK(hvr_session_resync(session, resync) == HVR_CANCELLED);
  CHECK_OK(hvr_resync_options_set_cancel_token(resync, NULL));
  hvr_cancel_token_destroy(cancelled);
  CHECK_OK(hvr_session_resync(session, resync));
  hvr_resync_options_destroy(resync);
  CHECK_OK(hvr_session_get_jobs_json(session, &json));
  CHECK(strstr(json, "an operator asked to verify the replica") != NULL);
  hvr_string_free(json);
  /* Statistics: two cycles with points and a resync; a reset keeps those since protection. */
  CHECK_OK(hvr_session_get_statistics(session, 0, &statistics));
  CHECK(statistics.successful_cycles == 2 && statistics.failed_cycles == 0 && statistics.resyncs == 1);
  CHECK(statistics.max_cycle_bytes >= statistics.average_cycle_bytes && statistics.average_cycle_bytes > 0);
  CHECK(statistics.last_cycle_duration_ms >= 0);
  CHECK_OK(hvr_session_reset_statistics(session));
  CHECK_OK(hvr_session_get_statistics(session, 0, &statistics));
  CHECK(statistics.successful_cycles == 0 && statistics.resyncs == 0 && statistics.last_cycle_duration_ms == -1);
  CHECK_OK(hvr_session_get_statistics(session, 1, &statistics));
  CHECK(statistics.successful_cycles == 2 && statistics.resyncs == 1);
  CHECK(status_of(session).state == HVR_REPLICATION_REPLICATING);
  /* The session's operations take their token on run options: a cancelled one stops the
   * verification, removing it lets it run. */
  CHECK_OK(hvr_run_options_create(&run));
  CHECK_OK(hvr_cancel_token_create(&cancelled));
  hvr_cancel_token_cancel(cancelled);
  CHECK_OK(hvr_run_options_set_cancel_token(run, cancelled));
  CHECK(hvr_session_verify_point(session, NULL, run, &identical, &json) == HVR_CANCELLED);
  CHECK_OK(hvr_run_options_set_cancel_token(run, NULL));
  hvr_cancel_token_destroy(cancelled);
  CHECK_OK(hvr_session_verify_point(session, NULL, run, &identical, &json));
  hvr_run_options_destroy(run);
  CHECK(identical == 1);
  CHECK(strstr(json, "\"identical\":true") != NULL);
  hvr_string_free(json);
  CHECK_OK(hvr_session_get_recovery_points_json(reader, &json));
  CHECK(strstr(json, "\"app_consistent\":true") != NULL); /* the first cycle quiesced */
  hvr_string_free(json);
  CHECK_OK(hvr_session_get_jobs_json(session, &json));
  CHECK(strstr(json, "\"type\":\"delta_replication\"") != NULL);
  hvr_string_free(json);
  CHECK(v.jobs > 0);
  CHECK(v.job_infos == v.jobs && v.job_infos_ended > 1); /* beside every JSON one, a struct */
  check_job_list(session);
  CHECK_OK(hvr_session_get_status_json(session, &json));
  CHECK(strstr(json, "\"state\":\"replicating\"") != NULL);
  hvr_string_free(json);
  CHECK_OK(hvr_session_get_next_due(session, &has, &when));
  CHECK(has == 1 && when > 0);
  CHECK_OK(hvr_session_run_due_work(session, NULL, &ran));
  CHECK(ran == 0); /* the next cycle is half a minute away */

  /* Settings change: each setter checks its value as it is set, the session the whole. */
  {
    hvr_settings_change *change = NULL;
    int64_t due_before = 0;
    CHECK_OK(hvr_settings_change_create(&change));
    CHECK(hvr_settings_change_set_replication_interval(change, 60) == HVR_INVALID_ARGUMENT);
    CHECK(hvr_settings_change_set_recovery_history_hours(change, 400) == HVR_INVALID_ARGUMENT);
    CHECK(strstr(hvr_last_error_message(), "0 to 360 hours") != NULL);
    CHECK(hvr_settings_change_set_max_in_flight(change, 0) == HVR_INVALID_ARGUMENT);
    CHECK(hvr_settings_change_set_resync_window(change, 1, 18 * 60, 8 * 60, 0x3e) == HVR_INVALID_ARGUMENT);
    CHECK(hvr_settings_change_set_link(change, 12500000, 100001) == HVR_INVALID_ARGUMENT);
    CHECK(strstr(hvr_last_error_message(), "link requests a second per disk must be 1 to 100000") != NULL);
    CHECK_OK(hvr_settings_change_set_app_consistent_frequency_hours(change, 8));
    CHECK(hvr_session_set_settings(session, change) == HVR_INVALID_ARGUMENT); /* beyond the 2 hours kept */
    CHECK(strstr(hvr_last_error_message(), "must not exceed the recovery point history") != NULL);
    CHECK_OK(hvr_settings_change_set_recovery_history_hours(change, 12));
    CHECK_OK(hvr_settings_change_set_replication_interval(change, 900));
    CHECK_OK(hvr_settings_change_set_bandwidth(change, 1u << 30, 0, 9 * 60, 17 * 60, 0x3e));
    CHECK_OK(hvr_settings_change_set_resync_window(change, 0, 8 * 60, 18 * 60, 0x3e));
    CHECK_OK(hvr_settings_change_set_max_in_flight(change, 4));
    CHECK_OK(hvr_settings_change_set_link(change, 0, 250)); /* 0: the default 100 Mbit/s */
    CHECK_OK(hvr_session_get_next_due(session, &has, &due_before));
    CHECK_OK(hvr_session_set_settings(session, change));
    CHECK(saved_settings_hold(state, "\"link\":{\"bytes_per_second\":12500000,\"requests_per_second\":250}"));
    hvr_settings_change_destroy(change);
    CHECK_OK(hvr_session_get_next_due(session, &has, &when));
    CHECK(has == 1 && when - due_before == 900 - 30); /* the interval is 15 minutes now */
  }
  /* A disk leaves protection by name or path, but never the last one (that is unprotect). */
  {
    hvr_remove_disk_options *remove = NULL;
    CHECK_OK(hvr_remove_disk_options_create(&remove));
    CHECK_OK(hvr_remove_disk_options_set_delete_replica(remove, 1));
    CHECK(hvr_session_remove_disk(session, "no-such-disk", remove) == HVR_NOT_FOUND);
    CHECK(strstr(hvr_last_error_message(), "has no disk 'no-such-disk'") != NULL);
    CHECK(hvr_session_remove_disk(session, v.disk_path, remove) == HVR_INVALID_ARGUMENT);
    CHECK(strstr(hvr_last_error_message(), "unprotect") != NULL);
    CHECK(hvr_session_remove_disk(session, v.disk_path, NULL) == HVR_INVALID_ARGUMENT);
    hvr_remove_disk_options_destroy(remove);
  }
  /* A disk joins protection: a bad one is refused and changes nothing; a good one is copied
   * from the host's checkpoint, alone, and here leaves again. */
  {
    hvr_add_disk_options *add = NULL;
    hvr_remove_disk_options *remove = NULL;
    char added[300], missing[300];
    const int checkpoints = v.checkpoints;
    snprintf(added, sizeof added, "%s/vm/c-added.img", work);
    snprintf(missing, sizeof missing, "%s/vm/none.img", work);
    CHECK_OK(hvr_disk_create_raw(added, 8 << 20));
    CHECK_OK(hvr_add_disk_options_create(&add));
    CHECK(hvr_add_disk_options_set_replica_name(add, "bad/name") == HVR_INVALID_ARGUMENT);
    CHECK(hvr_add_disk_options_set_logs(add, NULL, "bad name") == HVR_INVALID_ARGUMENT);
    CHECK_OK(hvr_add_disk_options_set_replica_name(add, "c-vm-added"));
    CHECK_OK(hvr_add_disk_options_set_logs(add, NULL, "c-added"));
    CHECK(hvr_session_add_disk(session, missing, add) == HVR_NOT_FOUND);
    CHECK(strstr(hvr_last_error_message(), missing) != NULL);
    CHECK(hvr_session_add_disk(session, v.disk_path, NULL) == HVR_INVALID_ARGUMENT);
    CHECK(strstr(hvr_last_error_message(), "protected twice") != NULL);
    CHECK(v.checkpoints == checkpoints);
    CHECK_OK(hvr_session_get_status_json(session, &json));
    CHECK(strstr(json, "c-vm-added") == NULL);
    hvr_string_free(json);
    CHECK_OK(hvr_session_add_disk(session, added, add));
    CHECK(v.checkpoints == checkpoints + 1);
    CHECK_OK(hvr_session_get_status_json(session, &json));
    CHECK(strstr(json, "\"replica\":\"c-vm-added\"") != NULL);
    hvr_string_free(json);
    CHECK_OK(hvr_session_get_jobs_json(session, &json));
    CHECK(strstr(json, "\"type\":\"add_disk\"") != NULL);
    hvr_string_free(json);
    hvr_add_disk_options_destroy(add);
    CHECK_OK(hvr_remove_disk_options_create(&remove));
    CHECK_OK(hvr_remove_disk_options_set_delete_replica(remove, 1));
    CHECK_OK(hvr_session_remove_disk(session, "c-vm-added", remove));
    hvr_remove_disk_options_destroy(remove);
  }
  /* Suspended, nothing is due and nothing runs; resumed, it is as it was. */
  CHECK_OK(hvr_session_suspend(session));
  s = status_of(session);
  CHECK(s.suspended_since > 0);
  CHECK(s.health == HVR_HEALTH_WARNING);
  CHECK_OK(hvr_session_get_next_due(session, &has, &when));
  CHECK(has == 0);
  CHECK(hvr_session_run_delta_cycle(session, NULL, NULL) == HVR_INVALID_REPLICA_STATE);
  CHECK(strstr(hvr_last_error_message(), "suspended") != NULL);
  CHECK_OK(hvr_session_resume(session));
  s = status_of(session);
  CHECK(s.suspended_since == 0 && s.health == HVR_HEALTH_NORMAL);
  CHECK_OK(hvr_session_get_jobs_json(session, &json));
  CHECK(strstr(json, "\"type\":\"change_settings\"") != NULL && strstr(json, "\"type\":\"resume\"") != NULL);
  hvr_string_free(json);

  /* A test failover by recovery plan, with its actions around the group. */
  CHECK_OK(hvr_plan_create("c-plan", &plan));
  CHECK_OK(hvr_plan_add_group(plan, &group));
  CHECK_OK(hvr_plan_add_vm(plan, group, session));
  CHECK_OK(hvr_plan_add_action(plan, group, 0, "before"));
  CHECK_OK(hvr_plan_add_action(plan, group, 1, "after"));
  CHECK(hvr_plan_add_vm(plan, 7, session) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_plan_run(plan, HVR_PLAN_TEST, NULL, host, &json));
  CHECK(strstr(json, "\"succeeded\":true") != NULL);
  hvr_string_free(json);
  CHECK(v.actions == 2);
  CHECK(v.azure_vms == 1);
  CHECK_OK(hvr_session_cleanup_test_failover(session));
  hvr_plan_destroy(plan);

  /* The scheduler runs what is due; nothing is, so it only looks. */
  CHECK_OK(hvr_scheduler_create(engine, &scheduler));
  CHECK_OK(hvr_scheduler_add(scheduler, session));
  CHECK_OK(hvr_scheduler_remove(scheduler, session));
  hvr_scheduler_destroy(scheduler);

  /* Fail over, commit. */
  CHECK_OK(hvr_session_failover(session, "latest-app-consistent", 0, &json));
  CHECK(strstr(json, "\"point_id\":\"2\"") != NULL);
  CHECK(strstr(json, "\"size\":\"Standard_D2s_v5\"") != NULL);
  hvr_string_free(json);
  CHECK(v.azure_vms == 2);
  CHECK(status_of(session).state == HVR_REPLICATION_FAILED_OVER);
  CHECK(hvr_session_run_delta_cycle(session, NULL, NULL) == HVR_INVALID_REPLICA_STATE);
  CHECK(strstr(hvr_last_error_message(), "failed_over") != NULL);
  CHECK_OK(hvr_session_commit_failover(session));
  s = status_of(session);
  CHECK(s.state == HVR_REPLICATION_FAILOVER_COMMITTED);
  CHECK(s.recovery_points == 0);

  /* Failback into the disk of a VM the host says runs is refused, and writes nothing. */
  write_blocks(&v, 10, 'z'); /* the VM went on after the failover: failback must undo this */
  v.running = 1;
  before = file_bytes(v.disk_path, &before_size);
  CHECK(hvr_session_failback_sync(session, NULL, &json) == HVR_CONFLICT);
  CHECK(strstr(hvr_last_error_message(), "c-vm") != NULL);
  CHECK(strstr(hvr_last_error_message(), "shut it down") != NULL);
  CHECK(v.running_asked == 1);
  after = file_bytes(v.disk_path, &after_size);
  CHECK(before_size == after_size && memcmp(before, after, (size_t)before_size) == 0);
  free(after);
  /* Shut down, it runs and brings the disk back to the failed-over point. */
  v.running = 0;
  CHECK_OK(hvr_session_failback_sync(session, NULL, &json));
  CHECK(strstr(json, "\"bytes_written\":0") == NULL);
  hvr_string_free(json);
  after = file_bytes(v.disk_path, &after_size);
  CHECK(before_size == after_size && memcmp(before, after, (size_t)before_size) != 0);
  free(after);
  free(before);

  hvr_session_close(reader);
  hvr_session_close(session);

  /* The replicas say the VM was failed over: there is no replication to adopt, and a
   * refused adoption leaves nothing behind. */
  {
    char adopted_state[300];
    hvr_adopt_options *adopt = NULL;
    hvr_session *adopted = NULL;
    host_path(adopted_state, sizeof adopted_state, work, "adopted");
    CHECK_OK(hvr_adopt_options_create(&adopt));
    CHECK_OK(hvr_adopt_options_set_resync(adopt, 1));
    CHECK(hvr_session_adopt(engine, adopted_state, protection, adopt, options, &adopted) ==
          HVR_INVALID_REPLICA_STATE);
    CHECK(strstr(hvr_last_error_message(), "no replication to adopt") != NULL);
    CHECK(adopted == NULL);
    CHECK(!host_exists(adopted_state));
    hvr_adopt_options_destroy(adopt);
  }
  /* Protecting again onto those replicas needs --seed, and is refused even so: another
   * relationship made them. */
  {
    char seeded_state[300];
    hvr_protect_options *protect = NULL;
    hvr_session *seeded = NULL;
    host_path(seeded_state, sizeof seeded_state, work, "seeded");
    CHECK_OK(hvr_protect_options_create(&protect));
    CHECK_OK(hvr_protect_options_set_seed(protect, 1));
    CHECK(hvr_session_enable_protection(engine, seeded_state, protection, protect, options, &seeded) == HVR_CONFLICT);
    CHECK(strstr(hvr_last_error_message(), "adopt it instead") != NULL);
    CHECK(seeded == NULL);
    hvr_protect_options_destroy(protect);
  }

  /* Protection removed with its replicas while a session runs the VM: the session removes
   * it at its next hvr_session_run_due_work and then does nothing more; the host stopped
   * tracking, the state is gone. */
  {
    struct unprotect_call call;
    host_thread *asker = NULL;
    int removed = 1, rounds = 0;
    call.engine = engine;
    call.state = state;
    call.session_options = options;
    call.options = NULL;
    CHECK_OK(hvr_session_open(engine, state, options, 0, &session));
    CHECK_OK(hvr_session_get_removed(session, &removed));
    CHECK(removed == 0);
    CHECK_OK(hvr_unprotect_options_create(&call.options));
    CHECK_OK(hvr_unprotect_options_set_delete_replicas(call.options, 1));
    asker = host_thread_start(unprotect_in_thread, &call);
    while (!removed) {
      CHECK(++rounds < 600); /* a minute */
      CHECK_OK(hvr_session_run_due_work(session, NULL, &ran));
      CHECK_OK(hvr_session_get_removed(session, &removed));
      if (!removed) host_sleep_ms(100);
    }
    host_thread_join(asker);
    CHECK(call.status == HVR_OK);
    CHECK_OK(hvr_session_get_next_due(session, &has, &when));
    CHECK(has == 0);
    CHECK_OK(hvr_session_run_due_work(session, NULL, &ran)); /* nothing more to run, and no error */
    CHECK(ran == 0);
    hvr_session_close(session);
    CHECK(v.tracking_stopped == 1);
    CHECK(!host_exists(state));
    CHECK(hvr_session_unprotect(engine, state, call.options, options) == HVR_NOT_FOUND);
    hvr_unprotect_options_destroy(call.options);
  }
  hvr_session_options_destroy(options);
  hvr_protection_destroy(protection);
  hvr_engine_destroy(engine);
  hvr_engine_options_destroy(engine_options);
  hvr_host_destroy(host);
  hvr_hrl_tracker_destroy(v.tracker);
  hvr_disk_close(v.disk);
  host_remove_tree(work);
  printf("session from C: protected, replicated, changed, suspended, verified, tested, failed over, committed, "
         "failed back, removed\n");
  return 0;
}
