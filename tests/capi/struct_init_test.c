/* Growing structs from C (hvr.h, "Growing structs"): a struct started from its
 * HVR_<STRUCT>_INIT is filled, and one whose struct_size is under any version of it is
 * refused with HVR_INVALID_ARGUMENT naming the field and the INIT, writing nothing. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"

#define DISK (1u << 20)

static const uint8_t kGuid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* `call` on `var` with its struct_size set to `size` is refused, and `var` kept. */
#define EXPECT_SIZE_REFUSED(var, size, call)                                                   \
  do {                                                                                     \
    unsigned char kept_[sizeof(var)];                                                      \
    hvr_status s_;                                                                         \
    memset(&(var), 0xA5, sizeof(var));                                                     \
    (var).struct_size = (size);                                                            \
    memcpy(kept_, &(var), sizeof(var));                                                    \
    s_ = (call);                                                                           \
    if (s_ != HVR_INVALID_ARGUMENT || strstr(hvr_last_error_message(), "struct_size is") == NULL || \
        strstr(hvr_last_error_message(), "_INIT") == NULL) {                               \
      fprintf(stderr, "%s:%d: %s with struct_size %u returned %s: %s\n", __FILE__, __LINE__, #call, \
              (unsigned)(size), hvr_status_name(s_), hvr_last_error_message());              \
      exit(1);                                                                             \
    }                                                                                      \
    CHECK(memcmp(kept_, &(var), sizeof(var)) == 0);                                        \
  } while (0)

static char dir[260];

static void test_chunk_diff(void) {
  hvr_manifest *source = NULL, *target = NULL;
  hvr_diff *diff = NULL;
  hvr_manifest_info info = HVR_MANIFEST_INFO_INIT;
  hvr_diff_totals totals = HVR_DIFF_TOTALS_INIT;

  CHECK_OK(hvr_manifest_create_zeros(DISK, 0, &source));
  CHECK_OK(hvr_manifest_create_zeros(2 * DISK, 0, &target));
  CHECK_OK(hvr_manifest_get_info(source, &info));
  CHECK(info.struct_size == sizeof info && info.disk_size == DISK && info.chunk_count == 4);
  CHECK_OK(hvr_diff_manifests(source, target, NULL, &diff));
  CHECK_OK(hvr_diff_get_totals(diff, &totals));
  CHECK(totals.struct_size == sizeof totals && totals.target_size == 2 * DISK);
  CHECK(totals.past_source_end_bytes == DISK);

  EXPECT_SIZE_REFUSED(info, 0, hvr_manifest_get_info(source, &info));
  EXPECT_SIZE_REFUSED(info, sizeof(size_t) - 1, hvr_manifest_get_info(source, &info));
  EXPECT_SIZE_REFUSED(totals, 0, hvr_diff_get_totals(diff, &totals));

  hvr_diff_destroy(diff);
  hvr_manifest_destroy(source);
  hvr_manifest_destroy(target);
}

static void test_hrl(void) {
  hvr_hrl_tracker *tracker = NULL;
  hvr_hrl_reader *reader = NULL;
  char *closed = NULL;
  unsigned char data[512];
  hvr_hrl_header header = HVR_HRL_HEADER_INIT;
  hvr_hrl_entry entry = HVR_HRL_ENTRY_INIT;
  int has = 0;

  memset(data, 0x5A, sizeof data);
  CHECK_OK(hvr_hrl_tracker_create(dir, DISK, kGuid, NULL, &tracker));
  CHECK_OK(hvr_hrl_tracker_record(tracker, 4096, data, sizeof data));
  CHECK_OK(hvr_hrl_tracker_rotate(tracker, &closed));
  CHECK_OK(hvr_hrl_reader_open(closed, DISK, &reader));
  CHECK_OK(hvr_hrl_reader_get_header(reader, &header));
  CHECK(header.struct_size == sizeof header && header.has_vhd2_data_write_guid);
  CHECK(memcmp(header.vhd2_data_write_guid, kGuid, 16) == 0);
  CHECK_OK(hvr_hrl_read_header(closed, &header));
  CHECK(header.eol_location != 0);
  CHECK_OK(hvr_hrl_reader_next(reader, &entry, &has));
  CHECK(has && entry.struct_size == sizeof entry && entry.disk_offset == 4096 && entry.length == sizeof data);

  EXPECT_SIZE_REFUSED(header, 0, hvr_hrl_reader_get_header(reader, &header));
  EXPECT_SIZE_REFUSED(header, 0, hvr_hrl_read_header(closed, &header));

  hvr_hrl_reader_close(reader);
  hvr_string_free(closed);
  hvr_hrl_tracker_destroy(tracker);
}

static void test_disk_and_store(void) {
  char image[300], folder[300];
  hvr_disk *disk = NULL;
  hvr_store *store = NULL;
  hvr_disk_info disk_info = HVR_DISK_INFO_INIT;
  hvr_store_disk_info store_disk = HVR_STORE_DISK_INFO_INIT;
  hvr_store_statistics statistics = HVR_STORE_STATISTICS_INIT;
  hvr_transfer_stats transfer = HVR_TRANSFER_STATS_INIT;

  host_path(image, sizeof image, dir, "disk.raw");
  host_path(folder, sizeof folder, dir, "store");
  CHECK_OK(hvr_disk_create_raw(image, DISK));
  CHECK_OK(hvr_disk_open(image, NULL, &disk));
  CHECK_OK(hvr_disk_get_info(disk, &disk_info));
  CHECK(disk_info.struct_size == sizeof disk_info && disk_info.virtual_size == DISK);
  CHECK(disk_info.format == HVR_DISK_FORMAT_RAW);
  EXPECT_SIZE_REFUSED(disk_info, 0, hvr_disk_get_info(disk, &disk_info));
  /* A program built before the GUIDs' 16-byte forms were added gets the struct it knows,
   * and nothing written past it. */
  {
    hvr_disk_info old = HVR_DISK_INFO_INIT;
    memset(old.data_write_guid_raw, 0xAB, sizeof old.data_write_guid_raw);
    old.struct_size = offsetof(hvr_disk_info, data_write_guid_raw);
    CHECK_OK(hvr_disk_get_info(disk, &old));
    CHECK(old.virtual_size == DISK && old.data_write_guid[8] == '-');
    CHECK(old.data_write_guid_raw[0] == 0xAB && old.data_write_guid_raw[15] == 0xAB);
  }

  CHECK_OK(hvr_store_open(folder, NULL, &store));
  CHECK_OK(hvr_store_upload_open_disk(store, disk, "d", NULL, &transfer));
  CHECK(transfer.struct_size == sizeof transfer && transfer.virtual_size == DISK);
  CHECK_OK(hvr_store_get_disk(store, "d", &store_disk));
  CHECK(store_disk.struct_size == sizeof store_disk && store_disk.virtual_size == DISK);
  CHECK_OK(hvr_store_get_statistics(store, &statistics));
  CHECK(statistics.struct_size == sizeof statistics && statistics.max_in_flight > 0);
  EXPECT_SIZE_REFUSED(store_disk, 0, hvr_store_get_disk(store, "d", &store_disk));
  EXPECT_SIZE_REFUSED(statistics, 0, hvr_store_get_statistics(store, &statistics));

  hvr_store_close(store);
  hvr_disk_close(disk);
}

int main(void) {
  host_temp_dir(dir, sizeof dir, "init");

  test_chunk_diff();
  test_hrl();
  test_disk_and_store();

  host_remove_tree(dir);
  printf("capi growing structs: INITs accepted, short sizes refused\n");
  return 0;
}
