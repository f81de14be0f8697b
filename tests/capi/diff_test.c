/* Manifests and diffs from C: build, save, load, update, the three diffs (by path and
 * over open disk handles), callbacks, cancellation, growing structs and errors. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "host.h"

#define CHUNK 65536u
#define SIZE (4u * 1024u * 1024u + 100u) /* 65 chunks, the last one short */

static char dir[256];
static char source_path[128];
static char target_path[128];
static char manifest_path[128];

/* A pseudo-random image: every byte depends on its offset and the seed. */
static void write_image(const char *path, unsigned seed) {
  FILE *f = fopen(path, "wb");
  uint32_t x = seed * 2654435761u + 1u;
  size_t i;
  CHECK(f != NULL);
  for (i = 0; i < SIZE; ++i) {
    x = x * 1664525u + 1013904223u;
    CHECK(fputc((int)(x >> 24), f) != EOF);
  }
  CHECK(fclose(f) == 0);
}

/* Overwrites `length` bytes at `offset` with `value` (which differs from what was there
 * unless the image held that value throughout). */
static void fill(const char *path, long offset, size_t length, int value) {
  FILE *f = fopen(path, "r+b");
  size_t i;
  CHECK(f != NULL);
  CHECK(fseek(f, offset, SEEK_SET) == 0);
  for (i = 0; i < length; ++i) CHECK(fputc(value, f) != EOF);
  CHECK(fclose(f) == 0);
}

static hvr_diff_totals totals_of(const hvr_diff *diff) {
  hvr_diff_totals t;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  CHECK_OK(hvr_diff_get_totals(diff, &t));
  return t;
}

static void test_manifest_round_trip(void) {
  hvr_manifest *m = NULL;
  hvr_manifest *loaded = NULL;
  hvr_chunk_options *options = NULL;
  hvr_manifest_info info;

  CHECK_OK(hvr_chunk_options_create(&options));
  CHECK_OK(hvr_chunk_options_set_chunk_size(options, CHUNK));
  CHECK_OK(hvr_chunk_options_set_thread_count(options, 2));
  CHECK(hvr_chunk_options_set_thread_count(options, 257) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "threads must be 0 (one per core) to 256, not 257") != NULL);
  CHECK(hvr_chunk_options_set_thread_count(options, -1) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "threads must be 0 (one per core) to 256, not -1") != NULL);
  CHECK_OK(hvr_manifest_build(target_path, options, &m));
  CHECK_OK(hvr_manifest_save(m, manifest_path));
  CHECK_OK(hvr_manifest_load(manifest_path, &loaded));

  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(hvr_manifest_get_info(loaded, &info));
  CHECK(info.struct_size == sizeof info);
  CHECK(info.disk_size == SIZE);
  CHECK(info.chunk_size == CHUNK);
  CHECK(info.chunk_count == 65);
  CHECK(info.zero_chunks == 0);
  CHECK(info.unknown_chunks == 0);

  /* A caller built against an older, shorter struct gets only the fields it has. */
  memset(&info, 0xee, sizeof info);
  info.struct_size = offsetof(hvr_manifest_info, chunk_size);
  CHECK_OK(hvr_manifest_get_info(loaded, &info));
  CHECK(info.disk_size == SIZE);
  CHECK(info.chunk_size == 0xeeeeeeeeu);
  info.struct_size = 0;
  CHECK(hvr_manifest_get_info(loaded, &info) == HVR_INVALID_ARGUMENT);

  hvr_manifest_destroy(loaded);
  hvr_manifest_destroy(m);
  hvr_chunk_options_destroy(options);
}

static int progress_calls;
static uint64_t progress_done;
static void on_progress(void *user_data, uint64_t done, uint64_t total) {
  CHECK(user_data == &progress_calls);
  CHECK(total == SIZE);
  CHECK(done > progress_done);
  progress_done = done;
  ++progress_calls;
}

static void test_diffs_agree(void) {
  hvr_manifest *target = NULL;
  hvr_manifest *source = NULL;
  hvr_diff *by_disks = NULL;
  hvr_diff *by_manifest = NULL;
  hvr_diff *by_manifests = NULL;
  hvr_chunk_options *options = NULL;
  const hvr_diff_run *runs = NULL;
  size_t count = 0;
  hvr_diff_totals t;
  char *json = NULL;

  CHECK_OK(hvr_manifest_load(manifest_path, &target));
  CHECK_OK(hvr_chunk_options_create(&options));
  CHECK_OK(hvr_chunk_options_set_chunk_size(options, CHUNK));
  CHECK_OK(hvr_chunk_options_set_progress(options, on_progress, &progress_calls));
  CHECK_OK(hvr_manifest_build(source_path, options, &source));
  CHECK(progress_calls > 0 && progress_done == SIZE);
  CHECK_OK(hvr_chunk_options_set_progress(options, NULL, NULL));

  CHECK_OK(hvr_diff_disks(source_path, target_path, options, &by_disks));
  CHECK_OK(hvr_chunk_options_set_chunk_size(options, 0)); /* the manifest's */
  CHECK_OK(hvr_diff_disk_manifest(source_path, target, options, &by_manifest));
  CHECK_OK(hvr_diff_manifests(source, target, NULL, &by_manifests));

  /* The source has data changed in chunk 1 and chunk 64 (the short one), and chunk 3
   * zeroed whole. */
  CHECK_OK(hvr_diff_get_runs(by_disks, &runs, &count));
  CHECK(count == 3);
  CHECK(runs[0].offset == CHUNK && runs[0].length == CHUNK && runs[0].kind == HVR_DIFF_DATA);
  CHECK(runs[1].offset == 3 * CHUNK && runs[1].length == CHUNK && runs[1].kind == HVR_DIFF_ZERO);
  CHECK(runs[2].offset == 64u * CHUNK && runs[2].length == 100 && runs[2].kind == HVR_DIFF_DATA);
  t = totals_of(by_disks);
  CHECK(t.chunk_size == CHUNK && t.source_size == SIZE && t.target_size == SIZE);
  CHECK(t.chunks == 65 && t.differing_chunks == 3 && t.runs == 3);
  CHECK(t.data_bytes == CHUNK + 100 && t.zero_bytes == CHUNK && t.past_source_end_bytes == 0);

  {
    const hvr_diff *others[2];
    int i;
    others[0] = by_manifest;
    others[1] = by_manifests;
    for (i = 0; i < 2; ++i) {
      const hvr_diff_run *other = NULL;
      size_t other_count = 0;
      CHECK_OK(hvr_diff_get_runs(others[i], &other, &other_count));
      size_t r;
      CHECK(other_count == count);
      for (r = 0; r < count; ++r) {
        CHECK(other[r].offset == runs[r].offset && other[r].length == runs[r].length &&
              other[r].kind == runs[r].kind);
      }
    }
  }

  CHECK_OK(hvr_diff_get_json(by_disks, &json));
  CHECK(strstr(json, "\"differing_chunks\":3") != NULL);
  CHECK(strstr(json, "{\"offset\":196608,\"length\":65536,\"kind\":\"zero\"}") != NULL);
  hvr_string_free(json);

  hvr_diff_destroy(by_manifests);
  hvr_diff_destroy(by_manifest);
  hvr_diff_destroy(by_disks);
  hvr_manifest_destroy(source);
  hvr_manifest_destroy(target);
  hvr_chunk_options_destroy(options);
}

static hvr_diff_run streamed[8];
static int streamed_count;
static hvr_status on_run(void *user_data, const hvr_diff_run *run) {
  (void)user_data;
  if (streamed_count == 8) return HVR_INTERNAL;
  streamed[streamed_count++] = *run;
  return *(int *)user_data && streamed_count == 2 ? HVR_NETWORK : HVR_OK;
}

static void test_run_callback(void) {
  hvr_chunk_options *options = NULL;
  hvr_diff *diff = NULL;
  const hvr_diff_run *runs = NULL;
  size_t count = 99;
  int fail = 0;

  CHECK_OK(hvr_chunk_options_create(&options));
  CHECK_OK(hvr_chunk_options_set_chunk_size(options, CHUNK));
  CHECK_OK(hvr_chunk_options_set_run_callback(options, on_run, &fail));
  CHECK_OK(hvr_diff_disks(source_path, target_path, options, &diff));
  CHECK(streamed_count == 3);
  CHECK(streamed[1].kind == HVR_DIFF_ZERO);
  CHECK_OK(hvr_diff_get_runs(diff, &runs, &count));
  CHECK(count == 0); /* the callback took them */
  CHECK(totals_of(diff).runs == 3);
  hvr_diff_destroy(diff);

  fail = 1;
  streamed_count = 0;
  diff = NULL;
  CHECK(hvr_diff_disks(source_path, target_path, options, &diff) == HVR_NETWORK);
  CHECK(diff == NULL);
  CHECK(strstr(hvr_last_error_message(), "run callback") != NULL);
  hvr_chunk_options_destroy(options);
}

static void test_update_and_invalidate(void) {
  hvr_manifest *replica = NULL;
  hvr_manifest *fresh = NULL;
  hvr_diff *diff = NULL;
  hvr_changed_range written;
  hvr_manifest_info info;

  /* The replica (target) receives the source's changes; its manifest follows. */
  CHECK_OK(hvr_manifest_load(manifest_path, &replica));
  fill(target_path, (long)CHUNK + 10, 5, 0x41);
  written.offset = CHUNK + 10;
  written.length = 5;
  CHECK_OK(hvr_manifest_update(replica, target_path, &written, 1, NULL));
  CHECK_OK(hvr_manifest_build(target_path, NULL, &fresh));
  CHECK_OK(hvr_manifest_invalidate(replica, 0, 1));
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(hvr_manifest_get_info(replica, &info));
  CHECK(info.unknown_chunks == 1);
  CHECK(hvr_manifest_invalidate(replica, SIZE, 1) == HVR_INVALID_ARGUMENT);

  CHECK_OK(hvr_diff_manifests(replica, replica, NULL, &diff));
  CHECK(totals_of(diff).differing_chunks == 1); /* unknown never equals anything */
  hvr_diff_destroy(diff);
  /* Different chunk sizes (64 KiB and the 256 KiB default) cannot be compared. */
  CHECK(hvr_diff_manifests(replica, fresh, NULL, &diff) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "different chunk sizes") != NULL);
  hvr_manifest_destroy(fresh);
  hvr_manifest_destroy(replica);
}

static void test_cancel_and_errors(void) {
  hvr_chunk_options *options = NULL;
  hvr_cancel_token *token = NULL;
  hvr_manifest *m = NULL;
  FILE *f;

  CHECK_OK(hvr_chunk_options_create(&options));
  CHECK_OK(hvr_cancel_token_create(&token));
  CHECK_OK(hvr_chunk_options_set_cancel_token(options, token));
  hvr_cancel_token_cancel(token);
  CHECK(hvr_manifest_build(source_path, options, &m) == HVR_CANCELLED);
  CHECK(m == NULL);
  CHECK(hvr_chunk_options_set_chunk_size(options, 1000) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_manifest_build(NULL, NULL, &m) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_manifest_build("/nonexistent/disk.raw", NULL, &m) == HVR_NOT_FOUND);
  CHECK(hvr_manifest_create_zeros(SIZE, 3, &m) == HVR_INVALID_ARGUMENT);

  /* A manifest cut short is corrupt, and the message says so. */
  f = fopen(manifest_path, "r+b");
  CHECK(f != NULL);
  CHECK(ftruncate(fileno(f), 100) == 0);
  CHECK(fclose(f) == 0);
  CHECK(hvr_manifest_load(manifest_path, &m) == HVR_CORRUPT_DATA);
  CHECK(strstr(hvr_last_error_message(), "truncated") != NULL);

  hvr_cancel_token_destroy(token);
  hvr_chunk_options_destroy(options);
  hvr_chunk_options_destroy(NULL);
  hvr_manifest_destroy(NULL);
  hvr_diff_destroy(NULL);
}

static uint64_t differing(const hvr_manifest *a, const hvr_manifest *b) {
  hvr_diff *diff = NULL;
  uint64_t n;
  CHECK_OK(hvr_diff_manifests(a, b, NULL, &diff));
  n = totals_of(diff).differing_chunks;
  hvr_diff_destroy(diff);
  return n;
}

/* The hvr_disk_* variants over open handles give what the path variants give, and a
 * writable handle's manifest follows its writes without a reopen. */
static void test_disk_handles(void) {
  hvr_disk *source = NULL;
  hvr_disk *target = NULL;
  hvr_disk *replica = NULL;
  hvr_manifest *by_path = NULL;
  hvr_manifest *by_handle = NULL;
  hvr_manifest *zeros = NULL;
  hvr_manifest *fresh = NULL;
  hvr_diff *a = NULL;
  hvr_diff *b = NULL;
  hvr_chunk_options *options = NULL;
  hvr_manifest_info info;
  hvr_changed_range written;
  char replica_path[160];
  char *json_a = NULL;
  char *json_b = NULL;
  unsigned char data[100];

  CHECK_OK(hvr_chunk_options_create(&options));
  CHECK_OK(hvr_chunk_options_set_chunk_size(options, CHUNK));
  CHECK_OK(hvr_disk_open(source_path, NULL, &source));
  CHECK_OK(hvr_disk_open(target_path, NULL, &target));

  CHECK_OK(hvr_manifest_build(source_path, options, &by_path));
  CHECK_OK(hvr_disk_build_manifest(source, options, &by_handle));
  CHECK(differing(by_handle, by_path) == 0);

  CHECK_OK(hvr_diff_disks(source_path, target_path, options, &a));
  CHECK_OK(hvr_disk_diff(source, target, options, &b));
  CHECK_OK(hvr_diff_get_json(a, &json_a));
  CHECK_OK(hvr_diff_get_json(b, &json_b));
  CHECK(strcmp(json_a, json_b) == 0);
  hvr_string_free(json_b);
  hvr_diff_destroy(b);
  CHECK_OK(hvr_disk_diff_manifest(source, by_path, NULL, &b));
  CHECK(totals_of(b).differing_chunks == 0);
  hvr_diff_destroy(b);
  hvr_string_free(json_a);
  hvr_diff_destroy(a);

  /* A new replica: its manifest starts as zeros (the default chunk size when 0), and
   * follows writes made through the same writable handle. */
  host_path(replica_path, sizeof replica_path, dir, "replica.raw");
  CHECK_OK(hvr_disk_create_raw(replica_path, SIZE));
  CHECK_OK(hvr_manifest_create_zeros(SIZE, 0, &zeros));
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(hvr_manifest_get_info(zeros, &info));
  CHECK(info.chunk_size == 256u * 1024u && info.zero_chunks == info.chunk_count);
  CHECK_OK(hvr_disk_open_writable(replica_path, NULL, &replica));
  memset(data, 0x77, sizeof data);
  CHECK_OK(hvr_disk_write(replica, 300000, data, sizeof data));
  written.offset = 300000;
  written.length = sizeof data;
  CHECK_OK(hvr_disk_update_manifest(replica, zeros, &written, 1, NULL));
  CHECK_OK(hvr_disk_build_manifest(replica, NULL, &fresh));
  CHECK(differing(zeros, fresh) == 0);
  CHECK_OK(hvr_manifest_get_info(zeros, &info));
  CHECK(info.zero_chunks == info.chunk_count - 1);
  CHECK(hvr_disk_update_manifest(replica, zeros, NULL, 1, NULL) == HVR_INVALID_ARGUMENT);
  hvr_disk_close(replica);
  remove(replica_path);

  hvr_manifest_destroy(fresh);
  hvr_manifest_destroy(zeros);
  hvr_manifest_destroy(by_handle);
  hvr_manifest_destroy(by_path);
  hvr_disk_close(target);
  hvr_disk_close(source);
  hvr_chunk_options_destroy(options);
}

int main(void) {
  host_temp_dir(dir, sizeof dir, "diff");
  host_path(source_path, sizeof source_path, dir, "source.raw");
  host_path(target_path, sizeof target_path, dir, "target.raw");
  host_path(manifest_path, sizeof manifest_path, dir, "target.hvrm");
  write_image(target_path, 1);
  write_image(source_path, 1);
  fill(source_path, (long)CHUNK + 7, 3, 0x5a);
  fill(source_path, 3L * CHUNK, CHUNK, 0);
  fill(source_path, (long)SIZE - 1, 1, 0x00);

  test_manifest_round_trip();
  test_diffs_agree();
  test_disk_handles();
  test_run_callback();
  test_update_and_invalidate();
  test_cancel_and_errors();

  host_remove_tree(dir);
  printf("capi diff: ok\n");
  return 0;
}
