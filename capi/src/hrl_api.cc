// The C ABI of the HRL component: reader, change tracker, closed-log listing and the
// extent map, each a thin layer over the C++ API.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "capi_internal.hpp"
#include "hvr/change_tracker.hpp"
#include "hvr/extent_map.hpp"
#include "hvr/hrl.hpp"
#include "hvr/hrl_coalesce.hpp"

struct hvr_hrl_reader {
  hvr::HrlReader reader;
};
struct hvr_hrl_tracker_options {
  hvr::ChangeTrackerOptions options;
};
struct hvr_hrl_tracker {
  std::unique_ptr<hvr::ChangeTracker> tracker;
};
struct hvr_hrl_log_list {
  std::vector<std::string> paths;
};
struct hvr_extent_map {
  hvr::ExtentMap map;
};
struct hvr_extent_map_options {
  hvr::capi::ProgressAndCancel controls;
};

namespace {

using hvr::capi::CopyString;
using hvr::capi::CopyOut;
using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

int64_t UnixSeconds(uint32_t hrl_time) {
  return std::chrono::duration_cast<std::chrono::seconds>(hvr::FromHrlTime(hrl_time).time_since_epoch())
      .count();
}

hvr::Guid GuidFrom(const uint8_t* bytes) {
  hvr::Guid guid;
  std::memcpy(guid.bytes.data(), bytes, guid.bytes.size());
  return guid;
}

hvr_status CopyHeader(const hvr::HrlHeader& h, hvr_hrl_header* out, const char* function) {
  hvr_hrl_header c{};
  c.format_version = h.format_version;
  c.created = UnixSeconds(h.timestamp);
  c.last_modified = UnixSeconds(h.last_modified_timestamp);
  std::memcpy(c.unique_id, h.unique_id.bytes.data(), 16);
  std::memcpy(c.previous_unique_id, h.previous_unique_id.bytes.data(), 16);
  c.has_vhd2_data_write_guid = h.vhd2_data_write_guid.has_value() ? 1 : 0;
  if (h.vhd2_data_write_guid) std::memcpy(c.vhd2_data_write_guid, h.vhd2_data_write_guid->bytes.data(), 16);
  c.eol_location = h.eol_location;
  c.original_size = h.original_size;
  c.current_size = h.current_size;
  c.metadata_size = h.metadata_size;
  c.total_metadata_entries = h.total_metadata_entries;
  c.error_code = h.error_code;
  c.creator_version = h.creator_version;
  std::memcpy(c.creator_application, h.creator_application.data(), 4);
  return CopyOut(c, out, function);
}

// RequireNonNull for function pointers, which do not convert to const void*.
template <typename Fn>
hvr_status RequireCallback(Fn callback, const char* function, const char* argument) {
  return callback != nullptr ? HVR_OK : RequireNonNull(nullptr, function, argument);
}

// A callback's status as an hvr::Status, so C callbacks can stop C++ loops.
hvr::Status FromCallback(hvr_status status, const char* function, const char* callback) {
  if (status == HVR_OK) return hvr::Ok();
  return hvr::Error(hvr::capi::ToCode(status),
                    std::string(function) + ": the " + callback + " callback returned " +
                        hvr_status_name(status));
}

}  // namespace

extern "C" {

hvr_status hvr_hrl_read_header(const char* path, hvr_hrl_header* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto header = hvr::ReadHrlHeader(path);
    if (!header.ok()) return Fail(header.error());
    return CopyHeader(*header, out, __func__);
  });
}

hvr_status hvr_hrl_check_chain(const char* const* paths, size_t count, const uint8_t* previous_unique_id) {
  return Guard(__func__, [&] {
    if (count > 0) HVR_CAPI_CHECK(RequireNonNull(paths, __func__, "paths"));
    std::vector<hvr::HrlHeader> headers;
    for (size_t i = 0; i < count; ++i) {
      HVR_CAPI_CHECK(RequireNonNull(paths[i], __func__, "paths[i]"));
      auto header = hvr::ReadHrlHeader(paths[i]);
      if (!header.ok()) return Fail(header.error());
      headers.push_back(std::move(*header));
    }
    std::optional<hvr::Guid> previous;
    if (previous_unique_id != nullptr) previous = GuidFrom(previous_unique_id);
    const hvr::Status chained = hvr::CheckLogChain(headers, previous);
    return chained.ok() ? HVR_OK : Fail(chained.error());
  });
}

hvr_status hvr_hrl_reader_open(const char* path, uint64_t disk_virtual_size, hvr_hrl_reader** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto reader = hvr::HrlReader::Open(path, disk_virtual_size);
    if (!reader.ok()) return Fail(reader.error());
    return hvr::capi::NewHandle(out, std::move(*reader));
  });
}

hvr_status hvr_hrl_reader_get_header(const hvr_hrl_reader* reader, hvr_hrl_header* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(reader, __func__, "reader"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return CopyHeader(reader->reader.header(), out, __func__);
  });
}

hvr_status hvr_hrl_reader_next(hvr_hrl_reader* reader, hvr_hrl_entry* entry, int* out_has_entry) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(reader, __func__, "reader"));
    HVR_CAPI_CHECK(RequireNonNull(entry, __func__, "entry"));
    HVR_CAPI_CHECK(RequireNonNull(out_has_entry, __func__, "out_has_entry"));
    // Checked before moving on: a bad struct must not cost the caller an entry.
    HVR_CAPI_CHECK(hvr::capi::RequireStructSize(entry, __func__, "entry"));
    hvr::HrlEntry e;
    auto more = reader->reader.Next(e);
    if (!more.ok()) return Fail(more.error());
    if (*more) {
      hvr_hrl_entry c{};
      c.index = e.index;
      c.disk_offset = e.disk_offset;
      c.length = e.length;
      c.timestamp = UnixSeconds(e.timestamp);
      c.data_location = e.data_location;
      c.data_checksum_recorded = e.data_checksum_recorded() ? 1 : 0;
      hvr::capi::CopyOutGrowing(c, entry);
    }
    *out_has_entry = *more ? 1 : 0;
    return HVR_OK;
  });
}

hvr_status hvr_hrl_reader_read_data(hvr_hrl_reader* reader, void* buffer, size_t size, size_t* out_read) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(reader, __func__, "reader"));
    HVR_CAPI_CHECK(RequireNonNull(out_read, __func__, "out_read"));
    if (size > 0) HVR_CAPI_CHECK(RequireNonNull(buffer, __func__, "buffer"));
    auto n = reader->reader.ReadData(std::span(static_cast<uint8_t*>(buffer), size));
    if (!n.ok()) return Fail(n.error());
    *out_read = *n;
    return HVR_OK;
  });
}

void hvr_hrl_reader_close(hvr_hrl_reader* reader) { delete reader; }

hvr_status hvr_hrl_tracker_options_create(hvr_hrl_tracker_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

hvr_status hvr_hrl_tracker_options_set_log_name(hvr_hrl_tracker_options* options, const char* log_name) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    HVR_CAPI_CHECK(RequireNonNull(log_name, __func__, "log_name"));
    options->options.log_name = log_name;  // checked when the tracker is created
    return HVR_OK;
  });
}

hvr_status hvr_hrl_tracker_options_set_metadata_size(hvr_hrl_tracker_options* options, uint32_t metadata_size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->options.metadata_size = metadata_size;  // checked when the tracker is created
    return HVR_OK;
  });
}

hvr_status hvr_hrl_tracker_options_set_log_callback(hvr_hrl_tracker_options* options, hvr_log_fn callback,
                                                    void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    if (callback == nullptr) {
      options->options.log = nullptr;
    } else {
      options->options.log = [callback, user_data](hvr::LogLevel level, std::string_view message) {
        const std::string text(message);
        callback(user_data, static_cast<hvr_log_level>(level), text.c_str());
      };
    }
    return HVR_OK;
  });
}

void hvr_hrl_tracker_options_destroy(hvr_hrl_tracker_options* options) { delete options; }

hvr_status hvr_hrl_tracker_create(const char* folder, uint64_t disk_virtual_size, const uint8_t* data_write_guid,
                                  const hvr_hrl_tracker_options* options, hvr_hrl_tracker** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(folder, __func__, "folder"));
    HVR_CAPI_CHECK(RequireNonNull(data_write_guid, __func__, "data_write_guid"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto tracker = hvr::ChangeTracker::Open(folder, hvr::TrackedDisk{disk_virtual_size, GuidFrom(data_write_guid)},
                                            options ? options->options : hvr::ChangeTrackerOptions{});
    if (!tracker.ok()) return Fail(tracker.error());
    return hvr::capi::NewHandle(out, std::move(*tracker));
  });
}

hvr_status hvr_hrl_tracker_record(hvr_hrl_tracker* tracker, uint64_t offset, const void* data, size_t size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(tracker, __func__, "tracker"));
    if (size > 0) HVR_CAPI_CHECK(RequireNonNull(data, __func__, "data"));
    const hvr::Status s = tracker->tracker->Record(offset, std::span(static_cast<const uint8_t*>(data), size));
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_hrl_tracker_flush(hvr_hrl_tracker* tracker) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(tracker, __func__, "tracker"));
    const hvr::Status s = tracker->tracker->Flush();
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_hrl_tracker_rotate(hvr_hrl_tracker* tracker, char** out_closed_path) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(tracker, __func__, "tracker"));
    HVR_CAPI_CHECK(RequireNonNull(out_closed_path, __func__, "out_closed_path"));
    auto closed = tracker->tracker->Rotate();
    if (!closed.ok()) return Fail(closed.error());
    *out_closed_path = CopyString(*closed);
    return HVR_OK;
  });
}

hvr_status hvr_hrl_tracker_close_log(hvr_hrl_tracker* tracker) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(tracker, __func__, "tracker"));
    const hvr::Status s = tracker->tracker->Close();
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_hrl_tracker_get_current_log(const hvr_hrl_tracker* tracker, char** out_path) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(tracker, __func__, "tracker"));
    HVR_CAPI_CHECK(RequireNonNull(out_path, __func__, "out_path"));
    *out_path = CopyString(tracker->tracker->current_log());
    return HVR_OK;
  });
}

hvr_status hvr_hrl_tracker_get_interrupted_log(const hvr_hrl_tracker* tracker, char** out_path) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(tracker, __func__, "tracker"));
    HVR_CAPI_CHECK(RequireNonNull(out_path, __func__, "out_path"));
    const auto& interrupted = tracker->tracker->interrupted_log();
    *out_path = interrupted ? CopyString(*interrupted) : nullptr;
    return HVR_OK;
  });
}

void hvr_hrl_tracker_destroy(hvr_hrl_tracker* tracker) { delete tracker; }

hvr_status hvr_hrl_log_list_create(const char* folder, const char* log_name, hvr_hrl_log_list** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(folder, __func__, "folder"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    auto logs = hvr::ListClosedLogs(folder, log_name ? log_name : "hvr");
    if (!logs.ok()) return Fail(logs.error());
    return hvr::capi::NewHandle(out, std::move(*logs));
  });
}

hvr_status hvr_hrl_log_list_get_count(const hvr_hrl_log_list* list, size_t* out_count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(list, __func__, "list"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    *out_count = list->paths.size();
    return HVR_OK;
  });
}

hvr_status hvr_hrl_log_list_get_path(const hvr_hrl_log_list* list, size_t index, const char** out_path) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(list, __func__, "list"));
    HVR_CAPI_CHECK(RequireNonNull(out_path, __func__, "out_path"));
    HVR_CAPI_CHECK(hvr::capi::RequireIndex(index, list->paths.size(), __func__, "logs"));
    *out_path = list->paths[index].c_str();
    return HVR_OK;
  });
}

void hvr_hrl_log_list_destroy(hvr_hrl_log_list* list) { delete list; }

hvr_status hvr_extent_map_create(hvr_extent_map** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_extent_map_destroy(hvr_extent_map* map) { delete map; }

hvr_status hvr_extent_map_clear(hvr_extent_map* map) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(map, __func__, "map"));
    map->map.Clear();
    return HVR_OK;
  });
}

hvr_status hvr_extent_map_add(hvr_extent_map* map, uint64_t offset, const void* data, size_t size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(map, __func__, "map"));
    if (size > 0) HVR_CAPI_CHECK(RequireNonNull(data, __func__, "data"));
    const hvr::Status s = map->map.Add(offset, std::span(static_cast<const uint8_t*>(data), size));
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

hvr_status hvr_extent_map_options_create(hvr_extent_map_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_extent_map_options_destroy(hvr_extent_map_options* options) { delete options; }

hvr_status hvr_extent_map_options_set_progress(hvr_extent_map_options* options, hvr_progress_fn fn,
                                               void* user_data) {
  return hvr::capi::SetProgress(__func__, options, fn, user_data);
}

hvr_status hvr_extent_map_options_set_cancel_token(hvr_extent_map_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_extent_map_read_logs(hvr_extent_map* map, const char* const* paths, size_t count,
                                    uint64_t disk_virtual_size, const uint8_t* previous_unique_id,
                                    const hvr_extent_map_options* options, uint64_t* out_entries) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(map, __func__, "map"));
    if (count > 0) HVR_CAPI_CHECK(RequireNonNull(paths, __func__, "paths"));
    std::vector<std::string> logs;
    for (size_t i = 0; i < count; ++i) {
      HVR_CAPI_CHECK(RequireNonNull(paths[i], __func__, "paths[i]"));
      logs.emplace_back(paths[i]);
    }
    const hvr::capi::ProgressAndCancel controls = hvr::capi::ControlsOf(options);
    hvr::CoalesceOptions coalesce;
    if (previous_unique_id != nullptr) coalesce.previous_unique_id = GuidFrom(previous_unique_id);
    coalesce.cancel = controls.Token();
    coalesce.progress = controls.Progress();
    auto summary = hvr::CoalesceLogs(logs, disk_virtual_size, map->map, coalesce);
    if (!summary.ok()) return Fail(summary.error());
    if (out_entries != nullptr) *out_entries = summary->entries;
    return HVR_OK;
  });
}

hvr_status hvr_extent_map_get_changed_bytes(hvr_extent_map* map, uint64_t* out_bytes) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(map, __func__, "map"));
    HVR_CAPI_CHECK(RequireNonNull(out_bytes, __func__, "out_bytes"));
    *out_bytes = map->map.ChangedBytes();
    return HVR_OK;
  });
}

hvr_status hvr_extent_map_get_changed_ranges(hvr_extent_map* map, hvr_range_fn callback, void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(map, __func__, "map"));
    HVR_CAPI_CHECK(RequireCallback(callback, __func__, "callback"));
    for (const hvr::ByteRange& r : map->map.ChangedRanges()) {
      const hvr::Status s = FromCallback(callback(user_data, r.offset, r.length), __func__, "range");
      if (!s.ok()) return Fail(s.error());
    }
    return HVR_OK;
  });
}

hvr_status hvr_extent_map_get_page_writes(hvr_extent_map* map, uint64_t max_bytes, hvr_read_fn base,
                                          void* base_user_data, hvr_page_write_fn write, void* write_user_data,
                                          const hvr_extent_map_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(map, __func__, "map"));
    HVR_CAPI_CHECK(RequireCallback(write, __func__, "write"));
    hvr::ReadFn base_read;
    if (base != nullptr) {
      base_read = [&](uint64_t offset, std::span<uint8_t> out) {
        return FromCallback(base(base_user_data, offset, out.data(), out.size()), __func__, "base read");
      };
    }
    const hvr::Status s = map->map.ForEachPageWrite(
        base_read,
        [&](uint64_t offset, std::span<const uint8_t> data) {
          return FromCallback(write(write_user_data, offset, data.data(), data.size()), __func__, "page write");
        },
        max_bytes, hvr::capi::ControlsOf(options).Token());
    return s.ok() ? HVR_OK : Fail(s.error());
  });
}

}  // extern "C"
