// The chunk-diff section of hvr.h over hvr/chunk_diff.hpp.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "capi_internal.hpp"
#include "disk_handle.hpp"
#include "hvr/chunk_diff.hpp"

struct hvr_chunk_options {
  uint32_t chunk_size = 0;
  int threads = 0;
  hvr::capi::ProgressAndCancel controls;
  hvr_diff_run_fn on_run = nullptr;
  void* on_run_user_data = nullptr;
};

struct hvr_manifest {
  hvr::Manifest manifest;
};

struct hvr_diff {
  hvr::DiffResult result;
  std::vector<hvr_diff_run> runs;  // result.runs in the C layout
};

namespace {

using hvr::capi::CheckOptions;
using hvr::capi::CopyOut;
using hvr::capi::Fail;
using hvr::capi::Guard;
using hvr::capi::RequireNonNull;

static_assert(static_cast<int>(hvr::DiffKind::kData) == HVR_DIFF_DATA);
static_assert(static_cast<int>(hvr::DiffKind::kZero) == HVR_DIFF_ZERO);
static_assert(static_cast<int>(hvr::DiffKind::kPastSourceEnd) == HVR_DIFF_PAST_SOURCE_END);

hvr_diff_run ToC(const hvr::DiffRun& run) {
  hvr_diff_run c;
  std::memset(&c, 0, sizeof c);  // padding too, so callers may compare runs bytewise
  c.offset = run.range.offset;
  c.length = run.range.length;
  c.kind = static_cast<hvr_diff_kind>(run.kind);
  return c;
}

hvr::ChunkOptions ToCxx(const hvr_chunk_options* options) {
  hvr::ChunkOptions out;
  if (options == nullptr) return out;
  out.chunk_size = options->chunk_size;
  out.threads = options->threads;
  out.progress = options->controls.Progress();
  out.cancel = options->controls.Token();
  return out;
}

hvr::RunFn RunCallback(const hvr_chunk_options* options) {
  if (options == nullptr || options->on_run == nullptr) return {};
  return [fn = options->on_run, user = options->on_run_user_data](const hvr::DiffRun& run) -> hvr::Status {
    const hvr_diff_run c = ToC(run);
    const hvr_status status = fn(user, &c);
    if (status == HVR_OK) return hvr::Ok();
    return hvr::Error(hvr::capi::ToCode(status), "the run callback returned " +
                                                     std::string(hvr_status_name(status)));
  };
}

// Hands a new manifest handle to the caller, or records the failure.
hvr_status Output(hvr::Result<hvr::Manifest> manifest, hvr_manifest** out) {
  if (!manifest.ok()) return Fail(manifest.error());
  return hvr::capi::NewHandle(out, std::move(manifest).value());
}

// The path variants open the disk with the default options, then share the handle
// variants' code.
hvr_status OpenForChunks(const char* path, std::unique_ptr<hvr::DiskReader>& out) {
  auto disk = hvr::OpenDisk(path);
  if (!disk.ok()) return Fail(disk.error());
  out = std::move(disk).value();
  return HVR_OK;
}

hvr_status BuildFrom(const hvr::DiskReader& disk, const hvr_chunk_options* options, hvr_manifest** out) {
  auto manifest = hvr::BuildManifest(disk, ToCxx(options));
  if (!manifest.ok()) return Fail(manifest.error().WithContext(disk.info().path));
  return Output(std::move(manifest), out);
}

hvr_status UpdateFrom(const hvr::DiskReader& disk, hvr_manifest* manifest, const hvr_changed_range* ranges,
                      size_t count, const hvr_chunk_options* options) {
  std::vector<hvr::ByteRange> changed;
  changed.reserve(count);
  for (size_t i = 0; i < count; ++i) changed.push_back({ranges[i].offset, ranges[i].length});
  const hvr::Status updated = hvr::UpdateManifest(manifest->manifest, disk, changed, ToCxx(options));
  return updated.ok() ? HVR_OK : Fail(updated.error().WithContext(disk.info().path));
}

hvr_status Finish(hvr::Result<hvr::DiffResult> result, hvr_diff** out) {
  if (!result.ok()) return Fail(result.error());
  auto diff = std::make_unique<hvr_diff>();
  diff->result = std::move(result).value();
  diff->runs.reserve(diff->result.runs.size());
  for (const hvr::DiffRun& run : diff->result.runs) diff->runs.push_back(ToC(run));
  diff->result.runs.clear();
  diff->result.runs.shrink_to_fit();
  *out = diff.release();
  return HVR_OK;
}

}  // namespace

extern "C" {

hvr_status hvr_chunk_options_create(hvr_chunk_options** out) {
  return hvr::capi::CreateHandle(__func__, out);
}

void hvr_chunk_options_destroy(hvr_chunk_options* options) { delete options; }

hvr_status hvr_chunk_options_set_chunk_size(hvr_chunk_options* options, uint32_t chunk_size) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::ChunkOptions changed = ToCxx(options);
    changed.chunk_size = chunk_size;
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->chunk_size = chunk_size;
    return HVR_OK;
  });
}

hvr_status hvr_chunk_options_set_thread_count(hvr_chunk_options* options, int threads) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    hvr::ChunkOptions changed = ToCxx(options);
    changed.threads = threads;
    HVR_CAPI_CHECK(CheckOptions(changed, __func__));
    options->threads = threads;
    return HVR_OK;
  });
}

hvr_status hvr_chunk_options_set_progress(hvr_chunk_options* options, hvr_progress_fn fn,
                                          void* user_data) {
  return hvr::capi::SetProgress(__func__, options, fn, user_data);
}

hvr_status hvr_chunk_options_set_cancel_token(hvr_chunk_options* options, hvr_cancel_token* token) {
  return hvr::capi::SetCancelToken(__func__, options, token);
}

hvr_status hvr_chunk_options_set_run_callback(hvr_chunk_options* options, hvr_diff_run_fn fn,
                                              void* user_data) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(options, __func__, "options"));
    options->on_run = fn;
    options->on_run_user_data = user_data;
    return HVR_OK;
  });
}

hvr_status hvr_manifest_build(const char* disk_path, const hvr_chunk_options* options,
                              hvr_manifest** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(disk_path, __func__, "disk_path"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    std::unique_ptr<hvr::DiskReader> disk;
    HVR_CAPI_CHECK(OpenForChunks(disk_path, disk));
    return BuildFrom(*disk, options, out);
  });
}

hvr_status hvr_disk_build_manifest(const hvr_disk* disk, const hvr_chunk_options* options, hvr_manifest** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return BuildFrom(*disk->reader, options, out);
  });
}

hvr_status hvr_manifest_create_zeros(uint64_t disk_size, uint32_t chunk_size, hvr_manifest** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return Output(hvr::Manifest::Zeros(disk_size, chunk_size != 0 ? chunk_size : hvr::kDefaultChunkSize), out);
  });
}

hvr_status hvr_manifest_load(const char* path, hvr_manifest** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return Output(hvr::LoadManifest(path), out);
  });
}

hvr_status hvr_manifest_save(const hvr_manifest* manifest, const char* path) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(manifest, __func__, "manifest"));
    HVR_CAPI_CHECK(RequireNonNull(path, __func__, "path"));
    const hvr::Status saved = hvr::SaveManifest(manifest->manifest, path);
    return saved.ok() ? HVR_OK : Fail(saved.error());
  });
}

void hvr_manifest_destroy(hvr_manifest* manifest) { delete manifest; }

hvr_status hvr_manifest_get_info(const hvr_manifest* manifest, hvr_manifest_info* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(manifest, __func__, "manifest"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    const hvr::Manifest& m = manifest->manifest;
    hvr_manifest_info info{sizeof(hvr_manifest_info), m.disk_size(), m.chunk_size(),
                           m.chunk_count(), m.zero_chunk_count(), m.unknown_chunk_count()};
    return CopyOut(info, out, __func__);
  });
}

hvr_status hvr_manifest_update(hvr_manifest* manifest, const char* disk_path,
                               const hvr_changed_range* ranges, size_t count,
                               const hvr_chunk_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(manifest, __func__, "manifest"));
    HVR_CAPI_CHECK(RequireNonNull(disk_path, __func__, "disk_path"));
    if (count > 0) HVR_CAPI_CHECK(RequireNonNull(ranges, __func__, "ranges"));
    std::unique_ptr<hvr::DiskReader> disk;
    HVR_CAPI_CHECK(OpenForChunks(disk_path, disk));
    return UpdateFrom(*disk, manifest, ranges, count, options);
  });
}

hvr_status hvr_disk_update_manifest(const hvr_disk* disk, hvr_manifest* manifest, const hvr_changed_range* ranges,
                                    size_t count, const hvr_chunk_options* options) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(disk, __func__, "disk"));
    HVR_CAPI_CHECK(RequireNonNull(manifest, __func__, "manifest"));
    if (count > 0) HVR_CAPI_CHECK(RequireNonNull(ranges, __func__, "ranges"));
    return UpdateFrom(*disk->reader, manifest, ranges, count, options);
  });
}

hvr_status hvr_manifest_invalidate(hvr_manifest* manifest, uint64_t offset, uint64_t length) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(manifest, __func__, "manifest"));
    const hvr::Status done = manifest->manifest.Invalidate({offset, length});
    return done.ok() ? HVR_OK : Fail(done.error());
  });
}

hvr_status hvr_diff_disks(const char* source_path, const char* target_path,
                          const hvr_chunk_options* options, hvr_diff** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(source_path, __func__, "source_path"));
    HVR_CAPI_CHECK(RequireNonNull(target_path, __func__, "target_path"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    std::unique_ptr<hvr::DiskReader> source, target;
    HVR_CAPI_CHECK(OpenForChunks(source_path, source));
    HVR_CAPI_CHECK(OpenForChunks(target_path, target));
    return Finish(hvr::Diff(*source, *target, ToCxx(options), RunCallback(options)), out);
  });
}

hvr_status hvr_disk_diff(const hvr_disk* source, const hvr_disk* target, const hvr_chunk_options* options,
                         hvr_diff** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(source, __func__, "source"));
    HVR_CAPI_CHECK(RequireNonNull(target, __func__, "target"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return Finish(hvr::Diff(*source->reader, *target->reader, ToCxx(options), RunCallback(options)), out);
  });
}

hvr_status hvr_diff_disk_manifest(const char* source_path, const hvr_manifest* target,
                                  const hvr_chunk_options* options, hvr_diff** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(source_path, __func__, "source_path"));
    HVR_CAPI_CHECK(RequireNonNull(target, __func__, "target"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    std::unique_ptr<hvr::DiskReader> source;
    HVR_CAPI_CHECK(OpenForChunks(source_path, source));
    return Finish(hvr::Diff(*source, target->manifest, ToCxx(options), RunCallback(options)), out);
  });
}

hvr_status hvr_disk_diff_manifest(const hvr_disk* source, const hvr_manifest* target,
                                  const hvr_chunk_options* options, hvr_diff** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(source, __func__, "source"));
    HVR_CAPI_CHECK(RequireNonNull(target, __func__, "target"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return Finish(hvr::Diff(*source->reader, target->manifest, ToCxx(options), RunCallback(options)), out);
  });
}

hvr_status hvr_diff_manifests(const hvr_manifest* source, const hvr_manifest* target,
                              const hvr_chunk_options* options, hvr_diff** out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(source, __func__, "source"));
    HVR_CAPI_CHECK(RequireNonNull(target, __func__, "target"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    return Finish(hvr::Diff(source->manifest, target->manifest, RunCallback(options)), out);
  });
}

void hvr_diff_destroy(hvr_diff* diff) { delete diff; }

hvr_status hvr_diff_get_totals(const hvr_diff* diff, hvr_diff_totals* out) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(diff, __func__, "diff"));
    HVR_CAPI_CHECK(RequireNonNull(out, __func__, "out"));
    const hvr::DiffResult& r = diff->result;
    const hvr::DiffTotals& t = r.totals;
    hvr_diff_totals totals{sizeof(hvr_diff_totals), r.chunk_size, r.source_size, r.target_size,
                           t.chunks, t.differing_chunks, t.runs, t.data_bytes, t.zero_bytes,
                           t.past_source_end_bytes};
    return CopyOut(totals, out, __func__);
  });
}

hvr_status hvr_diff_get_runs(const hvr_diff* diff, const hvr_diff_run** out_runs, size_t* out_count) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(diff, __func__, "diff"));
    HVR_CAPI_CHECK(RequireNonNull(out_runs, __func__, "out_runs"));
    HVR_CAPI_CHECK(RequireNonNull(out_count, __func__, "out_count"));
    *out_runs = diff->runs.data();
    *out_count = diff->runs.size();
    return HVR_OK;
  });
}

hvr_status hvr_diff_get_json(const hvr_diff* diff, char** out_json) {
  return Guard(__func__, [&] {
    HVR_CAPI_CHECK(RequireNonNull(diff, __func__, "diff"));
    HVR_CAPI_CHECK(RequireNonNull(out_json, __func__, "out_json"));
    hvr::DiffResult copy = diff->result;
    copy.runs.reserve(diff->runs.size());
    for (const hvr_diff_run& run : diff->runs) {
      copy.runs.push_back({{run.offset, run.length}, static_cast<hvr::DiffKind>(run.kind)});
    }
    *out_json = hvr::capi::CopyString(hvr::DiffToJson(copy));
    return HVR_OK;
  });
}

}  // extern "C"
