/* Virtual disks from C: create, write, read back, chain, convert, merge, and errors. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"

#define MIB ((uint64_t)1 << 20)

static char dir[256];

static const char *path_in_dir(const char *name, char *out) {
  host_path(out, 512, dir, name);
  return out;
}

static void fill(unsigned char *buf, size_t n, unsigned seed) {
  size_t i;
  for (i = 0; i < n; ++i) buf[i] = (unsigned char)((i * 31 + seed) | 1);
}

static uint64_t progress_calls;
static void on_progress(void *user_data, uint64_t done, uint64_t total) {
  (void)done;
  (void)total;
  *(uint64_t *)user_data += 1;
}

static void test_create_write_read(void) {
  char path[512], other[512];
  hvr_disk *disk = NULL;
  hvr_disk_info info, after;
  hvr_disk_create_options *options = NULL;
  hvr_disk_range *ranges = NULL;
  size_t count = 0;
  unsigned char data[8192], back[8192];

  CHECK_OK(hvr_disk_create_options_create(&options));
  CHECK_OK(hvr_disk_create_options_set_block_size(options, 1u << 20));
  CHECK_OK(hvr_disk_create_vhdx(path_in_dir("d.vhdx", path), 16 * MIB, HVR_DISK_TYPE_DYNAMIC, options));
  CHECK(hvr_disk_create_vhdx(path, 16 * MIB, HVR_DISK_TYPE_DYNAMIC, options) == HVR_CONFLICT);
  CHECK(hvr_disk_create_vhdx(path_in_dir("x.vhdx", other), 16 * MIB, HVR_DISK_TYPE_DIFFERENCING, NULL) ==
        HVR_INVALID_ARGUMENT);
  hvr_disk_create_options_destroy(options);

  CHECK_OK(hvr_disk_open_writable(path, NULL, &disk));
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(hvr_disk_get_info(disk, &info));
  CHECK(info.format == HVR_DISK_FORMAT_VHDX);
  CHECK(info.type == HVR_DISK_TYPE_DYNAMIC);
  CHECK(info.virtual_size == 16 * MIB);
  CHECK(info.block_size == 1u << 20);
  CHECK(strcmp(info.path, path) == 0);
  CHECK(info.parent_path == NULL);
  fill(data, sizeof data, 7);
  CHECK_OK(hvr_disk_write(disk, 3 * MIB + 100, data, sizeof data));
  CHECK_OK(hvr_disk_flush(disk));
  after.struct_size = sizeof after;
  CHECK_OK(hvr_disk_get_info(disk, &after));
  CHECK(strcmp(after.data_write_guid, info.data_write_guid) != 0); /* the first write changed it */
  CHECK(memcmp(after.data_write_guid_raw, info.data_write_guid_raw, 16) != 0);
  CHECK(hvr_disk_write(disk, 16 * MIB - 10, data, 100) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "beyond the virtual size") != NULL);
  hvr_disk_close(disk);

  CHECK_OK(hvr_disk_open(path, NULL, &disk));
  CHECK_OK(hvr_disk_read(disk, 3 * MIB + 100, back, sizeof back));
  CHECK(memcmp(back, data, sizeof data) == 0);
  CHECK(hvr_disk_write(disk, 0, data, 512) == HVR_INVALID_ARGUMENT); /* read-only */
  CHECK_OK(hvr_disk_get_allocated_ranges(disk, &ranges, &count));
  CHECK(count == 1 && ranges[0].offset == 3 * MIB && ranges[0].length == MIB);
  hvr_disk_ranges_free(ranges);
  hvr_disk_close(disk);
  hvr_disk_close(NULL);
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
/* The conversion with its token as an argument, as programs built before the options had one call it. */
static hvr_status deprecated_convert(const hvr_disk *disk, const char *path, const hvr_convert_options *options,
                                     hvr_cancel_token *cancel) {
  return hvr_disk_convert(disk, path, HVR_CONVERT_RAW, options, cancel, NULL, NULL);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void test_chain_convert_merge(void) {
  char parent[512], child[512], raw[512], vhd[512];
  uint8_t guid[16];
  hvr_merge_options *merge = NULL;
  hvr_disk *disk = NULL;
  hvr_disk_info info;
  hvr_convert_options *convert = NULL;
  hvr_disk_open_options *open = NULL;
  unsigned char data[4096], back[4096];
  uint64_t calls = 0;

  CHECK_OK(hvr_disk_create_vhdx(path_in_dir("p.vhdx", parent), 8 * MIB, HVR_DISK_TYPE_DYNAMIC, NULL));
  CHECK_OK(hvr_disk_open_writable(parent, NULL, &disk));
  fill(data, sizeof data, 1);
  CHECK_OK(hvr_disk_write(disk, 0, data, sizeof data));
  hvr_disk_close(disk);
  CHECK_OK(hvr_disk_create_differencing(path_in_dir("c.avhdx", child), parent, NULL));
  CHECK_OK(hvr_disk_open_writable(child, NULL, &disk));
  fill(data, sizeof data, 2);
  CHECK_OK(hvr_disk_write(disk, 2048, data, sizeof data));
  CHECK_OK(hvr_disk_write_zeros(disk, 6 * MIB, 4096));
  hvr_disk_close(disk);

  CHECK_OK(hvr_disk_open_options_create(&open));
  CHECK_OK(hvr_disk_open_options_set_max_chain_depth(open, 2));
  /* Ranges are the options' own, with their words; a refused value leaves the option. */
  CHECK(hvr_disk_open_options_set_max_chain_depth(open, 1025) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "max_chain_depth must be 1 to 1024, not 1025") != NULL);
  CHECK(hvr_disk_open_options_set_max_chain_depth(open, 0) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_disk_open(child, open, &disk));
  info.struct_size = sizeof info;
  CHECK_OK(hvr_disk_get_info(disk, &info));
  CHECK(info.type == HVR_DISK_TYPE_DIFFERENCING);
  CHECK(info.parent_path != NULL && strcmp(info.parent_path, parent) == 0);

  CHECK_OK(hvr_convert_options_create(&convert));
  CHECK_OK(hvr_convert_options_set_threads(convert, 2));
  CHECK(hvr_convert_options_set_threads(convert, 257) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "threads must be 0 (one per core) to 256, not 257") != NULL);
  CHECK(hvr_convert_options_set_threads(convert, -1) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_convert_options_set_progress(convert, on_progress, &calls));
  CHECK_OK(hvr_disk_convert_to(disk, path_in_dir("c.raw", raw), HVR_CONVERT_RAW, convert));
  CHECK(calls > 0);
  CHECK(hvr_disk_convert_to(disk, raw, HVR_CONVERT_RAW, convert) == HVR_CONFLICT);
  CHECK_OK(hvr_disk_convert_to(disk, path_in_dir("c.vhd", vhd), HVR_CONVERT_VHD_FIXED, NULL));
  /* A cancelled token on the options stops it, and the deprecated call's token argument too. */
  {
    char cancelled[512];
    hvr_cancel_token *cancel = NULL;
    CHECK_OK(hvr_cancel_token_create(&cancel));
    hvr_cancel_token_cancel(cancel);
    CHECK_OK(hvr_convert_options_set_overwrite(convert, 1));
    CHECK_OK(hvr_convert_options_set_cancel_token(convert, cancel));
    path_in_dir("cancelled.raw", cancelled);
    CHECK(hvr_disk_convert_to(disk, cancelled, HVR_CONVERT_RAW, convert) == HVR_CANCELLED);
    CHECK_OK(hvr_convert_options_set_cancel_token(convert, NULL));
    CHECK(deprecated_convert(disk, cancelled, convert, cancel) == HVR_CANCELLED);
    hvr_cancel_token_destroy(cancel);
  }
  hvr_convert_options_destroy(convert);
  hvr_disk_close(disk);
  CHECK_OK(hvr_disk_open_options_set_max_chain_depth(open, 1));
  CHECK(hvr_disk_open(child, open, &disk) == HVR_BROKEN_CHAIN);
  hvr_disk_open_options_destroy(open);

  CHECK_OK(hvr_disk_open(raw, NULL, &disk));
  CHECK_OK(hvr_disk_read(disk, 2048, back, sizeof back));
  CHECK(memcmp(back, data, sizeof data) == 0);
  hvr_disk_close(disk);

  progress_calls = 0;
  CHECK_OK(hvr_merge_options_create(&merge));
  CHECK_OK(hvr_merge_options_set_progress(merge, on_progress, &progress_calls));
  CHECK_OK(hvr_disk_merge_child(child, merge, guid));
  hvr_merge_options_destroy(merge);
  CHECK(progress_calls > 0);
  CHECK(!host_exists(child));
  CHECK_OK(hvr_disk_open(parent, NULL, &disk));
  CHECK_OK(hvr_disk_get_info(disk, &info));
  CHECK(memcmp(info.data_write_guid_raw, guid, sizeof guid) == 0);
  CHECK_OK(hvr_disk_read(disk, 2048, back, sizeof back));
  CHECK(memcmp(back, data, sizeof data) == 0);
  hvr_disk_close(disk);
}

/* The deprecated hvr_disk_merge and hvr_disk_merge_into_parent still merge, and give the
 * GUID as text: the first into the caller's 37 bytes, the second as a string to free. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static void test_deprecated_merge(void) {
  char parent[512], child[512], guid[37];
  char *text = NULL;
  unsigned char data[4096];
  hvr_disk *disk = NULL;
  hvr_disk_info info = HVR_DISK_INFO_INIT;

  CHECK_OK(hvr_disk_create_vhdx(path_in_dir("old-p.vhdx", parent), 4 * MIB, HVR_DISK_TYPE_DYNAMIC, NULL));
  CHECK_OK(hvr_disk_create_differencing(path_in_dir("old-c.avhdx", child), parent, NULL));
  CHECK_OK(hvr_disk_open_writable(child, NULL, &disk));
  fill(data, sizeof data, 3);
  CHECK_OK(hvr_disk_write(disk, 0, data, sizeof data));
  hvr_disk_close(disk);
  CHECK_OK(hvr_disk_merge(child, 1, NULL, NULL, NULL, guid));
  CHECK(host_exists(child)); /* kept, as asked */
  CHECK_OK(hvr_disk_open(parent, NULL, &disk));
  CHECK_OK(hvr_disk_get_info(disk, &info));
  CHECK(strcmp(info.data_write_guid, guid) == 0);
  hvr_disk_close(disk);
  CHECK_OK(hvr_disk_merge_into_parent(child, NULL, &text));
  CHECK(!host_exists(child));
  CHECK_OK(hvr_disk_open(parent, NULL, &disk));
  CHECK_OK(hvr_disk_get_info(disk, &info));
  CHECK(strcmp(info.data_write_guid, text) == 0);
  hvr_string_free(text);
  hvr_disk_close(disk);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static void test_detect_format(void) {
  char path[512];
  hvr_disk_format format = HVR_DISK_FORMAT_MAX_ENUM_;
  CHECK_OK(hvr_disk_create_vhdx(path_in_dir("f.vhdx", path), 4 * MIB, HVR_DISK_TYPE_DYNAMIC, NULL));
  CHECK_OK(hvr_disk_detect_format(path, &format));
  CHECK(format == HVR_DISK_FORMAT_VHDX);
  CHECK_OK(hvr_disk_create_vhd_fixed(path_in_dir("f.vhd", path), 4 * MIB));
  CHECK_OK(hvr_disk_detect_format(path, &format));
  CHECK(format == HVR_DISK_FORMAT_VHD);
  CHECK_OK(hvr_disk_create_raw(path_in_dir("f.raw", path), 4 * MIB));
  CHECK_OK(hvr_disk_detect_format(path, &format));
  CHECK(format == HVR_DISK_FORMAT_RAW);
  format = HVR_DISK_FORMAT_MAX_ENUM_;
  CHECK(hvr_disk_detect_format(path_in_dir("none.vhdx", path), &format) == HVR_NOT_FOUND);
  CHECK(format == HVR_DISK_FORMAT_MAX_ENUM_); /* untouched on failure */
}

/* The name says the format; a name that says nothing needs a signature or the caller's
 * choice, and a chosen format must be what the file is. */
static void test_format_choice(void) {
  char raw[512], plain[512];
  hvr_disk *disk = NULL;
  hvr_disk_open_options *open = NULL;
  hvr_disk_info info;
  hvr_disk_format format = HVR_DISK_FORMAT_MAX_ENUM_;
  CHECK_OK(hvr_disk_create_raw(path_in_dir("choice.raw", raw), MIB));
  CHECK(rename(raw, path_in_dir("choice.data", plain)) == 0);
  CHECK(hvr_disk_open(plain, NULL, &disk) == HVR_INVALID_ARGUMENT);
  CHECK(strstr(hvr_last_error_message(), "name a raw image .raw, .img or .bin") != NULL);
  CHECK(hvr_disk_detect_format(plain, &format) == HVR_INVALID_ARGUMENT);
  CHECK(format == HVR_DISK_FORMAT_MAX_ENUM_);

  CHECK_OK(hvr_disk_open_options_create(&open));
  CHECK(hvr_disk_open_options_set_format(open, (hvr_disk_format)7) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_disk_open_options_set_format(open, HVR_DISK_FORMAT_RAW));
  CHECK_OK(hvr_disk_open(plain, open, &disk));
  info.struct_size = sizeof info;
  CHECK_OK(hvr_disk_get_info(disk, &info));
  CHECK(info.format == HVR_DISK_FORMAT_RAW && info.virtual_size == MIB);
  hvr_disk_close(disk);
  CHECK_OK(hvr_disk_open_options_set_format(open, HVR_DISK_FORMAT_VHDX));
  CHECK(hvr_disk_open(plain, open, &disk) == HVR_CORRUPT_DATA);
  CHECK(strstr(hvr_last_error_message(), "file type identifier at offset 0") != NULL);
  hvr_disk_open_options_destroy(open);
}

static void test_errors(void) {
  char path[512];
  hvr_disk *disk = NULL;
  CHECK(hvr_disk_open(path_in_dir("missing.vhdx", path), NULL, &disk) == HVR_NOT_FOUND);
  CHECK(strstr(hvr_last_error_message(), "missing.vhdx") != NULL);
  CHECK(hvr_disk_open(NULL, NULL, &disk) == HVR_INVALID_ARGUMENT);
  CHECK(hvr_disk_create_vhd_fixed(path_in_dir("odd.vhd", path), MIB + 512) == HVR_INVALID_ARGUMENT);
  CHECK_OK(hvr_disk_create_raw(path_in_dir("r.raw", path), MIB));
  CHECK(hvr_disk_merge_child(path, NULL, NULL) == HVR_INVALID_ARGUMENT);
}

int main(void) {
  host_temp_dir(dir, sizeof dir, "disk");
  test_create_write_read();
  test_chain_convert_merge();
  test_deprecated_merge();
  test_detect_format();
  test_format_choice();
  test_errors();
  host_remove_tree(dir);
  printf("capi disk: ok\n");
  return 0;
}
