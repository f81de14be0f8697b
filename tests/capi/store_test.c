/* Replica stores from C, on a local folder: upload an image, list, take and list
 * recovery points, download, the errors an embedder meets, progress and cancellation. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char work[] = "/tmp/hvr-capi-store-XXXXXX";

static void path(char *out, size_t size, const char *leaf) {
  snprintf(out, size, "%s/%s", work, leaf);
}

/* A 3 MiB image: 64 KiB of a pattern at 1 MiB, a hole elsewhere. */
static void make_image(const char *file) {
  FILE *f = fopen(file, "wb");
  int i;
  CHECK(f != NULL);
  CHECK(fseek(f, 1 << 20, SEEK_SET) == 0);
  for (i = 0; i < 65536; ++i) CHECK(fputc((i * 7 + 3) & 0xff, f) != EOF);
  CHECK(fseek(f, 3 * (1 << 20) - 1, SEEK_SET) == 0);
  CHECK(fputc(0, f) != EOF);
  CHECK(fclose(f) == 0);
}

static int same_prefix(const char *a, const char *b, long length) {
  FILE *fa = fopen(a, "rb");
  FILE *fb = fopen(b, "rb");
  long i;
  int same = fa != NULL && fb != NULL;
  for (i = 0; same && i < length; ++i) same = fgetc(fa) == fgetc(fb);
  if (fa) fclose(fa);
  if (fb) fclose(fb);
  return same;
}

struct progress {
  uint64_t last_done;
  uint64_t total;
  int calls;
};

static void on_progress(void *user_data, uint64_t done, uint64_t total) {
  struct progress *p = (struct progress *)user_data;
  CHECK(done >= p->last_done);
  p->last_done = done;
  p->total = total;
  ++p->calls;
}

int main(void) {
  char image[512], store_dir[512], vhd[512], raw[512];
  hvr_store_options *options = NULL;
  hvr_store *store = NULL;
  hvr_transfer_stats stats;
  struct progress progress = {0, 0, 0};
  hvr_cancel_token *cancel = NULL;
  char *json = NULL;
  char *id = NULL;

  CHECK(mkdtemp(work) != NULL);
  path(image, sizeof image, "image.raw");
  path(store_dir, sizeof store_dir, "store");
  path(vhd, sizeof vhd, "out.vhd");
  path(raw, sizeof raw, "out.raw");
  make_image(image);

  CHECK_OK(hvr_store_options_create(&options));
  CHECK_OK(hvr_store_options_set_max_in_flight(options, 4));
  CHECK(hvr_store_options_set_max_in_flight(options, 0) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_store_options_set_encryption_key(options, (const uint8_t *)"short", 5) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_store_options_set_bandwidth(options, 0, 0, 17 * 60, 9 * 60, 0x3e) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_store_options_set_bandwidth(options, 0, 0, 9 * 60, 17 * 60, 0x3e));
  CHECK(hvr_store_open(NULL, options, &store) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "target is NULL") != NULL);
  CHECK(hvr_store_open("UseDevelopmentStorage=true", options, &store) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "Container") != NULL);
  CHECK_OK(hvr_store_open(store_dir, options, &store));
  hvr_store_options_destroy(options); /* the store keeps its own copy */

  memset(&stats, 0, sizeof stats);
  stats.struct_size = sizeof stats;
  CHECK_OK(hvr_store_upload(store, image, "disk0", on_progress, &progress, NULL, &stats));
  CHECK(stats.virtual_size == 3u << 20);
  CHECK(stats.bytes_sent == 65536);
  CHECK(stats.bytes_sent + stats.bytes_skipped == stats.virtual_size);
  CHECK(progress.calls > 0 && progress.last_done == progress.total && progress.total == stats.virtual_size);
  CHECK(hvr_store_upload(store, image, "disk0", NULL, NULL, NULL, NULL) == HVR_CONFLICT);
  CHECK(strstr(hvr_last_error_message(), "already exists") != NULL);

  CHECK_OK(hvr_store_list_json(store, &json));
  CHECK(strstr(json, "\"name\":\"disk0\"") != NULL);
  CHECK(strstr(json, "\"virtual_size\":3145728") != NULL);
  hvr_string_free(json);

  CHECK_OK(hvr_store_create_recovery_point(store, "disk0", 1, &id));
  CHECK_OK(hvr_store_list_recovery_points_json(store, "disk0", &json));
  CHECK(strstr(json, id) != NULL);
  CHECK(strstr(json, "\"app_consistent\":true") != NULL);
  hvr_string_free(json);

  CHECK_OK(hvr_store_download(store, "disk0", id, vhd, 1, NULL, NULL, NULL, NULL));
  CHECK_OK(hvr_store_download(store, "disk0", NULL, raw, 0, NULL, NULL, NULL, NULL));
  CHECK(same_prefix(image, raw, 3L << 20));
  CHECK(same_prefix(image, vhd, 3L << 20));
  CHECK(hvr_store_download(store, "disk0", NULL, raw, 0, NULL, NULL, NULL, NULL) == HVR_CONFLICT);
  CHECK_OK(hvr_store_delete_recovery_point(store, "disk0", id));
  CHECK(hvr_store_delete_recovery_point(store, "disk0", id) == HVR_NOT_FOUND);
  hvr_string_free(id);

  /* A cancelled token stops an upload before it sends anything. */
  CHECK_OK(hvr_cancel_token_create(&cancel));
  hvr_cancel_token_cancel(cancel);
  CHECK(hvr_store_upload(store, image, "disk1", NULL, NULL, cancel, NULL) == HVR_CANCELLED);
  hvr_cancel_token_destroy(cancel);

  CHECK_OK(hvr_store_delete_disk(store, "disk0"));
  CHECK(hvr_store_delete_disk(store, "disk0") == HVR_NOT_FOUND);
  CHECK(hvr_status_class(HVR_NOT_FOUND) == HVR_CLASS_NON_RECOVERABLE);
  hvr_store_close(store);
  hvr_store_close(NULL);

  {
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", work);
    CHECK(system(command) == 0);
  }
  printf("capi store: ok\n");
  return 0;
}
