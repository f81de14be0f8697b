/*
 * hvr.h: the C ABI of hvr, a Hyper-V to Azure replication engine.
 *
 * Conventions (docs/c-api.md says the same at more length):
 *
 *  - Names. Everything starts with hvr_ / HVR_. Types are hvr_<thing>, functions
 *    hvr_<thing>_<verb>; reading out is _get_<what> (_get_<what>_json for a document).
 *    Old names of renamed functions stay as deprecated aliases (the last section)
 *    until the next ABI version.
 *  - Handles. Objects are opaque handles with one lifecycle pair: open/close for a
 *    handle on an outside resource (image, log, store, state directory), create (or a
 *    verb saying how it is made: build, load) and destroy for the others.
 *    Destroy and close functions accept NULL and never fail. Those marked "Blocks on the
 *    network" may wait for requests in flight: call them where waiting is allowed (never
 *    from a garbage collector's finalizer thread). Either is the last call on
 *    its handle: it must not run while another call on that handle is running (it waits
 *    for the handle's own background work, never for other callers). After it returns,
 *    no callback registered through that handle is invoked again.
 *  - Status. Every function that can fail returns hvr_status: HVR_OK (0) or an error
 *    code. After a failure, hvr_last_error_message() explains it on the same thread
 *    until the next failing call on that thread. Output parameters are written only on
 *    success; a failed call leaves them as they were. NULL where a pointer is required
 *    is HVR_INVALID_ARGUMENT naming the parameter, never a crash.
 *  - Error classes. hvr_status_class() says what to do about an error: retry it
 *    (recoverable), stop and ask an administrator (non-recoverable), or resynchronize
 *    (change tracking can no longer be trusted).
 *  - Strings. All strings are UTF-8 and NUL-terminated. Strings passed in are copied
 *    when needed; the caller keeps ownership. Strings returned as `const char *` are
 *    owned by the library and stay valid as documented at each function (static
 *    strings for the life of the process; hvr_last_error_message until the next call
 *    that fails on the same thread). Strings returned through `char **` are the
 *    caller's: free them with hvr_string_free.
 *  - Growing structs. Structs that may gain fields start with `size_t struct_size`;
 *    start each from its HVR_<STRUCT>_INIT (struct_size = sizeof, the other fields
 *    empty) before passing it in; a struct_size under sizeof(size_t) is refused. The
 *    library reads and writes only the fields that fit, so old callers keep working
 *    with new libraries. (hvr_host_vm, which only the library fills, has no INIT.)
 *  - Options are handles with setters, so options can be added without breaking the
 *    ABI. A call taking options reads them during the call (a store copies them), so
 *    options may be destroyed or reused as soon as the call returns.
 *  - Callbacks receive the `void *user_data` given with them and say on which threads
 *    they run. A callback set on options is invoked by the calls or handles made with
 *    those options, and never after the call returns or the handle is destroyed (a
 *    store's log callback may run until hvr_store_close returns). A callback must not
 *    destroy the handle whose call invoked it, and must return normally (no longjmp, no
 *    exception through the library).
 *  - Cancellation and progress. A long call takes them through its options handle:
 *    <options>_set_cancel_token and <options>_set_progress (NULL options or token: never
 *    cancelled); the session's operations have the token only, their progress coming
 *    through the session's job callbacks. Cancelling from any thread makes a call return
 *    HVR_CANCELLED at the next point where stopping leaves nothing half done.
 *  - Time is int64_t seconds since the Unix epoch (UTC) unless a name says otherwise;
 *    durations are int64_t, in seconds unless the name ends with its unit (_ms, _hours).
 *  - GUIDs are uint8_t[16] in the on-disk (Microsoft) byte order, the order .NET's
 *    System.Guid(byte[]) takes. A lease id, a token of the storage service rather than an
 *    identity, is text as the service spells it.
 *  - Threads. Functions on different handles may be called from any threads at once.
 *    A handle may be used from one thread at a time unless its section says
 *    "thread-safe". No function keeps global state beyond the per-thread error message.
 *  - Enums are int-sized (each ends with a *_MAX_ENUM_ value that is never used) and new
 *    values may be added, so code receiving them keeps a default case.
 *  - Exceptions never cross this ABI.
 */
#ifndef HVR_H_
#define HVR_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#if defined(HVR_BUILDING_LIBRARY)
#define HVR_API __declspec(dllexport)
#elif defined(HVR_STATIC) /* linked with the static library rather than hvr.dll */
#define HVR_API
#else
#define HVR_API __declspec(dllimport)
#endif
#else
#define HVR_API __attribute__((visibility("default")))
#endif

/* Marks a deprecated alias (the last section of this header) with the call to use instead. */
#if defined(_MSC_VER)
#define HVR_DEPRECATED_FOR(replacement) __declspec(deprecated("use " #replacement))
#else
#define HVR_DEPRECATED_FOR(replacement) __attribute__((deprecated("use " #replacement)))
#endif

/* ------------------------------------------------------------------------------------
 * Status codes and error classes
 * ---------------------------------------------------------------------------------- */

/* The numeric values are stable: codes may be added, never renumbered. */
typedef enum hvr_status {
  HVR_OK = 0,
  HVR_INVALID_ARGUMENT = 1,
  HVR_NOT_FOUND = 2,              /* VM, disk, blob or file not found */
  HVR_BROKEN_CHAIN = 3,           /* a differencing disk's parent is missing or changed */
  HVR_INVALID_REPLICA_STATE = 4,  /* the replica is not in the state the operation needs */
  HVR_AUTH_FAILED = 5,            /* authentication or authorisation failure */
  HVR_CORRUPT_DATA = 6,           /* bad format or checksum */
  HVR_LOG_NOT_CLOSED = 7,         /* a replica log was not closed properly */
  HVR_LOG_CHAIN_GAP = 8,          /* replica logs do not follow one another */
  HVR_UNTRACKED_MODIFICATION = 9, /* the disk was written while not tracked */
  HVR_NETWORK = 10,
  HVR_TIMEOUT = 11,
  HVR_THROTTLED = 12,             /* storage asked us to slow down (HTTP 503/500) */
  HVR_LOW_DISK_SPACE = 13,
  HVR_LOW_MEMORY = 14,
  HVR_CANCELLED = 15,
  HVR_CONFLICT = 16,              /* e.g. a lease held by another agent */
  HVR_IO = 17,                    /* local I/O failure */
  HVR_UNSUPPORTED = 18,           /* valid input using a feature hvr does not support */
  HVR_INTERNAL = 19,              /* a bug in hvr: please report it */
  HVR_RESYNC_REQUIRED = 20,       /* tracking broke for another reason; resynchronize */
  HVR_STATUS_MAX_ENUM_ = 0x7fffffff /* keeps the type int-sized and any code valid */
} hvr_status;

typedef enum hvr_error_class {
  HVR_CLASS_NONE = 0,            /* HVR_OK */
  HVR_CLASS_RECOVERABLE = 1,     /* retried by the retry policy */
  HVR_CLASS_NON_RECOVERABLE = 2, /* never retried; health becomes critical */
  HVR_CLASS_RESYNC_REQUIRED = 3, /* resynchronize instead of retrying */
  HVR_CLASS_MAX_ENUM_ = 0x7fffffff
} hvr_error_class;

/* The class of a status. Unknown values are non-recoverable. */
HVR_API hvr_error_class hvr_status_class(hvr_status status);

/* 1 when the status is recoverable (retry it), else 0. */
HVR_API int hvr_status_is_recoverable(hvr_status status);

/* A stable lower-case name, e.g. "broken_chain". Static string; never NULL. */
HVR_API const char *hvr_status_name(hvr_status status);

/* The message of the last failed call on this thread ("" if none). Valid until the
 * next failing call on this thread. Never NULL. */
HVR_API const char *hvr_last_error_message(void);

/* ------------------------------------------------------------------------------------
 * Version
 * ---------------------------------------------------------------------------------- */

/* The library version, e.g. "0.1.0". Static string. */
HVR_API const char *hvr_version(void);

/* The ABI version, the number in the SONAME (libhvr.so.N). */
HVR_API int hvr_abi_version(void);

/* ------------------------------------------------------------------------------------
 * Retry policy (docs/retry-policy.md)
 *
 * After a failure at t0, retry n (0-based) runs at the first replication tick
 * t0 + k*interval (k >= 1) not earlier than t0 + offset(n) and later than the previous
 * attempt. Default offsets: 1, 2, 4, 8, 10 minutes, then every 30 minutes.
 * A policy is immutable once created and is thread-safe.
 * ---------------------------------------------------------------------------------- */

typedef struct hvr_retry_policy hvr_retry_policy;

/* Creates a policy with the default schedule. */
HVR_API hvr_status hvr_retry_policy_create(hvr_retry_policy **out);

/* Creates a policy with `count` back-off offsets in seconds (strictly increasing,
 * positive) and a steady interval in seconds for after the last one. */
HVR_API hvr_status hvr_retry_policy_create_custom(const int64_t *backoff_seconds, size_t count,
                                                  int64_t steady_interval_seconds,
                                                  hvr_retry_policy **out);

HVR_API void hvr_retry_policy_destroy(hvr_retry_policy *policy);

typedef enum hvr_retry_action {
  HVR_RETRY_AT = 0,   /* retry at *out_when */
  HVR_RETRY_GIVE_UP = 1, /* non-recoverable: an administrator must act */
  HVR_RETRY_RESYNC = 2,  /* resynchronize instead */
  HVR_RETRY_MAX_ENUM_ = 0x7fffffff
} hvr_retry_action;

/* The decision after a run of failures: the first failed attempt started at
 * `first_failure`, `retries` failed attempts followed it, the latest starting at
 * `last_attempt`, and it failed with `last_error`. `interval_seconds` is the
 * replication interval (1 to 86400). Times are Unix seconds from 1970 to 2200. Writes the
 * action and, for HVR_RETRY_AT, the time. */
HVR_API hvr_status hvr_retry_policy_next_attempt(const hvr_retry_policy *policy,
                                                 int64_t first_failure, int64_t last_attempt,
                                                 int retries, hvr_status last_error,
                                                 int64_t interval_seconds,
                                                 hvr_retry_action *out_action,
                                                 int64_t *out_when);

/* The policy's schedule: *out_count back-off offsets in seconds, of which the first
 * `capacity` are written to `backoff_seconds` (may be NULL when capacity is 0, to learn
 * the count), and the steady interval. */
HVR_API hvr_status hvr_retry_policy_get_schedule(const hvr_retry_policy *policy,
                                                 int64_t *backoff_seconds, size_t capacity,
                                                 size_t *out_count,
                                                 int64_t *out_steady_interval_seconds);

/* ------------------------------------------------------------------------------------
 * Cancellation, progress, logs and library-allocated strings
 * ---------------------------------------------------------------------------------- */

/* A cancellation token for long calls. Thread-safe: hvr_cancel_token_cancel may be
 * called from any thread while calls that were given the token run elsewhere; they
 * return HVR_CANCELLED at the next point where stopping leaves nothing half done. A
 * token may serve many calls; it cannot be reset. */
typedef struct hvr_cancel_token hvr_cancel_token;

HVR_API hvr_status hvr_cancel_token_create(hvr_cancel_token **out);
/* Accepts NULL (nothing to cancel). */
HVR_API void hvr_cancel_token_cancel(hvr_cancel_token *token);
/* 1 once cancelled, else 0 (also for NULL). */
HVR_API int hvr_cancel_token_is_cancelled(const hvr_cancel_token *token);
HVR_API void hvr_cancel_token_destroy(hvr_cancel_token *token);

/* Progress of a long call: `done` of `total` units (bytes unless the call says
 * otherwise). May run on a library thread, never on two threads at once for one call. */
typedef void (*hvr_progress_fn)(void *user_data, uint64_t done, uint64_t total);

typedef enum hvr_log_level {
  HVR_LOG_DEBUG = 0,
  HVR_LOG_INFO = 1,
  HVR_LOG_WARNING = 2,
  HVR_LOG_ERROR = 3,
  HVR_LOG_LEVEL_MAX_ENUM_ = 0x7fffffff
} hvr_log_level;

/* One log line; `message` is valid only during the call and never contains secrets. */
typedef void (*hvr_log_fn)(void *user_data, hvr_log_level level, const char *message);

/* Frees a string the library allocated for the caller (documented at each call that
 * returns one, e.g. JSON documents). Accepts NULL. */
HVR_API void hvr_string_free(char *string);

/* ------------------------------------------------------------------------------------
 * Chunk-diff: manifests and diffs (docs/chunk-diff.md)
 *
 * A disk is cut into fixed-size chunks (a power of two from 4 KiB to 4 MiB); a manifest
 * holds one 128-bit XXH3 hash per chunk (256 KiB chunks by default: 128 MiB per 2 TiB).
 * A diff says how to turn a target into a source: runs of bytes to send, to clear (the
 * source reads zeros there), or to cut off (the target is longer than the source). Disks
 * are given by path (raw, VHD or VHDX, detected by content, opened with the default
 * options) or, through the hvr_disk_* variants in the disk section, as open handles.
 *
 * Manifests, diffs and options are used from one thread at a time; the calls that take
 * them run their own worker threads inside and return when those have stopped.
 * ---------------------------------------------------------------------------------- */

/* How chunk work runs: chunk size, threads, progress, cancellation, a run callback. */
typedef struct hvr_chunk_options hvr_chunk_options;

HVR_API hvr_status hvr_chunk_options_create(hvr_chunk_options **out);
HVR_API void hvr_chunk_options_destroy(hvr_chunk_options *options);
/* 0 (the default) means 256 KiB for a manifest build, the manifest's chunk size when a
 * manifest takes part, and 4 KiB for a diff of two disks (which keeps nothing per chunk). */
HVR_API hvr_status hvr_chunk_options_set_chunk_size(hvr_chunk_options *options, uint32_t chunk_size);
/* 0 (the default) means one per core, at most 256. Each thread holds about 1 MiB per disk
 * it reads. */
HVR_API hvr_status hvr_chunk_options_set_thread_count(hvr_chunk_options *options, int threads);
/* Bytes of disk done of the total, about a thousand times per call. NULL removes it. */
HVR_API hvr_status hvr_chunk_options_set_progress(hvr_chunk_options *options, hvr_progress_fn fn,
                                                  void *user_data);
/* The token must outlive the calls that use these options. NULL removes it. */
HVR_API hvr_status hvr_chunk_options_set_cancel_token(hvr_chunk_options *options,
                                                      hvr_cancel_token *token);

typedef enum hvr_diff_kind {
  HVR_DIFF_DATA = 0,            /* send the source's bytes */
  HVR_DIFF_ZERO = 1,            /* the source reads zeros: clear instead of sending */
  HVR_DIFF_PAST_SOURCE_END = 2, /* only the target has these bytes: cut them off */
  HVR_DIFF_KIND_MAX_ENUM_ = 0x7fffffff
} hvr_diff_kind;

/* One run of differing bytes. Fixed layout (it comes in arrays): it never grows. */
typedef struct hvr_diff_run {
  uint64_t offset;
  uint64_t length;
  hvr_diff_kind kind;
} hvr_diff_run;

/* Receives each run of a diff in disk order as soon as it is final, instead of the diff
 * keeping it: memory then stays bounded whatever the number of runs. Called from worker
 * threads, one call at a time; it may block. Returning anything but HVR_OK stops the diff,
 * which returns that status. `run` is valid during the call only. */
typedef hvr_status (*hvr_diff_run_fn)(void *user_data, const hvr_diff_run *run);

/* NULL removes it. Only the diff calls use it. */
HVR_API hvr_status hvr_chunk_options_set_run_callback(hvr_chunk_options *options,
                                                      hvr_diff_run_fn fn, void *user_data);

typedef struct hvr_manifest hvr_manifest;

/* Hashes every chunk of the disk at `disk_path`. `options` may be NULL (defaults). */
HVR_API hvr_status hvr_manifest_build(const char *disk_path, const hvr_chunk_options *options,
                                      hvr_manifest **out);
/* The manifest of a disk of `disk_size` bytes that reads as zeros (a new replica).
 * `chunk_size` 0 means the default, 256 KiB. */
HVR_API hvr_status hvr_manifest_create_zeros(uint64_t disk_size, uint32_t chunk_size,
                                             hvr_manifest **out);
/* Reads a manifest file, checking its checksums; HVR_CORRUPT_DATA names what is wrong. */
HVR_API hvr_status hvr_manifest_load(const char *path, hvr_manifest **out);
/* Writes atomically: a crash leaves the old file or the new one. */
HVR_API hvr_status hvr_manifest_save(const hvr_manifest *manifest, const char *path);
HVR_API void hvr_manifest_destroy(hvr_manifest *manifest);

typedef struct hvr_manifest_info {
  size_t struct_size;
  uint64_t disk_size;
  uint32_t chunk_size;
  uint64_t chunk_count;
  uint64_t zero_chunks;
  uint64_t unknown_chunks; /* invalidated and not hashed since: they always differ */
} hvr_manifest_info;
#define HVR_MANIFEST_INFO_INIT {sizeof(hvr_manifest_info), 0, 0, 0, 0, 0}

HVR_API hvr_status hvr_manifest_get_info(const hvr_manifest *manifest, hvr_manifest_info *out);

typedef struct hvr_changed_range {
  uint64_t offset;
  uint64_t length;
} hvr_changed_range;

/* After writes to the disk at `disk_path` (the replica), re-hashes exactly the chunks the
 * `count` ranges touch, following a resize too; the result equals a fresh build. On
 * failure the touched chunks are left unknown, so no diff trusts them. */
HVR_API hvr_status hvr_manifest_update(hvr_manifest *manifest, const char *disk_path,
                                       const hvr_changed_range *ranges, size_t count,
                                       const hvr_chunk_options *options);
/* Marks the chunks a range touches unknown (before writing them, so a crash in between
 * costs a resend, never data). */
HVR_API hvr_status hvr_manifest_invalidate(hvr_manifest *manifest, uint64_t offset,
                                           uint64_t length);

typedef struct hvr_diff hvr_diff;

/* Disk vs disk: compares bytes, in 4 KiB chunks unless the options say otherwise. */
HVR_API hvr_status hvr_diff_disks(const char *source_path, const char *target_path,
                                  const hvr_chunk_options *options, hvr_diff **out);
/* Disk vs manifest (resynchronization): reads only the source. */
HVR_API hvr_status hvr_diff_disk_manifest(const char *source_path, const hvr_manifest *target,
                                          const hvr_chunk_options *options, hvr_diff **out);
/* Manifest vs manifest: both must have the same chunk size. Of `options` (may be NULL) only
 * the run callback applies: comparing hashes needs no threads and is quick. */
HVR_API hvr_status hvr_diff_manifests(const hvr_manifest *source, const hvr_manifest *target,
                                      const hvr_chunk_options *options, hvr_diff **out);
HVR_API void hvr_diff_destroy(hvr_diff *diff);

typedef struct hvr_diff_totals {
  size_t struct_size;
  uint32_t chunk_size;
  uint64_t source_size;
  uint64_t target_size;
  uint64_t chunks;           /* chunk positions compared (of the longer side) */
  uint64_t differing_chunks; /* 0: identical */
  uint64_t runs;
  uint64_t data_bytes;       /* to send */
  uint64_t zero_bytes;       /* to clear */
  uint64_t past_source_end_bytes;
} hvr_diff_totals;
#define HVR_DIFF_TOTALS_INIT {sizeof(hvr_diff_totals), 0, 0, 0, 0, 0, 0, 0, 0, 0}

HVR_API hvr_status hvr_diff_get_totals(const hvr_diff *diff, hvr_diff_totals *out);
/* The runs in disk order, owned by `diff` and valid until it is destroyed; none when a run
 * callback received them. */
HVR_API hvr_status hvr_diff_get_runs(const hvr_diff *diff, const hvr_diff_run **out_runs,
                                     size_t *out_count);
/* The diff as JSON (runs and totals); free it with hvr_string_free(). */
HVR_API hvr_status hvr_diff_get_json(const hvr_diff *diff, char **out_json);

/* ------------------------------------------------------------------------------------
 * Hyper-V Replica Logs (MS-HRL, docs/hrl-format.md): reading and verifying logs,
 * tracking a disk's writes into logs, and coalescing logs into page writes.
 *
 * GUIDs are 16 bytes in the on-disk (Microsoft) byte order, the order .NET's
 * System.Guid(byte[]) constructor takes. Timestamps are Unix seconds.
 * ---------------------------------------------------------------------------------- */

typedef struct hvr_hrl_header {
  size_t struct_size;
  uint32_t format_version; /* 0x00010000 or 0x00020000 */
  int64_t created;
  int64_t last_modified;
  uint8_t unique_id[16];
  uint8_t previous_unique_id[16];       /* zero for the first log of a chain */
  int has_vhd2_data_write_guid;         /* 0 for version 1 logs */
  uint8_t vhd2_data_write_guid[16];     /* the disk's DataWriteGuid while tracked */
  uint64_t eol_location;                /* 0: the log was not closed properly */
  uint64_t original_size;
  uint64_t current_size;
  uint32_t metadata_size;
  uint64_t total_metadata_entries;
  int32_t error_code;
  uint32_t creator_version;
  char creator_application[5];          /* NUL-terminated */
} hvr_hrl_header;
#define HVR_HRL_HEADER_INIT {sizeof(hvr_hrl_header), 0, 0, 0, {0}, {0}, 0, {0}, 0, 0, 0, 0, 0, 0, 0, {0}}

/* The header of any log, closed or not (cookie, checksum, version checked). */
HVR_API hvr_status hvr_hrl_read_header(const char *path, hvr_hrl_header *out);

/* Checks that the logs follow one another in the given order, and that the first
 * follows `previous_unique_id` (16 bytes; NULL: not checked). HVR_LOG_CHAIN_GAP names
 * the two logs that do not. */
HVR_API hvr_status hvr_hrl_check_chain(const char *const *paths, size_t count,
                                       const uint8_t *previous_unique_id);

/* A reader of one closed log, entry by entry, verifying every checksum. Opening fails
 * with HVR_LOG_NOT_CLOSED for a log that was not closed (resynchronize), with
 * HVR_CORRUPT_DATA naming file, offset, field, expected and found for damage, and for
 * writes beyond `disk_virtual_size`. Memory stays bounded whatever the log's size. */
typedef struct hvr_hrl_reader hvr_hrl_reader;

typedef struct hvr_hrl_entry {
  size_t struct_size;
  uint64_t index;        /* 0-based, in log order */
  uint64_t disk_offset;  /* where the data goes on the virtual disk */
  uint32_t length;
  int64_t timestamp;
  uint64_t data_location; /* file offset of the data in the log */
  int data_checksum_recorded; /* 0: the writer recorded no DataChecksum */
} hvr_hrl_entry;
#define HVR_HRL_ENTRY_INIT {sizeof(hvr_hrl_entry), 0, 0, 0, 0, 0, 0}

HVR_API hvr_status hvr_hrl_reader_open(const char *path, uint64_t disk_virtual_size,
                                       hvr_hrl_reader **out);
HVR_API hvr_status hvr_hrl_reader_get_header(const hvr_hrl_reader *reader, hvr_hrl_header *out);
/* Moves to the next entry: *out_has_entry is 1 and *entry describes it, or 0 after the
 * last. Data of the previous entry not read is read and verified here. */
HVR_API hvr_status hvr_hrl_reader_next(hvr_hrl_reader *reader, hvr_hrl_entry *entry,
                                       int *out_has_entry);
/* Reads up to `size` bytes of the current entry's data, continuing where the last call
 * stopped; *out_read is 0 once all was read. The call reading the last byte verifies
 * the data's checksum. */
HVR_API hvr_status hvr_hrl_reader_read_data(hvr_hrl_reader *reader, void *buffer, size_t size,
                                            size_t *out_read);
HVR_API void hvr_hrl_reader_close(hvr_hrl_reader *reader);

/* Change tracking: records a disk's writes into logs named <log_name>-<sequence>.hrl in
 * a folder, rotating to a new log each replication interval. Thread-safe: record,
 * flush, rotate and close_log may be called from any threads at once. A write is in the
 * log once flush, rotate or close_log returns, and on disk once its log is closed (rotate
 * and close fsync). If the newest log in the folder was never closed, tracking was
 * interrupted: the tracker continues the chain, reports the log
 * (hvr_hrl_tracker_get_interrupted_log and a warning to the log callback), and the disk
 * needs a resync. */
typedef struct hvr_hrl_tracker_options hvr_hrl_tracker_options;
typedef struct hvr_hrl_tracker hvr_hrl_tracker;

HVR_API hvr_status hvr_hrl_tracker_options_create(hvr_hrl_tracker_options **out);
/* Letters, digits, '.', '_' and '-'; default "hvr". */
HVR_API hvr_status hvr_hrl_tracker_options_set_log_name(hvr_hrl_tracker_options *options,
                                                        const char *log_name);
/* A multiple of 512 from 512 to 1 MiB; default 4096. */
HVR_API hvr_status hvr_hrl_tracker_options_set_metadata_size(hvr_hrl_tracker_options *options,
                                                             uint32_t metadata_size);
/* Receives warnings (an interrupted log found at creation). Called on the creating
 * thread, during hvr_hrl_tracker_create only. */
HVR_API hvr_status hvr_hrl_tracker_options_set_log_callback(hvr_hrl_tracker_options *options,
                                                            hvr_log_fn callback, void *user_data);
HVR_API void hvr_hrl_tracker_options_destroy(hvr_hrl_tracker_options *options);

/* `data_write_guid` (16 bytes) is stamped into every log; `options` may be NULL. */
HVR_API hvr_status hvr_hrl_tracker_create(const char *folder, uint64_t disk_virtual_size,
                                          const uint8_t *data_write_guid,
                                          const hvr_hrl_tracker_options *options,
                                          hvr_hrl_tracker **out);
HVR_API hvr_status hvr_hrl_tracker_record(hvr_hrl_tracker *tracker, uint64_t offset,
                                          const void *data, size_t size);
HVR_API hvr_status hvr_hrl_tracker_flush(hvr_hrl_tracker *tracker);
/* Closes the current log durably, starts the next; *out_closed_path (free with
 * hvr_string_free) is the closed log. HVR_LOG_NOT_CLOSED: the old log could not be
 * closed (or a record had failed); tracking goes on in the new log, resynchronize. */
HVR_API hvr_status hvr_hrl_tracker_rotate(hvr_hrl_tracker *tracker, char **out_closed_path);
HVR_API hvr_status hvr_hrl_tracker_close_log(hvr_hrl_tracker *tracker);
/* The log being written (free with hvr_string_free). */
HVR_API hvr_status hvr_hrl_tracker_get_current_log(const hvr_hrl_tracker *tracker, char **out_path);
/* The log found unclosed at creation (free with hvr_string_free), or NULL if none. */
HVR_API hvr_status hvr_hrl_tracker_get_interrupted_log(const hvr_hrl_tracker *tracker,
                                                   char **out_path);
/* Closes the current log if hvr_hrl_tracker_close_log was not called. */
HVR_API void hvr_hrl_tracker_destroy(hvr_hrl_tracker *tracker);

/* The closed logs of `log_name` (NULL: "hvr") in a folder, oldest first. */
typedef struct hvr_hrl_log_list hvr_hrl_log_list;
HVR_API hvr_status hvr_hrl_log_list_create(const char *folder, const char *log_name,
                                            hvr_hrl_log_list **out);
HVR_API hvr_status hvr_hrl_log_list_get_count(const hvr_hrl_log_list *list, size_t *out_count);
/* *out_path stays valid until the list is destroyed. */
HVR_API hvr_status hvr_hrl_log_list_get_path(const hvr_hrl_log_list *list, size_t index,
                                         const char **out_path);
HVR_API void hvr_hrl_log_list_destroy(hvr_hrl_log_list *list);

/* The extent map: writes coalesced, the last writer winning, into the fewest
 * 512-byte-aligned page writes of at most `max_bytes` (a multiple of 512; 4 MiB is
 * the Azure Put Page limit). One thread at a time. */
typedef struct hvr_extent_map hvr_extent_map;

/* Callbacks return HVR_OK to go on; any other status stops the call, which returns it. */
typedef hvr_status (*hvr_read_fn)(void *user_data, uint64_t offset, void *buffer, size_t size);
typedef hvr_status (*hvr_page_write_fn)(void *user_data, uint64_t offset, const void *data,
                                        size_t size);
typedef hvr_status (*hvr_range_fn)(void *user_data, uint64_t offset, uint64_t length);

HVR_API hvr_status hvr_extent_map_create(hvr_extent_map **out);
HVR_API void hvr_extent_map_destroy(hvr_extent_map *map);

/* How hvr_extent_map_read_logs and hvr_extent_map_get_page_writes run (NULL means the
 * defaults: no progress, never cancelled). Progress is in bytes of log read, of the logs'
 * total, and reaches hvr_extent_map_read_logs only; the token reaches both. */
typedef struct hvr_extent_map_options hvr_extent_map_options;
HVR_API hvr_status hvr_extent_map_options_create(hvr_extent_map_options **out);
HVR_API void hvr_extent_map_options_destroy(hvr_extent_map_options *options);
/* NULL removes it. */
HVR_API hvr_status hvr_extent_map_options_set_progress(hvr_extent_map_options *options, hvr_progress_fn fn,
                                                       void *user_data);
/* The token must outlive the calls that use these options. NULL removes it. */
HVR_API hvr_status hvr_extent_map_options_set_cancel_token(hvr_extent_map_options *options,
                                                           hvr_cancel_token *token);
/* Forgets every write, keeping memory for reuse. */
HVR_API hvr_status hvr_extent_map_clear(hvr_extent_map *map);
/* Records a write; the bytes are copied. */
HVR_API hvr_status hvr_extent_map_add(hvr_extent_map *map, uint64_t offset, const void *data,
                                      size_t size);
/* Reads closed logs, oldest first, into the map: the chain is checked first (and, when
 * `previous_unique_id` is not NULL, that the first log follows it), then every entry
 * with its checksums. The map refers to the logs' data rather than copying it: keep the
 * logs until the page writes are done. On failure the map must be cleared.
 * `out_entries` (may be NULL) receives the number of writes read. */
HVR_API hvr_status hvr_extent_map_read_logs(hvr_extent_map *map, const char *const *paths,
                                            size_t count, uint64_t disk_virtual_size,
                                            const uint8_t *previous_unique_id,
                                            const hvr_extent_map_options *options, uint64_t *out_entries);
/* Bytes whose content the writes decide, each counted once. */
HVR_API hvr_status hvr_extent_map_get_changed_bytes(hvr_extent_map *map, uint64_t *out_bytes);
/* The changed ranges, sorted, disjoint, adjacent ones joined: one call each. */
HVR_API hvr_status hvr_extent_map_get_changed_ranges(hvr_extent_map *map, hvr_range_fn callback,
                                                 void *user_data);
/* The page writes in disk order, each with its data (valid during the call). `base`
 * reads the disk as it was before the writes, for the unwritten bytes of partly
 * written pages; it may be NULL when every write is 512-byte aligned. */
HVR_API hvr_status hvr_extent_map_get_page_writes(hvr_extent_map *map, uint64_t max_bytes,
                                                  hvr_read_fn base, void *base_user_data,
                                                  hvr_page_write_fn write, void *write_user_data,
                                                  const hvr_extent_map_options *options);

/* ------------------------------------------------------------------------------------
 * Virtual disks: VHDX, VHD and raw images, differencing chains included
 *
 * Images are opened by content, not by file name. A read-only handle is thread-safe:
 * hvr_disk_read may run on many threads at once. A writable handle is thread-safe too;
 * its calls run one at a time (raw and fixed VHD images write in parallel). Writes are
 * volatile until hvr_disk_flush, like a disk with a write cache; a crash never leaves an
 * inconsistent image. The first write to a VHDX gives it a new DataWriteGuid
 * (hvr_disk_get_info shows it). docs/vhdx-format.md and docs/vhd-format.md say more.
 * ---------------------------------------------------------------------------------- */

typedef struct hvr_disk hvr_disk;

typedef enum hvr_disk_format {
  HVR_DISK_FORMAT_RAW = 0,
  HVR_DISK_FORMAT_VHD = 1,
  HVR_DISK_FORMAT_VHDX = 2,
  HVR_DISK_FORMAT_MAX_ENUM_ = 0x7fffffff
} hvr_disk_format;

typedef enum hvr_disk_type {
  HVR_DISK_TYPE_FIXED = 0,
  HVR_DISK_TYPE_DYNAMIC = 1,
  HVR_DISK_TYPE_DIFFERENCING = 2,
  HVR_DISK_TYPE_MAX_ENUM_ = 0x7fffffff
} hvr_disk_type;

/* What hvr_disk_get_info fills. GUIDs are 16 bytes in the on-disk (Microsoft) byte order,
 * as everywhere in this header, all zero when the format has no such identity; the text
 * forms ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", all zeros likewise) come first because the
 * struct had them first, and are kept for the programs built with them. */
typedef struct hvr_disk_info {
  size_t struct_size; /* set to sizeof(hvr_disk_info) */
  hvr_disk_format format;
  hvr_disk_type type;
  uint64_t virtual_size;
  uint32_t logical_sector_size;
  uint32_t physical_sector_size;
  uint32_t block_size;      /* allocation unit; 0 for raw and fixed VHD */
  char data_write_guid[37]; /* VHDX: changes whenever the virtual content may have */
  char file_write_guid[37]; /* VHDX */
  char page83_id[37];       /* VHDX: the virtual disk id the guest sees */
  char unique_id[37];       /* VHD footer unique id */
  char parent_identity[37]; /* differencing: the parent identity the child records */
  int log_replayed;         /* VHDX: 1 when the log held updates at open */
  const char *path;         /* owned by the handle, valid until hvr_disk_close */
  const char *parent_path;  /* differencing: the parent found; else NULL. Same lifetime */
  uint8_t data_write_guid_raw[16]; /* the five identities above as 16 bytes: use these */
  uint8_t file_write_guid_raw[16];
  uint8_t page83_id_raw[16];
  uint8_t unique_id_raw[16];
  uint8_t parent_identity_raw[16];
} hvr_disk_info;
#define HVR_DISK_INFO_INIT                                                                                    \
  {sizeof(hvr_disk_info), HVR_DISK_FORMAT_RAW, HVR_DISK_TYPE_FIXED, 0, 0, 0, 0, {0}, {0}, {0}, {0}, {0}, 0, NULL, \
   NULL, {0}, {0}, {0}, {0}, {0}}

typedef struct hvr_disk_range {
  uint64_t offset;
  uint64_t length;
} hvr_disk_range;

/* Options for opening (NULL means the defaults). */
typedef struct hvr_disk_open_options hvr_disk_open_options;

HVR_API hvr_status hvr_disk_open_options_create(hvr_disk_open_options **out);
HVR_API void hvr_disk_open_options_destroy(hvr_disk_open_options *options);
/* Longest differencing chain followed (default 64). */
HVR_API hvr_status hvr_disk_open_options_set_max_chain_depth(hvr_disk_open_options *options, int depth);
/* 0 to accept a VHD parent whose time stamp differs from the one the child recorded
 * (copies may lose it); the unique id is always checked. Default 1. */
HVR_API hvr_status hvr_disk_open_options_set_check_vhd_parent_timestamp(hvr_disk_open_options *options,
                                                                       int check);
/* Opens the image as `format` whatever its name says. Unset, the extension chooses:
 * .vhdx and .avhdx VHDX, .vhd and .avhd VHD, .raw, .img and .bin raw (any case); other
 * names are told by content, and a file with no VHDX or VHD signature is
 * HVR_INVALID_ARGUMENT rather than read as raw. An image taken for VHDX or VHD that is
 * damaged is an error naming the damage, never read as raw (docs/disk-io.md). */
HVR_API hvr_status hvr_disk_open_options_set_format(hvr_disk_open_options *options, hvr_disk_format format);

/* Opens an image read-only. A differencing disk opens and checks its parents; a missing
 * or changed parent is HVR_BROKEN_CHAIN. A VHDX log is replayed in memory only. */
HVR_API hvr_status hvr_disk_open(const char *path, const hvr_disk_open_options *options, hvr_disk **out);
/* Opens an image for writing (a pending VHDX log is replayed into the file). */
HVR_API hvr_status hvr_disk_open_writable(const char *path, const hvr_disk_open_options *options,
                                          hvr_disk **out);
/* The format hvr_disk_open would open the image at `path` as, with the default options
 * (by name, then content), without checking that the image is one. */
HVR_API hvr_status hvr_disk_detect_format(const char *path, hvr_disk_format *out_format);
/* Closes the handle. A writable VHDX is committed and its log emptied; call
 * hvr_disk_flush first to learn whether the last writes reached the disk. */
HVR_API void hvr_disk_close(hvr_disk *disk);

HVR_API hvr_status hvr_disk_get_info(const hvr_disk *disk, hvr_disk_info *info);
/* Reads `length` bytes at `offset`; unallocated space reads as zeros. */
HVR_API hvr_status hvr_disk_read(const hvr_disk *disk, uint64_t offset, void *buffer, size_t length);
/* The sorted, disjoint ranges that may hold non-zero data (for a differencing disk, its
 * own and its parents' that it does not hide). Free *out_ranges with hvr_disk_ranges_free. */
HVR_API hvr_status hvr_disk_get_allocated_ranges(const hvr_disk *disk, hvr_disk_range **out_ranges,
                                             size_t *out_count);
/* Accepts NULL. */
HVR_API void hvr_disk_ranges_free(hvr_disk_range *ranges);

/* Writable handles only (others: HVR_INVALID_ARGUMENT). */
HVR_API hvr_status hvr_disk_write(hvr_disk *disk, uint64_t offset, const void *data, size_t length);
/* Makes a range read as zeros, releasing whole blocks where the format can. */
HVR_API hvr_status hvr_disk_write_zeros(hvr_disk *disk, uint64_t offset, uint64_t length);
/* Makes every completed write durable. */
HVR_API hvr_status hvr_disk_flush(hvr_disk *disk);

/* Options for new images (NULL means the defaults: 32 MiB blocks, 512-byte logical and
 * 4096-byte physical sectors; a differencing child takes its parent's). */
typedef struct hvr_disk_create_options hvr_disk_create_options;

HVR_API hvr_status hvr_disk_create_options_create(hvr_disk_create_options **out);
HVR_API void hvr_disk_create_options_destroy(hvr_disk_create_options *options);
/* A power of two from 1 MiB to 256 MiB. */
HVR_API hvr_status hvr_disk_create_options_set_block_size(hvr_disk_create_options *options, uint32_t bytes);
/* 512 or 4096 each. */
HVR_API hvr_status hvr_disk_create_options_set_sector_sizes(hvr_disk_create_options *options,
                                                            uint32_t logical, uint32_t physical);

/* New files are built beside `path` and renamed into place; an existing file is never
 * replaced (HVR_CONFLICT). */
/* A VHDX of HVR_DISK_TYPE_DYNAMIC or HVR_DISK_TYPE_FIXED. */
HVR_API hvr_status hvr_disk_create_vhdx(const char *path, uint64_t virtual_size, hvr_disk_type type,
                                        const hvr_disk_create_options *options);
/* A differencing VHDX over a VHDX parent, as a Hyper-V checkpoint makes. The parent
 * must not be written afterwards. Only the block size option applies. */
HVR_API hvr_status hvr_disk_create_differencing(const char *child_path, const char *parent_path,
                                                const hvr_disk_create_options *options);
/* A fixed VHD, Azure's disk layout: `virtual_size` must be a whole number of MiB. */
HVR_API hvr_status hvr_disk_create_vhd_fixed(const char *path, uint64_t virtual_size);
/* A sparse raw image. */
HVR_API hvr_status hvr_disk_create_raw(const char *path, uint64_t virtual_size);

/* How a merge runs (NULL means the defaults): the child kept or not, progress in bytes
 * of the child's own data, cancellation. */
typedef struct hvr_merge_options hvr_merge_options;

HVR_API hvr_status hvr_merge_options_create(hvr_merge_options **out);
HVR_API void hvr_merge_options_destroy(hvr_merge_options *options);
/* keep_child != 0: the child stays once merged (default 0: it is deleted). */
HVR_API hvr_status hvr_merge_options_set_keep_child(hvr_merge_options *options, int keep_child);
/* NULL removes it. */
HVR_API hvr_status hvr_merge_options_set_progress(hvr_merge_options *options, hvr_progress_fn fn, void *user_data);
/* The token must outlive the calls that use these options. NULL removes it. */
HVR_API hvr_status hvr_merge_options_set_cancel_token(hvr_merge_options *options, hvr_cancel_token *token);

/* Merges a differencing VHDX into its parent and deletes it (unless the options keep it).
 * If interrupted, the child still opens with the same content and a second call completes
 * the merge. `out_parent_data_write_guid` (16 bytes, may be NULL) receives the parent's new
 * DataWriteGuid, as hvr_disk_info's data_write_guid_raw and hvr_hrl_tracker_create have it. */
HVR_API hvr_status hvr_disk_merge_child(const char *child_path, const hvr_merge_options *options,
                                        uint8_t *out_parent_data_write_guid);

typedef enum hvr_convert_target {
  HVR_CONVERT_RAW = 0,        /* sparse raw image */
  HVR_CONVERT_VHDX = 1,       /* dynamic VHDX */
  HVR_CONVERT_VHDX_FIXED = 2, /* fixed VHDX */
  HVR_CONVERT_VHD_FIXED = 3,  /* fixed VHD for Azure; the size is rounded up to a whole MiB */
  HVR_CONVERT_TARGET_MAX_ENUM_ = 0x7fffffff
} hvr_convert_target;

/* Options for hvr_disk_convert (NULL means the defaults). */
typedef struct hvr_convert_options hvr_convert_options;

HVR_API hvr_status hvr_convert_options_create(hvr_convert_options **out);
HVR_API void hvr_convert_options_destroy(hvr_convert_options *options);
/* VHDX targets; default 32 MiB. */
HVR_API hvr_status hvr_convert_options_set_block_size(hvr_convert_options *options, uint32_t bytes);
/* Threads reading and writing; 0 (default) for one per core, at most 4. */
HVR_API hvr_status hvr_convert_options_set_threads(hvr_convert_options *options, int threads);
/* 1 (default): the result is durable when the call returns; 0 leaves that to the OS. */
HVR_API hvr_status hvr_convert_options_set_sync(hvr_convert_options *options, int sync);
/* 1: replace an existing destination; 0 (default): HVR_CONFLICT. */
HVR_API hvr_status hvr_convert_options_set_overwrite(hvr_convert_options *options, int overwrite);
/* Bytes of allocated source data done, of their total. NULL removes it. */
HVR_API hvr_status hvr_convert_options_set_progress(hvr_convert_options *options, hvr_progress_fn fn, void *user_data);
/* The token must outlive the calls that use these options. NULL removes it. */
HVR_API hvr_status hvr_convert_options_set_cancel_token(hvr_convert_options *options, hvr_cancel_token *token);

/* Writes the content of `source` to a new image: only allocated ranges are read, zero
 * data is not written. */
HVR_API hvr_status hvr_disk_convert_to(const hvr_disk *source, const char *destination,
                                       hvr_convert_target target, const hvr_convert_options *options);

/* Chunk-diff over open handles: the calls of the chunk-diff section for disks opened
 * here, with open options (a differencing chain that needs them) or writable (a replica
 * whose manifest follows its writes without reopening it). The calls read the handles
 * from their worker threads at once, which disk handles allow. */
HVR_API hvr_status hvr_disk_build_manifest(const hvr_disk *disk, const hvr_chunk_options *options,
                                           hvr_manifest **out);
HVR_API hvr_status hvr_disk_update_manifest(const hvr_disk *disk, hvr_manifest *manifest,
                                            const hvr_changed_range *ranges, size_t count,
                                            const hvr_chunk_options *options);
HVR_API hvr_status hvr_disk_diff(const hvr_disk *source, const hvr_disk *target,
                                 const hvr_chunk_options *options, hvr_diff **out);
HVR_API hvr_status hvr_disk_diff_manifest(const hvr_disk *source, const hvr_manifest *target,
                                          const hvr_chunk_options *options, hvr_diff **out);

/* ------------------------------------------------------------------------------------
 * Replica stores (docs/store-design.md)
 *
 * A store holds replica disks, each an Azure-ready fixed VHD: Azure page blobs in a
 * container, or a local folder. hvr_store_open takes one target string:
 *   - a connection string naming its container, with an account key, a SAS or a
 *     Microsoft Entra ID service principal (TenantId, ClientId, ClientSecret or
 *     ClientCertificatePath; docs/transport.md, "Authorisation"), e.g.
 *     "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=...;Container=replicas";
 *   - a container URL with a SAS token, "https://a.blob.core.windows.net/replicas?sv=...";
 *   - anything else is a local folder, created when missing.
 * Calls block until done. A store is thread-safe: calls may come from many threads at
 * once. Messages and log lines never contain keys, SAS signatures, client secrets or
 * tokens.
 * ---------------------------------------------------------------------------------- */

typedef struct hvr_store_options hvr_store_options;
typedef struct hvr_store hvr_store;

HVR_API hvr_status hvr_store_options_create(hvr_store_options **out);
HVR_API void hvr_store_options_destroy(hvr_store_options *options);
/* Requests in flight at once (default 8, 1 to 64), each holding at most 4 MiB. */
HVR_API hvr_status hvr_store_options_set_max_in_flight(hvr_store_options *options, int requests);
/* Requests a second to each blob at most (default 500, Azure's target for a page blob; 1
 * to 100000): requests are spaced so, and the service's ServerBusy answers for going past
 * it do not come (docs/transport.md, "Pacing"). A protection sets it from its link
 * (hvr_protection_set_link). */
HVR_API hvr_status hvr_store_options_set_blob_requests(hvr_store_options *options,
                                                       uint32_t requests_per_second);
/* Milliseconds to connect, and the longest one step of a request may take (defaults
 * 30000 and 60000). */
HVR_API hvr_status hvr_store_options_set_timeouts(hvr_store_options *options, int64_t connect_ms,
                                                  int64_t io_ms);
/* verify = 0 turns certificate checks off (a warning is logged); ca_file (may be NULL)
 * is a PEM file of CAs to trust instead of the system's. */
HVR_API hvr_status hvr_store_options_set_tls(hvr_store_options *options, int verify,
                                             const char *ca_file);
/* "http://[user:password@]host:port"; "" for no proxy; NULL for HTTPS_PROXY/HTTP_PROXY. */
HVR_API hvr_status hvr_store_options_set_proxy(hvr_store_options *options, const char *proxy_url);
/* Bytes per second during work hours and outside them (0: unlimited). Work hours are
 * [work_start_minute, work_end_minute) of the host's local day on the days whose bit is
 * set in work_days (bit 0 Sunday ... bit 6 Saturday; a higher bit is HVR_INVALID_ARGUMENT). */
HVR_API hvr_status hvr_store_options_set_bandwidth(hvr_store_options *options,
                                                   uint64_t work_bytes_per_second,
                                                   uint64_t non_work_bytes_per_second,
                                                   int work_start_minute, int work_end_minute,
                                                   unsigned work_days);
/* A customer-provided AES-256 key (32 bytes) Azure encrypts the data with; needs https. */
HVR_API hvr_status hvr_store_options_set_encryption_key(hvr_store_options *options,
                                                        const uint8_t *key, size_t key_size);
/* Log lines of the store (requests at debug level). Called from library threads. */
HVR_API hvr_status hvr_store_options_set_log(hvr_store_options *options, hvr_log_fn log,
                                             void *user_data);
/* How each request is tried again after the failures the service documents as transient
 * (408, 429, 500, 502, 503, 504, resets, timeouts; docs/transport.md "Retries"): at most
 * max_attempts tries (1: none again; at most 100), waits from base_delay_ms doubling up to
 * max_delay_ms with jitter (a Retry-After from the service wins), and no try later than
 * max_elapsed_ms after the first. Defaults 6, 1000, 30000, 120000. */
HVR_API hvr_status hvr_store_options_set_retries(hvr_store_options *options, int max_attempts,
                                                 int64_t base_delay_ms, int64_t max_delay_ms,
                                                 int64_t max_elapsed_ms);

/* Opens the store `target` names. `options` may be NULL (defaults); it is copied. */
HVR_API hvr_status hvr_store_open(const char *target, const hvr_store_options *options,
                                  hvr_store **out);
/* Blocks on the network: waits for the store's own background work (requests in flight,
 * connections being closed), then closes; after it returns the log callback is not called
 * again. Like every destroy call it must not run while another call on the store runs.
 * Accepts NULL. */
HVR_API void hvr_store_close(hvr_store *store);

/* What a store did since it was opened. */
typedef struct hvr_store_statistics {
  size_t struct_size;
  uint64_t requests;          /* requests sent, each try counted */
  uint64_t retries;           /* tries after a transient failure */
  uint64_t throttled;         /* answers asking to slow down (503, 429, 500 OperationTimedOut) */
  uint64_t network_failures;  /* resets, truncated answers, timeouts, failed connections */
  uint64_t failed_requests;   /* requests given up after their retries */
  int in_flight_limit;        /* requests let in flight now: halved when the service is busy */
  int max_in_flight;          /* the configured ceiling */
} hvr_store_statistics;
#define HVR_STORE_STATISTICS_INIT {sizeof(hvr_store_statistics), 0, 0, 0, 0, 0, 0, 0}

HVR_API hvr_status hvr_store_get_statistics(hvr_store *store, hvr_store_statistics *out);

/* The disks as JSON, sorted by name:
 *   {"store": "...", "disks": [{"name": "...", "virtual_size": N, "recovery_points": N,
 *    "lease_state": "available", "last_modified": "ISO 8601", "metadata": {...}}]}
 * Free *out_json with hvr_string_free. */
HVR_API hvr_status hvr_store_get_disks_json(hvr_store *store, char **out_json);

typedef struct hvr_transfer_stats {
  size_t struct_size;
  uint64_t virtual_size;  /* of the replica disk */
  uint64_t bytes_read;    /* read from the source */
  uint64_t bytes_sent;    /* written to the destination */
  uint64_t bytes_skipped; /* unallocated or zero: not moved */
  uint64_t requests;
  int64_t elapsed_ms;
} hvr_transfer_stats;
#define HVR_TRANSFER_STATS_INIT {sizeof(hvr_transfer_stats), 0, 0, 0, 0, 0, 0}

/* How an upload or a download runs (NULL means the defaults: no progress, never
 * cancelled). Progress is in bytes of the disk settled, of its virtual size. */
typedef struct hvr_transfer_options hvr_transfer_options;
HVR_API hvr_status hvr_transfer_options_create(hvr_transfer_options **out);
HVR_API void hvr_transfer_options_destroy(hvr_transfer_options *options);
/* NULL removes it. */
HVR_API hvr_status hvr_transfer_options_set_progress(hvr_transfer_options *options, hvr_progress_fn fn,
                                                     void *user_data);
/* The token must outlive the calls that use these options. NULL removes it. */
HVR_API hvr_status hvr_transfer_options_set_cancel_token(hvr_transfer_options *options, hvr_cancel_token *token);

/* Copies the disk image at image_path (VHDX, VHD or raw) to a new replica disk
 * disk_name, its size rounded up to whole MiB, sending only allocated non-zero data.
 * HVR_CONFLICT if the disk exists. options and out_stats may be NULL. */
HVR_API hvr_status hvr_store_upload_image(hvr_store *store, const char *image_path, const char *disk_name,
                                          const hvr_transfer_options *options, hvr_transfer_stats *out_stats);
/* The same from an open disk handle: a chain opened with its own options, or a writable
 * image read as it stands. */
HVR_API hvr_status hvr_store_upload_open_disk(hvr_store *store, const hvr_disk *disk, const char *disk_name,
                                              const hvr_transfer_options *options, hvr_transfer_stats *out_stats);
/* Writes replica disk disk_name, or its recovery point (NULL: the disk as it is), to a
 * new file out_path: sparse, with the fixed-VHD footer when with_footer is not 0.
 * HVR_CONFLICT if out_path exists. options and out_stats may be NULL. */
HVR_API hvr_status hvr_store_download_image(hvr_store *store, const char *disk_name, const char *recovery_point,
                                            const char *out_path, int with_footer,
                                            const hvr_transfer_options *options, hvr_transfer_stats *out_stats);
/* Deletes the disk and all its recovery points. */
HVR_API hvr_status hvr_store_delete_disk(hvr_store *store, const char *disk_name);

/* Takes a recovery point of the disk; *out_id (free with hvr_string_free) names it. */
HVR_API hvr_status hvr_store_create_recovery_point(hvr_store *store, const char *disk_name,
                                                   int app_consistent, char **out_id);
/* The disk's recovery points as JSON, oldest first:
 *   [{"id": "...", "created": "ISO 8601", "app_consistent": false, "metadata": {...}}]
 * Free *out_json with hvr_string_free. */
HVR_API hvr_status hvr_store_get_recovery_points_json(hvr_store *store, const char *disk_name,
                                                       char **out_json);
HVR_API hvr_status hvr_store_delete_recovery_point(hvr_store *store, const char *disk_name,
                                                   const char *recovery_point);

/* Replica disks piece by piece, for a replication loop built on these calls (applying
 * page writes of hvr_extent_map_page_writes, or the runs of a diff). Offsets and lengths
 * of writes and clears are multiples of 512; a write carries at most 4 MiB (the Azure Put
 * Page limit) and is durable when the call returns. `recovery_point` NULL means the disk
 * as it is now. */

/* An empty replica disk of `virtual_size` bytes (a positive whole number of MiB).
 * HVR_CONFLICT if a disk of that name exists: nothing is overwritten. */
HVR_API hvr_status hvr_store_create_disk(hvr_store *store, const char *disk_name,
                                         uint64_t virtual_size);
HVR_API hvr_status hvr_store_write_pages(hvr_store *store, const char *disk_name, uint64_t offset,
                                         const void *data, size_t size);
/* Makes the range read as zeros and releases its pages. */
HVR_API hvr_status hvr_store_clear_pages(hvr_store *store, const char *disk_name, uint64_t offset,
                                         uint64_t length);
/* Reads `size` bytes at `offset`, any alignment, inside the virtual size. */
HVR_API hvr_status hvr_store_read(hvr_store *store, const char *disk_name,
                                  const char *recovery_point, uint64_t offset, void *buffer,
                                  size_t size);
/* The ranges that may hold data, sorted, disjoint and 512-aligned; everything else reads
 * as zeros. Free *out_ranges with hvr_disk_ranges_free. */
HVR_API hvr_status hvr_store_get_allocated_ranges(hvr_store *store, const char *disk_name,
                                              const char *recovery_point,
                                              hvr_disk_range **out_ranges, size_t *out_count);
/* The ranges written or cleared between recovery point `from` and recovery point `to`
 * (NULL: now), sorted and disjoint; they may over-report, never under-report.
 * HVR_UNSUPPORTED where the store cannot tell (compare content instead: chunk-diff).
 * Free *out_ranges with hvr_disk_ranges_free. */
HVR_API hvr_status hvr_store_get_changed_ranges(hvr_store *store, const char *disk_name,
                                            const char *from, const char *to,
                                            hvr_disk_range **out_ranges, size_t *out_count);
/* A new disk `new_disk_name` with the content of a recovery point (failover and test
 * failover start from such copies). HVR_CONFLICT if it exists. */
HVR_API hvr_status hvr_store_copy_recovery_point(hvr_store *store, const char *disk_name,
                                                 const char *recovery_point,
                                                 const char *new_disk_name);

typedef enum hvr_lease_state {
  HVR_LEASE_AVAILABLE = 0, /* nobody holds a lease */
  HVR_LEASE_LEASED = 1,    /* someone holds one (maybe this store) */
  HVR_LEASE_BREAKING = 2,  /* a break was asked for; it ends with the break period */
  HVR_LEASE_BROKEN = 3,    /* broken; anyone may acquire */
  HVR_LEASE_EXPIRED = 4,   /* ran out without renewal; anyone may acquire */
  HVR_LEASE_STATE_MAX_ENUM_ = 0x7fffffff
} hvr_lease_state;

/* What hvr_store_get_disk fills. */
typedef struct hvr_store_disk_info {
  size_t struct_size; /* set to sizeof(hvr_store_disk_info) */
  uint64_t virtual_size;
  int64_t last_modified;
  hvr_lease_state lease_state;
} hvr_store_disk_info;
#define HVR_STORE_DISK_INFO_INIT {sizeof(hvr_store_disk_info), 0, 0, HVR_LEASE_AVAILABLE}

HVR_API hvr_status hvr_store_get_disk(hvr_store *store, const char *disk_name,
                                      hvr_store_disk_info *out);

/* Metadata: small key/value pairs kept with a disk. Keys are a letter or '_' followed by
 * letters, digits and '_' (at most 64, compared without regard to case, "hvr..." reserved);
 * values are printable ASCII; all pairs together stay under 8 KiB. Setting replaces
 * every pair. */
HVR_API hvr_status hvr_store_set_metadata(hvr_store *store, const char *disk_name,
                                          const char *const *keys, const char *const *values,
                                          size_t count);
/* The pairs as a JSON object, {"key": "value", ...}; free with hvr_string_free. */
HVR_API hvr_status hvr_store_get_metadata_json(hvr_store *store, const char *disk_name,
                                               char **out_json);

/* Leases: only the holder writes. While this store holds a disk's lease, its writes to
 * that disk carry it, and once the lease is lost they fail with HVR_CONFLICT, as does
 * acquiring a lease someone else holds. `duration_seconds` is 15 to 60, or -1 for a
 * lease without end; `proposed_id` (a GUID as text, may be NULL) lets an agent that restarts
 * take back the lease it held. *out_lease_id: free with hvr_string_free. */
HVR_API hvr_status hvr_store_acquire_lease(hvr_store *store, const char *disk_name,
                                           int64_t duration_seconds, const char *proposed_id,
                                           char **out_lease_id);
HVR_API hvr_status hvr_store_renew_lease(hvr_store *store, const char *disk_name);
HVR_API hvr_status hvr_store_release_lease(hvr_store *store, const char *disk_name);
/* Ends whoever's lease after `break_period_seconds` (0 to 60): how an administrator
 * takes a disk back from an agent that is gone. */
HVR_API hvr_status hvr_store_break_lease(hvr_store *store, const char *disk_name,
                                         int64_t break_period_seconds);


/* ------------------------------------------------------------------------------------
 * Replication (docs/session.md, docs/failover.md)
 *
 * An engine is what many sessions in one process share: the I/O threads, the stores, a
 * bound on the sessions doing I/O at once. A session is one protected VM, kept in a
 * state directory: enable protection, initial replication, delta cycles, resync, status,
 * jobs, recovery points, failover, failback, reverse replication. The host (the
 * embedding product) does what only it can through the callbacks of an hvr_host:
 * checkpoints, log rotation, shutting VMs down and starting them, creating VMs in Azure.
 *
 * Session calls block until their operation ends and are thread-safe: operations on one
 * session run one at a time; status, jobs and points may be read from any thread while
 * one runs. Host callbacks run on the thread of the call that needs them. JSON documents
 * returned through `char **` are freed with hvr_string_free; their fields are those of
 * `hvrepl ... --json` (docs/session.md lists them).
 * ---------------------------------------------------------------------------------- */

typedef enum hvr_replication_state {
  HVR_REPLICATION_ENABLED = 0,             /* protection enabled, no initial replication yet */
  HVR_REPLICATION_INITIAL_REPLICATION = 1, /* copying (resumable) */
  HVR_REPLICATION_REPLICATING = 2,         /* protected: delta cycles ship the logs */
  HVR_REPLICATION_RESYNC_REQUIRED = 3,     /* tracking broke; waiting for the window or an operator */
  HVR_REPLICATION_RESYNCHRONIZING = 4,     /* resync running (resumable) */
  HVR_REPLICATION_FAILED_OVER = 5,         /* the VM runs from the replica */
  HVR_REPLICATION_FAILOVER_COMMITTED = 6,  /* its recovery points are gone */
  HVR_REPLICATION_FAILED_BACK = 7,         /* back on premises, until reverse replication */
  HVR_REPLICATION_FAILING_OVER = 8,        /* a failover runs; a crash resumes it */
  HVR_REPLICATION_STATE_MAX_ENUM_ = 0x7fffffff
} hvr_replication_state;

typedef enum hvr_health {
  HVR_HEALTH_NORMAL = 0,
  HVR_HEALTH_WARNING = 1,  /* recoverable errors retried, a resync pending, or RPO over its threshold */
  HVR_HEALTH_CRITICAL = 2, /* a non-recoverable error: an administrator must act */
  HVR_HEALTH_MAX_ENUM_ = 0x7fffffff
} hvr_health;

/* "replicating", "normal"...: static strings; "unknown" for other values. */
HVR_API const char *hvr_replication_state_name(hvr_replication_state state);
HVR_API const char *hvr_health_name(hvr_health health);

/* Engines. Thread-safe. Destroy one only after every session and scheduler made with it. */
typedef struct hvr_engine_options hvr_engine_options;
typedef struct hvr_engine hvr_engine;

HVR_API hvr_status hvr_engine_options_create(hvr_engine_options **out);
HVR_API void hvr_engine_options_destroy(hvr_engine_options *options);
/* Threads running network I/O and timers (default 1, 1 to 64). */
HVR_API hvr_status hvr_engine_options_set_io_threads(hvr_engine_options *options, int threads);
/* Sessions doing I/O at once (default 4, 1 to 1024); each holds its requests in flight x 4 MiB. */
HVR_API hvr_status hvr_engine_options_set_max_active_sessions(hvr_engine_options *options, int sessions);
/* The engine's log lines (stores' requests at debug level); called from library threads
 * until hvr_engine_destroy returns. */
HVR_API hvr_status hvr_engine_options_set_log(hvr_engine_options *options, hvr_log_fn log, void *user_data);

/* `options` may be NULL (defaults). */
HVR_API hvr_status hvr_engine_create(const hvr_engine_options *options, hvr_engine **out);
/* Blocks on the network: closes the engine's stores, waiting for their requests in flight. */
HVR_API void hvr_engine_destroy(hvr_engine *engine);

/* What protecting a VM means: its disks, the target, the relationship's settings.
 * Defaults: 5-minute interval, 24 hours of recovery points, no
 * app-consistent points, resync outside 08:00-18:00 on weekdays, 8 requests in flight. */
typedef struct hvr_protection hvr_protection;

/* `vm_name` must be valid as an Azure VM name; `target` is a store target (see the
 * stores' section); it may hold a secret, which the state directory keeps owner-only. */
HVR_API hvr_status hvr_protection_create(const char *vm_name, const char *target, hvr_protection **out);
HVR_API void hvr_protection_destroy(hvr_protection *protection);
/* Adds a disk (OS disk first). `log_folder` and `log_name` (NULL: the disk's folder and
 * its file name without extension) say where the host's tracker writes its logs;
 * `replica_name` (NULL: "<vm>-disk<index>") names the replica disk. */
HVR_API hvr_status hvr_protection_add_disk(hvr_protection *protection, const char *path,
                                           const char *log_folder, const char *log_name,
                                           const char *replica_name);
/* Seconds between cycles: 30, 300 or 900. */
HVR_API hvr_status hvr_protection_set_replication_interval(hvr_protection *protection, int64_t seconds);
/* Hours of recovery points kept (0: the latest only; at most 360). */
HVR_API hvr_status hvr_protection_set_recovery_history_hours(hvr_protection *protection, int64_t hours);
/* Hours between app-consistent points (0: none; at most 12, within the history). */
HVR_API hvr_status hvr_protection_set_app_consistent_frequency_hours(hvr_protection *protection, int64_t hours);
/* Health turns warning past this RPO (default: three intervals). */
HVR_API hvr_status hvr_protection_set_rpo_threshold(hvr_protection *protection, int64_t seconds);
/* Requests in flight (default 8, 1 to 64; checked when protecting). */
HVR_API hvr_status hvr_protection_set_max_in_flight(hvr_protection *protection, int requests);
HVR_API hvr_status hvr_protection_set_tls(hvr_protection *protection, int verify, const char *ca_file);
/* NULL: HTTPS_PROXY/HTTP_PROXY; "" no proxy. */
HVR_API hvr_status hvr_protection_set_proxy(hvr_protection *protection, const char *proxy_url);
/* A customer-provided AES-256 key, 32 bytes or 64 hex digits, in a file. */
HVR_API hvr_status hvr_protection_set_encryption_key_file(hvr_protection *protection, const char *path);
/* As hvr_store_options_set_bandwidth. */
HVR_API hvr_status hvr_protection_set_bandwidth(hvr_protection *protection, uint64_t work_bytes_per_second,
                                                uint64_t non_work_bytes_per_second, int work_start_minute,
                                                int work_end_minute, unsigned work_days);
/* The link to the target, which decides how far page writes join across zeros
 * (docs/transport.md, "Joining writes across zeros"): bytes a second it carries (125,000
 * to 12,500,000,000; default 12,500,000, 100 Mbit/s) and requests a second one replica
 * disk takes (1 to 100,000; default 500, Azure's target for a page blob), to which the
 * requests to each disk are also spaced ("Pacing"). A rate of 0 takes its default. */
HVR_API hvr_status hvr_protection_set_link(hvr_protection *protection, uint64_t bytes_per_second,
                                           uint32_t requests_per_second);
/* Resync starts by itself (automatic != 0) outside office hours, [start, end) of local
 * time on the days whose bit is set (bit 0 Sunday); by hand it starts at once. */
HVR_API hvr_status hvr_protection_set_resync_window(hvr_protection *protection, int automatic,
                                                    int office_start_minute, int office_end_minute,
                                                    unsigned office_days);
/* Chunk size of the replica manifests (0: 256 KiB). */
HVR_API hvr_status hvr_protection_set_chunk_size(hvr_protection *protection, uint32_t bytes);
/* A setting handed to the host when it creates the VM in Azure (size, network...). */
HVR_API hvr_status hvr_protection_set_failover_setting(hvr_protection *protection, const char *key,
                                                       const char *value);

/* The VM a host callback is about. Valid during the call. */
typedef struct hvr_host_vm {
  size_t struct_size;
  const char *name;
  uint8_t id[16];           /* the relationship's id */
  size_t disk_count;
  const char *const *disks; /* the protected disks' paths */
} hvr_host_vm;

/* What a checkpoint callback fills: for each disk, its point-in-time view, and the
 * DataWriteGuid its tracker stamps into logs from now on (NULL: taken from the logs). */
typedef struct hvr_checkpoint hvr_checkpoint;
HVR_API hvr_status hvr_checkpoint_set_disk(hvr_checkpoint *checkpoint, size_t index, const char *frozen_path,
                                           const uint8_t *tracked_identity);

/* Host callbacks return HVR_OK, or the status the operation fails with. */
/* Freezes every disk at one instant (a checkpoint; again the same one when asked while
 * it is active) and fills `checkpoint`; from then on every write is tracked. */
typedef hvr_status (*hvr_host_checkpoint_fn)(void *user_data, const hvr_host_vm *vm, hvr_checkpoint *checkpoint);
/* Merging the checkpoint, shutting the VM down (its trackers close their logs),
 * starting it. */
typedef hvr_status (*hvr_host_vm_fn)(void *user_data, const hvr_host_vm *vm);
/* Closes every disk's log and starts the next, quiescing the guest first when asked;
 * *out_quiesced = 1 if it did. */
typedef hvr_status (*hvr_host_rotate_fn)(void *user_data, const hvr_host_vm *vm, int quiesce, int *out_quiesced);
/* Creating, stopping or deleting the VM in Azure, described by `vm_json` (the JSON of a
 * failed-over VM: name, point, disks with their locations, the failover settings). */
typedef hvr_status (*hvr_host_azure_fn)(void *user_data, const char *vm_json);
/* A recovery plan's action. */
typedef hvr_status (*hvr_host_plan_action_fn)(void *user_data, const char *plan, const char *action);
/* Merging the checkpoint, shutting the VM down (its trackers close their logs),
 * starting it, and stopping its change trackers when protection is removed (they close
 * their logs, which hvr then deletes) are hvr_host_vm_fn callbacks. */
/* Whether the on-premises VM runs (*out_running = 1) and so may write its disks at any
 * moment: failback to the VM's own disks asks before writing them and fails with
 * HVR_CONFLICT while it runs. */
typedef hvr_status (*hvr_host_running_fn)(void *user_data, const hvr_host_vm *vm, int *out_running);

/* A set of host callbacks; those not set behave as for disks nothing writes (checkpoint:
 * the disks themselves; rotate: nothing; shut down: HVR_UNSUPPORTED; VM running: no;
 * the rest: nothing).
 * A host must outlive the sessions given it, and its callbacks are set before it is
 * given to one (sessions read them without a lock). Its callbacks may run on several
 * threads at once for different VMs. */
typedef struct hvr_host hvr_host;
HVR_API hvr_status hvr_host_create(void *user_data, hvr_host **out);
HVR_API void hvr_host_destroy(hvr_host *host);
HVR_API hvr_status hvr_host_set_checkpoint(hvr_host *host, hvr_host_checkpoint_fn fn);
HVR_API hvr_status hvr_host_set_merge_checkpoint(hvr_host *host, hvr_host_vm_fn fn);
HVR_API hvr_status hvr_host_set_rotate_logs(hvr_host *host, hvr_host_rotate_fn fn);
HVR_API hvr_status hvr_host_set_shutdown_vm(hvr_host *host, hvr_host_vm_fn fn);
HVR_API hvr_status hvr_host_set_start_vm(hvr_host *host, hvr_host_vm_fn fn);
HVR_API hvr_status hvr_host_set_create_azure_vm(hvr_host *host, hvr_host_azure_fn fn);
HVR_API hvr_status hvr_host_set_shutdown_azure_vm(hvr_host *host, hvr_host_azure_fn fn);
HVR_API hvr_status hvr_host_set_delete_azure_vm(hvr_host *host, hvr_host_azure_fn fn);
HVR_API hvr_status hvr_host_set_plan_action(hvr_host *host, hvr_host_plan_action_fn fn);
HVR_API hvr_status hvr_host_set_vm_running(hvr_host *host, hvr_host_running_fn fn);
/* Stop tracking: the trackers of the disks vm->disks names stop and close their logs (all
 * the VM's when protection is removed; one when hvr_session_remove_disk removes it). */
HVR_API hvr_status hvr_host_set_stop_tracking(hvr_host *host, hvr_host_vm_fn fn);

/* Receives a job as JSON whenever it starts, changes step, makes progress (at most every
 * half second) or ends; on the operation's thread; `job_json` is valid during the call. */
typedef void (*hvr_job_fn)(void *user_data, const char *job_json);

/* What an event is about (docs/monitoring.md lists them with their fields). The numbers
 * are stable: never reused or renumbered. */
typedef enum hvr_event_id {
  HVR_EVENT_PROTECTION_ENABLED = 1,
  HVR_EVENT_STATE_CHANGED = 2,
  HVR_EVENT_HEALTH_CHANGED = 3,
  HVR_EVENT_RESYNC_REQUIRED = 4,
  HVR_EVENT_RECOVERY_POINT_TAKEN = 5,
  HVR_EVENT_RETRY_SCHEDULED = 6,
  HVR_EVENT_FAILOVER_STEP_ENDED = 7,
  HVR_EVENT_ID_MAX_ENUM_ = 0x7fffffff
} hvr_event_id;

/* Receives every event as it happens, with its JSON ({"id", "name", "vm_name", "time",
 * "message" and the fields of its kind}); on the thread of the operation (or of
 * hvr_session_run_due_work for a health change the passing time made); `event_json` is valid
 * during the call. Writable sessions only. */
typedef void (*hvr_event_fn)(void *user_data, hvr_event_id id, const char *event_json);

typedef struct hvr_session_options hvr_session_options;
HVR_API hvr_status hvr_session_options_create(hvr_session_options **out);
HVR_API void hvr_session_options_destroy(hvr_session_options *options);
/* NULL: the default host. */
HVR_API hvr_status hvr_session_options_set_host(hvr_session_options *options, const hvr_host *host);
HVR_API hvr_status hvr_session_options_set_job_callback(hvr_session_options *options, hvr_job_fn fn, void *user_data);
HVR_API hvr_status hvr_session_options_set_event_callback(hvr_session_options *options, hvr_event_fn fn,
                                                          void *user_data);
HVR_API hvr_status hvr_session_options_set_log(hvr_session_options *options, hvr_log_fn log, void *user_data);
/* Overrides the protection's requests in flight for this session (1 to 64; 0 keeps them). */
HVR_API hvr_status hvr_session_options_set_max_in_flight(hvr_session_options *options, int requests);
/* The store's request retries, as hvr_store_options_set_retries. */
HVR_API hvr_status hvr_session_options_set_retries(hvr_session_options *options, int max_attempts,
                                                   int64_t base_delay_ms, int64_t max_delay_ms,
                                                   int64_t max_elapsed_ms);
/* An initial replication, resync or cycle that fails the way the network or the service
 * does, after the store's retries, runs again within its job after each of these waits
 * (at most 10, each 0 to 600000 ms) before the VM-level retry policy takes over.
 * Default 5000 and 20000; count 0 (delays_ms may then be NULL): never. */
HVR_API hvr_status hvr_session_options_set_operation_retry_delays(hvr_session_options *options,
                                                                  const int64_t *delays_ms, size_t count);
/* The file that keeps this agent's id, which the replica leases are taken in
 * (docs/session.md "Leases"); its folder is made when missing. NULL or "": the file the
 * environment variable HVR_AGENT_ID_FILE names, else "agent-id" in the user's own folder
 * for hvr. A folder is HVR_INVALID_ARGUMENT. */
HVR_API hvr_status hvr_session_options_set_agent_id_file(hvr_session_options *options, const char *file);

typedef struct hvr_session hvr_session;

/* How protection is enabled. */
typedef struct hvr_protect_options hvr_protect_options;
HVR_API hvr_status hvr_protect_options_create(hvr_protect_options **out);
HVR_API void hvr_protect_options_destroy(hvr_protect_options *options);
/* seed != 0: the target already holds a copy of each source disk under its replica's
 * name (hvrepl upload, or made offline), of the size the source needs (another size is
 * HVR_INVALID_REPLICA_STATE): initial replication compares it chunk by chunk and sends
 * only what differs. Default 0: such a disk is refused (HVR_CONFLICT). */
HVR_API hvr_status hvr_protect_options_set_seed(hvr_protect_options *options, int seed);
/* Enables protection (a job): checks the VM and the target, creates the replica disks,
 * takes their leases, keeps the relationship in `state_dir`. Run again on the same
 * directory after a crash, it finishes. `protect_options` and `options` may be NULL. */
HVR_API hvr_status hvr_session_enable_protection(hvr_engine *engine, const char *state_dir,
                                                 const hvr_protection *protection,
                                                 const hvr_protect_options *protect_options,
                                                 const hvr_session_options *options, hvr_session **out);

/* How a VM is adopted. */
typedef struct hvr_adopt_options hvr_adopt_options;
HVR_API hvr_status hvr_adopt_options_create(hvr_adopt_options **out);
HVR_API void hvr_adopt_options_destroy(hvr_adopt_options *options);
/* resync != 0: resynchronize (compare the replicas, send what differs) even when the
 * logs since the last applied one are all there (default 0). */
HVR_API hvr_status hvr_adopt_options_set_resync(hvr_adopt_options *options, int resync);
/* Takes over the protection of a VM from what its replicas hold (a job; docs/session.md
 * "Adopt"): `protection` names the VM, every one of its disks and the target, as for
 * hvr_session_enable_protection; the relationship is rebuilt from the replicas' metadata and
 * recovery points into the new `state_dir`, the replicas' leases are taken (the agent
 * adopted from gets HVR_CONFLICT from then on), and the VM continues with delta cycles,
 * or with a resync of the differing chunks when logs are missing. Bad or missing
 * metadata is HVR_INVALID_REPLICA_STATE naming the replica and the field. Run again after
 * a crash, it finishes. `adopt_options` and `options` may be NULL. */
HVR_API hvr_status hvr_session_adopt(hvr_engine *engine, const char *state_dir, const hvr_protection *protection,
                                     const hvr_adopt_options *adopt_options, const hvr_session_options *options,
                                     hvr_session **out);
/* Opens the relationship in `state_dir`; HVR_CONFLICT when another process runs it,
 * unless read_only (then status, jobs and points work; hvr_session_set_settings,
 * _remove_disk, _suspend and _resume are asked of the process running the VM, which runs
 * them at its next hvr_session_run_due_work and answers, or are run here when no process runs
 * it; other operations fail: docs/session.md "Beside a running replication"). */
HVR_API hvr_status hvr_session_open(hvr_engine *engine, const char *state_dir, const hvr_session_options *options,
                                    int read_only, hvr_session **out);
/* Blocks on the network: waits for the running operation, releases the leases and the
 * directory. */
HVR_API void hvr_session_close(hvr_session *session);

/* How one of the session's operations runs (initial replication, delta cycle, due work,
 * verification): its cancellation only, since what it does and how far it got reach the
 * caller through the session's job callbacks, whichever operation runs. */
typedef struct hvr_run_options hvr_run_options;
HVR_API hvr_status hvr_run_options_create(hvr_run_options **out);
HVR_API void hvr_run_options_destroy(hvr_run_options *options);
/* The token must outlive the calls that use these options. NULL removes it. */
HVR_API hvr_status hvr_run_options_set_cancel_token(hvr_run_options *options, hvr_cancel_token *token);

/* Initial replication (copy from a checkpoint, apply the logs written meanwhile, first
 * point, merge); resumes where a crash or failure stopped it. `options` may be NULL. */
HVR_API hvr_status hvr_session_run_initial_replication(hvr_session *session, const hvr_run_options *options);

typedef struct hvr_cycle_report {
  size_t struct_size;
  int shipped;            /* 0: no new logs */
  uint64_t logs;
  uint64_t logged_bytes;  /* data in the logs, overwrites included */
  uint64_t changed_bytes; /* distinct bytes changed */
  uint64_t bytes_sent;
  uint64_t page_writes;
  uint64_t point;         /* the recovery point made (its sequence), 0 if none */
  int64_t elapsed_ms;
} hvr_cycle_report;
#define HVR_CYCLE_REPORT_INIT {sizeof(hvr_cycle_report), 0, 0, 0, 0, 0, 0, 0, 0}

/* One delta cycle; tracking failures mark the VM for resync and return their status.
 * `options` and `out` may be NULL. */
HVR_API hvr_status hvr_session_run_delta_cycle(hvr_session *session, const hvr_run_options *options,
                                               hvr_cycle_report *out);

/* How a resync runs. */
typedef struct hvr_resync_options hvr_resync_options;
HVR_API hvr_status hvr_resync_options_create(hvr_resync_options **out);
HVR_API void hvr_resync_options_destroy(hvr_resync_options *options);
/* verify != 0: read every replica and hash what it holds instead of trusting what hvr
 * recorded of it, so that whatever differs from the source is sent, whoever wrote it
 * (default 0). A resync does this by itself for a replica someone else wrote since hvr's
 * last write. */
HVR_API hvr_status hvr_resync_options_set_verify_replica(hvr_resync_options *options, int verify);
/* The token must outlive the calls that use these options. NULL removes it. A resync's
 * progress comes through the session's job callbacks. */
HVR_API hvr_status hvr_resync_options_set_cancel_token(hvr_resync_options *options, hvr_cancel_token *token);
/* Resynchronizes now, whatever the window (resumable). `options` may be NULL. */
HVR_API hvr_status hvr_session_resync(hvr_session *session, const hvr_resync_options *options);
/* An operator asks for a resync, run by the next hvr_session_run_due_work (or scheduler)
 * whatever the window; `reason` and `options` may be NULL; works read-only too. */
HVR_API hvr_status hvr_session_schedule_resync(hvr_session *session, const char *reason,
                                               const hvr_resync_options *options);
/* Clears a non-recoverable error once it is dealt with. */
HVR_API hvr_status hvr_session_clear_error(hvr_session *session);
/* The life of a protection (docs/session.md "Changing, suspending, removing"). */

/* A change of settings: only what is set changes. Each setter checks its value by the
 * protection's rules (as hvr_protection's) and keeps it only when valid. */
typedef struct hvr_settings_change hvr_settings_change;
HVR_API hvr_status hvr_settings_change_create(hvr_settings_change **out);
HVR_API void hvr_settings_change_destroy(hvr_settings_change *change);
/* The target with a new credential (account key, SAS, service principal) for the same
 * account and container (or folder); proven against the target before it is saved. */
HVR_API hvr_status hvr_settings_change_set_target(hvr_settings_change *change, const char *target);
/* As hvr_protection_set_replication_interval, _recovery_history_hours and
 * _app_consistent_frequency_hours. */
HVR_API hvr_status hvr_settings_change_set_replication_interval(hvr_settings_change *change, int64_t seconds);
HVR_API hvr_status hvr_settings_change_set_recovery_history_hours(hvr_settings_change *change, int64_t hours);
HVR_API hvr_status hvr_settings_change_set_app_consistent_frequency_hours(hvr_settings_change *change,
                                                                         int64_t hours);
/* As hvr_protection_set_bandwidth; both rates 0 remove the limit. */
HVR_API hvr_status hvr_settings_change_set_bandwidth(hvr_settings_change *change, uint64_t work_bytes_per_second,
                                                     uint64_t non_work_bytes_per_second, int work_start_minute,
                                                     int work_end_minute, unsigned work_days);
/* As hvr_protection_set_link. */
HVR_API hvr_status hvr_settings_change_set_link(hvr_settings_change *change, uint64_t bytes_per_second,
                                                uint32_t requests_per_second);
/* As hvr_protection_set_resync_window. */
HVR_API hvr_status hvr_settings_change_set_resync_window(hvr_settings_change *change, int automatic,
                                                         int office_start_minute, int office_end_minute,
                                                         unsigned office_days);
/* Requests in flight, 1 to 64. */
HVR_API hvr_status hvr_settings_change_set_max_in_flight(hvr_settings_change *change, int requests);
/* Changes the protection's settings (a job): checked together with the settings they
 * join, a new target proven first (a wrong key changes nothing, HVR_AUTH_FAILED); a
 * proven credential clears a critical authorisation error. From the next operation on. */
HVR_API hvr_status hvr_session_set_settings(hvr_session *session, const hvr_settings_change *change);
/* How a disk leaves protection. */
typedef struct hvr_remove_disk_options hvr_remove_disk_options;
HVR_API hvr_status hvr_remove_disk_options_create(hvr_remove_disk_options **out);
HVR_API void hvr_remove_disk_options_destroy(hvr_remove_disk_options *options);
/* delete != 0: also delete the disk's replica with its recovery points (default 0: it
 * stays in the target, its lease released). */
HVR_API hvr_status hvr_remove_disk_options_set_delete_replica(hvr_remove_disk_options *options, int delete_replica);
/* Stops replicating one disk (a job; `disk` is its replica's name or its path): the host
 * stops tracking it, its tracking logs are deleted, the recovery points no longer name it,
 * and its replica is kept or deleted as `options` say (NULL: kept). HVR_INVALID_ARGUMENT
 * for the VM's last disk (unprotect instead). Naming the disk hvr_session_add_disk is
 * adding (an addition a failure or crash left) gives that addition up: the host's
 * checkpoint is merged, the new replica's lease released, the replica kept or deleted
 * the same way (a disk of its name another relationship made is left alone), and the
 * VM's other disks and points stay as they were. Run again after a crash, it finishes. */
HVR_API hvr_status hvr_session_remove_disk(hvr_session *session, const char *disk,
                                           const hvr_remove_disk_options *options);
/* How a disk joins protection (hvr_session_add_disk). */
typedef struct hvr_add_disk_options hvr_add_disk_options;
HVR_API hvr_status hvr_add_disk_options_create(hvr_add_disk_options **out);
HVR_API void hvr_add_disk_options_destroy(hvr_add_disk_options *options);
/* The replica disk's name (NULL or "": "<vm>-disk<N>", N the first number from the disk's
 * place in the VM that neither the VM's disks nor the target's use). A name the target
 * already holds is refused by hvr_session_add_disk. */
HVR_API hvr_status hvr_add_disk_options_set_replica_name(hvr_add_disk_options *options, const char *name);
/* Where the host's tracker writes the disk's logs and their name (NULL or "": the disk's
 * folder, and its file name without extension). */
HVR_API hvr_status hvr_add_disk_options_set_logs(hvr_add_disk_options *options, const char *log_folder,
                                                 const char *log_name);
/* Adds the disk at `path` to the VM (a job; docs/session.md "Disks while protected").
 * Every check protection makes of a disk runs first (it opens with its chain intact, fits
 * Azure's limits, no other disk of the VM has its path, logs or replica name, the target
 * has no disk of its replica's name), and a failed one changes nothing. Then its replica
 * is made, the host checkpoints the VM, only this disk's frozen view is copied, the
 * checkpoint is merged; the next cycle ships its logs and makes its first recovery point
 * (points before hold no copy of it). Before initial replication the disk simply joins,
 * and is copied with the others. Run again after a crash or failure, it finishes. */
HVR_API hvr_status hvr_session_add_disk(hvr_session *session, const char *path, const hvr_add_disk_options *options);
/* Suspends replication (a job): the host's logs accumulate, nothing is sent, run_due_work and
 * the scheduler skip the VM until hvr_session_resume. */
HVR_API hvr_status hvr_session_suspend(hvr_session *session);
/* Resumes (a job): ends a suspension (the logs ship at the next cycle, or a resync starts
 * at once when they reach half a disk) and clears a non-recoverable error. */
HVR_API hvr_status hvr_session_resume(hvr_session *session);

/* How protection is removed. */
typedef struct hvr_unprotect_options hvr_unprotect_options;
HVR_API hvr_status hvr_unprotect_options_create(hvr_unprotect_options **out);
HVR_API void hvr_unprotect_options_destroy(hvr_unprotect_options *options);
/* delete != 0: also delete the replica disks with every recovery point and the disks
 * failovers made (default 0: they stay, their leases released). */
HVR_API hvr_status hvr_unprotect_options_set_delete_replicas(hvr_unprotect_options *options, int delete_replicas);
/* Removes the protection kept in `state_dir` (a job): releases the leases, asks the host
 * (session_options' host) to stop tracking, deletes the tracking logs, the replicas when
 * asked, and the state directory. Replicas another agent adopted are left to it (asking
 * to delete them is HVR_CONFLICT, before anything is removed). While another process runs
 * the VM, that process removes it at its next hvr_session_run_due_work, and its session does
 * nothing more; this returns once the directory is gone. Run again after a crash, it
 * finishes. `options` and `session_options` may be NULL. */
HVR_API hvr_status hvr_session_unprotect(hvr_engine *engine, const char *state_dir,
                                         const hvr_unprotect_options *options,
                                         const hvr_session_options *session_options);

/* Runs what the schedule and the retry policy say is due (*out_ran = 1), if anything;
 * the operation's failure is in the status, not returned. `options` may be NULL. */
HVR_API hvr_status hvr_session_run_due_work(hvr_session *session, const hvr_run_options *options, int *out_ran);
/* When hvr_session_run_due_work has something to do next: *out_has = 0 when nothing will be due by itself. */
HVR_API hvr_status hvr_session_get_next_due(const hvr_session *session, int *out_has, int64_t *out_when);
/* *out_removed = 1 once protection was removed by a request this session served (an
 * hvr_session_unprotect from another process, run at this session's hvr_session_run_due_work):
 * the session does nothing more, its state directory is gone, and it is only closed. */
HVR_API hvr_status hvr_session_get_removed(const hvr_session *session, int *out_removed);

typedef struct hvr_session_status {
  size_t struct_size;
  hvr_replication_state state;
  hvr_health health;
  double sync_percent;      /* initial replication or resync */
  int64_t last_replicated;  /* 0: no recovery point */
  int64_t rpo_seconds;      /* -1: no recovery point */
  uint64_t recovery_points;
  uint64_t cycles;
  uint64_t bytes_sent;
  hvr_status last_error;    /* HVR_OK when none; hvr_session_get_status_json has its message */
  int64_t failing_since;    /* 0 when not failing */
  int64_t next_attempt;     /* 0: nothing due by itself */
  int32_t retries;          /* failed attempts after the first of the current failure run */
  int64_t suspended_since;  /* 0 unless an operator suspended replication (hvr_session_suspend) */
} hvr_session_status;
#define HVR_SESSION_STATUS_INIT \
  {sizeof(hvr_session_status), HVR_REPLICATION_ENABLED, HVR_HEALTH_NORMAL, 0.0, 0, -1, 0, 0, 0, HVR_OK, 0, 0, 0, 0}

HVR_API hvr_status hvr_session_get_status(const hvr_session *session, hvr_session_status *out);

/* The kind of a job (the "type_number" of the jobs' JSON). */
typedef enum hvr_job_type {
  HVR_JOB_ENABLE_PROTECTION = 0,
  HVR_JOB_INITIAL_REPLICATION = 1,
  HVR_JOB_DELTA_REPLICATION = 2,
  HVR_JOB_RESYNCHRONIZATION = 3,
  HVR_JOB_FAILOVER = 4,
  HVR_JOB_PLANNED_FAILOVER = 5,
  HVR_JOB_TEST_FAILOVER = 6,
  HVR_JOB_TEST_FAILOVER_CLEANUP = 7,
  HVR_JOB_COMMIT_FAILOVER = 8,
  HVR_JOB_FAILBACK_SYNC = 9,
  HVR_JOB_FAILBACK_COMPLETE = 10,
  HVR_JOB_COMMIT_FAILBACK = 11,
  HVR_JOB_REVERSE_REPLICATION = 12,
  HVR_JOB_RECOVERY_PLAN = 13,
  HVR_JOB_CHANGE_SETTINGS = 14,
  HVR_JOB_SUSPEND = 15,
  HVR_JOB_RESUME = 16,
  HVR_JOB_REMOVE_PROTECTION = 17,
  HVR_JOB_REMOVE_DISK = 18,
  HVR_JOB_ADD_DISK = 19,
  HVR_JOB_TYPE_MAX_ENUM_ = 0x7fffffff
} hvr_job_type;

/* Where the running job stands (docs/monitoring.md): in this process, or as the process
 * holding the state directory published it at most a second ago. */
typedef struct hvr_job_progress {
  size_t struct_size;
  int running;               /* 0: no job runs, and the fields below are zero */
  hvr_job_type type;
  uint64_t done;             /* bytes of the current step done, and in all */
  uint64_t total;
  uint64_t bytes_per_second; /* over the current step so far; 0 in its first second */
  int64_t seconds_left;      /* -1 until a rate is known */
  int64_t updated;           /* when it was published */
} hvr_job_progress;
#define HVR_JOB_PROGRESS_INIT {sizeof(hvr_job_progress), 0, HVR_JOB_ENABLE_PROTECTION, 0, 0, 0, -1, 0}

/* The running job's progress; its id and step name are in hvr_session_get_status_json's
 * "progress". Thread-safe. */
HVR_API hvr_status hvr_session_get_progress(const hvr_session *session, hvr_job_progress *out);

/* Where a job is (the "state_number" of the jobs' JSON). */
typedef enum hvr_job_state {
  HVR_JOB_RUNNING = 0,
  HVR_JOB_SUCCEEDED = 1,
  HVR_JOB_FAILED = 2,
  HVR_JOB_CANCELLED = 3,
  HVR_JOB_INTERRUPTED = 4, /* the process ended while it ran; the next run picks the work up */
  HVR_JOB_STATE_MAX_ENUM_ = 0x7fffffff
} hvr_job_state;

/* "initial_replication", "succeeded"...: the names the jobs' JSON uses. Static strings;
 * "unknown" for other values. */
HVR_API const char *hvr_job_type_name(hvr_job_type type);
HVR_API const char *hvr_job_state_name(hvr_job_state state);

/* A job, as the job-info callback and job lists give it, so that a binding reads it
 * without parsing JSON (the JSON beside it has the steps in full). Its strings live as
 * long as what gave it: the callback's call, or the list. */
typedef struct hvr_job_info {
  size_t struct_size;
  const char *id;            /* "job-<vm id prefix>-<sequence>": unique per VM, sortable */
  hvr_job_type type;
  hvr_job_state state;
  const char *vm_name;
  const char *step;          /* the name of its latest step; NULL before the first */
  int64_t started;
  int64_t ended;             /* 0 while it runs */
  uint64_t progress_done;    /* of the running step, in bytes */
  uint64_t progress_total;   /* 0: nothing measurable */
  hvr_status error;          /* HVR_OK unless it failed */
  const char *error_message; /* NULL unless it failed */
  const char *summary;       /* one line: what was sent, which point was made... */
} hvr_job_info;
#define HVR_JOB_INFO_INIT \
  {sizeof(hvr_job_info), NULL, HVR_JOB_ENABLE_PROTECTION, HVR_JOB_RUNNING, NULL, NULL, 0, 0, 0, 0, HVR_OK, NULL, NULL}

/* Receives a job whenever it starts, changes step, makes progress (at most every half
 * second) or ends, as a struct (struct_size is the library's) and as JSON; on the
 * operation's thread; both are valid during the call. */
typedef void (*hvr_job_info_fn)(void *user_data, const hvr_job_info *job, const char *job_json);
/* Set beside or instead of hvr_session_options_set_job_callback (JSON only); NULL removes it. */
HVR_API hvr_status hvr_session_options_set_job_info_callback(hvr_session_options *options, hvr_job_info_fn fn,
                                                             void *user_data);

/* The session's jobs, oldest first, as hvr_session_get_jobs_json has them. */
typedef struct hvr_job_list hvr_job_list;
HVR_API hvr_status hvr_session_get_jobs(const hvr_session *session, hvr_job_list **out);
HVR_API hvr_status hvr_job_list_get_count(const hvr_job_list *list, size_t *out_count);
/* Job `index` (0: the oldest); its strings stay valid until the list is destroyed. */
HVR_API hvr_status hvr_job_list_get(const hvr_job_list *list, size_t index, hvr_job_info *out);
HVR_API void hvr_job_list_destroy(hvr_job_list *list);

/* Replication statistics, as Measure-VMReplication gives them (docs/monitoring.md says
 * what each counts). */
typedef struct hvr_replication_statistics {
  size_t struct_size;
  int64_t since;                    /* protection, or the last reset */
  uint64_t successful_cycles;
  uint64_t missed_cycles;
  uint64_t failed_cycles;
  uint64_t network_failures;
  uint64_t app_consistent_failures;
  uint64_t resyncs;
  uint64_t resync_bytes;
  uint64_t bytes_sent;
  uint64_t average_cycle_bytes;     /* of the cycles that took a point */
  uint64_t max_cycle_bytes;
  int64_t average_latency_ms;       /* cycle start to point taken */
  int64_t max_latency_ms;
  int64_t last_cycle_duration_ms;   /* -1 before the first cycle */
  uint64_t pending_bytes;           /* logged, not yet sent, at the last look */
} hvr_replication_statistics;
#define HVR_REPLICATION_STATISTICS_INIT \
  {sizeof(hvr_replication_statistics), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0}

/* Since the last reset (since_protection 0) or since protection (1). Thread-safe. */
HVR_API hvr_status hvr_session_get_statistics(const hvr_session *session, int since_protection,
                                              hvr_replication_statistics *out);
/* Starts the statistics since the last reset again; on a read-only session, asks the
 * process replicating the VM, which resets them at its next run_due_work. */
HVR_API hvr_status hvr_session_reset_statistics(hvr_session *session);
/* What this process's store for the session's target did since it was opened (shared
 * by the sessions of one engine that name the same target). */
HVR_API hvr_status hvr_session_get_store_statistics(const hvr_session *session, hvr_store_statistics *out);
/* Status, jobs (oldest first), recovery points (oldest first) as JSON. */
HVR_API hvr_status hvr_session_get_status_json(const hvr_session *session, char **out_json);
HVR_API hvr_status hvr_session_get_jobs_json(const hvr_session *session, char **out_json);
HVR_API hvr_status hvr_session_get_recovery_points_json(const hvr_session *session, char **out_json);
/* Compares recovery point `point` ("latest", "latest-app-consistent" or an id; NULL:
 * latest) with the source disks as they are now; *out_identical is 1 when every disk
 * matches. `options` may be NULL; `out_json` (may be NULL) receives the report. */
HVR_API hvr_status hvr_session_verify_point(const hvr_session *session, const char *point,
                                            const hvr_run_options *options, int *out_identical, char **out_json);

/* Failover (never cancelled half way; a crash resumes it): copies point `point` (NULL:
 * latest; a planned failover takes the point its last cycle makes) to new disks and asks
 * the host to create the VM. *out_vm_json describes it. */
HVR_API hvr_status hvr_session_failover(hvr_session *session, const char *point, int planned, char **out_vm_json);
HVR_API hvr_status hvr_session_commit_failover(hvr_session *session);
HVR_API hvr_status hvr_session_test_failover(hvr_session *session, const char *point, char **out_vm_json);
HVR_API hvr_status hvr_session_cleanup_test_failover(hvr_session *session);
/* Failback to the original disks (`folder` NULL) or new VHDX files in `folder`: sync
 * (repeatable, while the Azure VM runs) or complete (stop it, last sync, start the
 * on-premises VM). *out_report_json says, per disk, how it was done and what moved.
 * HVR_CONFLICT, nothing written, while the host says the on-premises VM runs (to the
 * original disks only). */
HVR_API hvr_status hvr_session_failback_sync(hvr_session *session, const char *folder, char **out_report_json);
HVR_API hvr_status hvr_session_failback_complete(hvr_session *session, const char *folder, char **out_report_json);
HVR_API hvr_status hvr_session_commit_failback(hvr_session *session);
/* Protects the VM again from the failback point, without a full copy. */
HVR_API hvr_status hvr_session_reverse(hvr_session *session);

/* A scheduler runs sessions by themselves: each one's due work (cycles on its interval,
 * retries, resync in its window, operators' requests) on the engine's workers. Sessions
 * must stay open while scheduled; destroying the scheduler (which blocks on the network)
 * cancels what runs at its next safe point and waits for it. */
typedef struct hvr_scheduler hvr_scheduler;
HVR_API hvr_status hvr_scheduler_create(hvr_engine *engine, hvr_scheduler **out);
HVR_API hvr_status hvr_scheduler_add(hvr_scheduler *scheduler, hvr_session *session);
/* Waits for an operation of the session the scheduler runs. */
HVR_API hvr_status hvr_scheduler_remove(hvr_scheduler *scheduler, hvr_session *session);
HVR_API void hvr_scheduler_destroy(hvr_scheduler *scheduler);

/* Recovery plans: VMs failed over group after group, the VMs of a group at once, with
 * actions (hvr_host plan-action callbacks) before and after each group. */
typedef enum hvr_plan_failover {
  HVR_PLAN_TEST = 0,
  HVR_PLAN_PLANNED = 1,
  HVR_PLAN_UNPLANNED = 2,
  HVR_PLAN_FAILOVER_MAX_ENUM_ = 0x7fffffff
} hvr_plan_failover;

typedef struct hvr_plan hvr_plan;
HVR_API hvr_status hvr_plan_create(const char *name, hvr_plan **out);
HVR_API void hvr_plan_destroy(hvr_plan *plan);
/* Appends a group; *out_index numbers it for the calls below. */
HVR_API hvr_status hvr_plan_add_group(hvr_plan *plan, size_t *out_index);
/* The session must stay open until the plan has run. */
HVR_API hvr_status hvr_plan_add_vm(hvr_plan *plan, size_t group, hvr_session *session);
/* `after` 0: before the group fails over; 1: after. */
HVR_API hvr_status hvr_plan_add_action(hvr_plan *plan, size_t group, int after, const char *action);
/* 0 (default): a failure stops the plan before the next group; 1: the rest goes on. */
HVR_API hvr_status hvr_plan_set_continue_on_failure(hvr_plan *plan, int go_on);
/* Runs the plan (point: NULL for latest; ignored when planned). HVR_OK once it ran,
 * whatever its VMs' failovers did: *out_outcome_json says ("succeeded", per VM results,
 * the first error). `actions` (may be NULL) runs the actions. */
HVR_API hvr_status hvr_plan_run(hvr_plan *plan, hvr_plan_failover kind, const char *point, const hvr_host *actions,
                                char **out_outcome_json);

/* ------------------------------------------------------------------------------------
 * Deprecated aliases, removed at the next ABI version
 *
 * Earlier names of calls above, kept exported so that programs built against them keep
 * working. Each does exactly what the call its HVR_DEPRECATED_FOR names does; compilers
 * warn where one is used. New code uses the names above.
 * ---------------------------------------------------------------------------------- */

HVR_DEPRECATED_FOR(hvr_hrl_reader_get_header)
HVR_API hvr_status hvr_hrl_reader_header(const hvr_hrl_reader *reader, hvr_hrl_header *out);
HVR_DEPRECATED_FOR(hvr_hrl_log_list_create)
HVR_API hvr_status hvr_hrl_list_closed_logs(const char *folder, const char *log_name, hvr_hrl_log_list **out);
HVR_DEPRECATED_FOR(hvr_hrl_log_list_get_count)
HVR_API hvr_status hvr_hrl_log_list_count(const hvr_hrl_log_list *list, size_t *out_count);
HVR_DEPRECATED_FOR(hvr_hrl_log_list_get_path)
HVR_API hvr_status hvr_hrl_log_list_path(const hvr_hrl_log_list *list, size_t index, const char **out_path);
HVR_DEPRECATED_FOR(hvr_hrl_tracker_get_current_log)
HVR_API hvr_status hvr_hrl_tracker_current_log(const hvr_hrl_tracker *tracker, char **out_path);
HVR_DEPRECATED_FOR(hvr_hrl_tracker_get_interrupted_log)
HVR_API hvr_status hvr_hrl_tracker_interrupted_log(const hvr_hrl_tracker *tracker, char **out_path);
HVR_DEPRECATED_FOR(hvr_hrl_tracker_close_log)
HVR_API hvr_status hvr_hrl_tracker_close(hvr_hrl_tracker *tracker);
HVR_DEPRECATED_FOR(hvr_extent_map_get_changed_bytes)
HVR_API hvr_status hvr_extent_map_changed_bytes(hvr_extent_map *map, uint64_t *out_bytes);
HVR_DEPRECATED_FOR(hvr_extent_map_get_changed_ranges)
HVR_API hvr_status hvr_extent_map_changed_ranges(hvr_extent_map *map, hvr_range_fn callback, void *user_data);
HVR_DEPRECATED_FOR(hvr_disk_get_allocated_ranges)
HVR_API hvr_status hvr_disk_allocated_ranges(const hvr_disk *disk, hvr_disk_range **out_ranges, size_t *out_count);
HVR_DEPRECATED_FOR(hvr_store_get_allocated_ranges)
HVR_API hvr_status hvr_store_allocated_ranges(hvr_store *store, const char *disk_name, const char *recovery_point, hvr_disk_range **out_ranges, size_t *out_count);
HVR_DEPRECATED_FOR(hvr_store_get_changed_ranges)
HVR_API hvr_status hvr_store_changed_ranges(hvr_store *store, const char *disk_name, const char *from, const char *to, hvr_disk_range **out_ranges, size_t *out_count);
HVR_DEPRECATED_FOR(hvr_store_get_disks_json)
HVR_API hvr_status hvr_store_list_json(hvr_store *store, char **out_json);
HVR_DEPRECATED_FOR(hvr_store_get_recovery_points_json)
HVR_API hvr_status hvr_store_list_recovery_points_json(hvr_store *store, const char *disk_name, char **out_json);
HVR_DEPRECATED_FOR(hvr_session_get_status_json)
HVR_API hvr_status hvr_session_status_json(const hvr_session *session, char **out_json);
HVR_DEPRECATED_FOR(hvr_session_get_jobs_json)
HVR_API hvr_status hvr_session_jobs_json(const hvr_session *session, char **out_json);
HVR_DEPRECATED_FOR(hvr_session_get_recovery_points_json)
HVR_API hvr_status hvr_session_recovery_points_json(const hvr_session *session, char **out_json);
HVR_DEPRECATED_FOR(hvr_session_get_next_due)
HVR_API hvr_status hvr_session_next_due(const hvr_session *session, int *out_has, int64_t *out_when);
HVR_DEPRECATED_FOR(hvr_diff_get_json)
HVR_API hvr_status hvr_diff_to_json(const hvr_diff *diff, char **out_json);
/* Writes the parent's DataWriteGuid as text into a buffer of 37 bytes the caller provides. */
HVR_DEPRECATED_FOR(hvr_disk_merge_child)
HVR_API hvr_status hvr_disk_merge(const char *child_path, int keep_child, hvr_cancel_token *cancel,
                                  hvr_progress_fn progress, void *user_data, char *out_parent_data_write_guid);
/* hvr_session_enable_protection without, and with, protect options. */
HVR_DEPRECATED_FOR(hvr_session_enable_protection)
HVR_API hvr_status hvr_session_protect(hvr_engine *engine, const char *state_dir, const hvr_protection *protection,
                                       const hvr_session_options *options, hvr_session **out);
HVR_DEPRECATED_FOR(hvr_session_enable_protection)
HVR_API hvr_status hvr_session_protect_with(hvr_engine *engine, const char *state_dir,
                                            const hvr_protection *protection, const hvr_protect_options *protect_options,
                                            const hvr_session_options *options, hvr_session **out);
/* hvr_session_resync with the token as an argument, without and with options. */
HVR_DEPRECATED_FOR(hvr_session_resync)
HVR_API hvr_status hvr_session_resynchronize(hvr_session *session, hvr_cancel_token *cancel);
HVR_DEPRECATED_FOR(hvr_session_resync)
HVR_API hvr_status hvr_session_resynchronize_with(hvr_session *session, const hvr_resync_options *options,
                                                  hvr_cancel_token *cancel);
/* hvr_session_schedule_resync without, and with, options. */
HVR_DEPRECATED_FOR(hvr_session_schedule_resync)
HVR_API hvr_status hvr_session_request_resync(hvr_session *session, const char *reason);
HVR_DEPRECATED_FOR(hvr_session_schedule_resync)
HVR_API hvr_status hvr_session_request_resync_with(hvr_session *session, const char *reason,
                                                   const hvr_resync_options *options);
/* Threads as an unsigned count, where every other count of the header is an int. */
HVR_DEPRECATED_FOR(hvr_chunk_options_set_thread_count)
HVR_API hvr_status hvr_chunk_options_set_threads(hvr_chunk_options *options, uint32_t threads);
/* The long calls with their token (and progress) as arguments rather than on their options. */
HVR_DEPRECATED_FOR(hvr_extent_map_read_logs)
HVR_API hvr_status hvr_extent_map_add_logs(hvr_extent_map *map, const char *const *paths, size_t count,
                                           uint64_t disk_virtual_size, const uint8_t *previous_unique_id,
                                           hvr_cancel_token *cancel, uint64_t *out_entries);
HVR_DEPRECATED_FOR(hvr_extent_map_get_page_writes)
HVR_API hvr_status hvr_extent_map_page_writes(hvr_extent_map *map, uint64_t max_bytes, hvr_read_fn base,
                                              void *base_user_data, hvr_page_write_fn write, void *write_user_data,
                                              hvr_cancel_token *cancel);
HVR_DEPRECATED_FOR(hvr_disk_convert_to)
HVR_API hvr_status hvr_disk_convert(const hvr_disk *source, const char *destination, hvr_convert_target target,
                                    const hvr_convert_options *options, hvr_cancel_token *cancel,
                                    hvr_progress_fn progress, void *user_data);
HVR_DEPRECATED_FOR(hvr_store_upload_image)
HVR_API hvr_status hvr_store_upload(hvr_store *store, const char *image_path, const char *disk_name,
                                    hvr_progress_fn progress, void *user_data, hvr_cancel_token *cancel,
                                    hvr_transfer_stats *out_stats);
HVR_DEPRECATED_FOR(hvr_store_upload_open_disk)
HVR_API hvr_status hvr_store_upload_disk(hvr_store *store, const hvr_disk *disk, const char *disk_name,
                                         hvr_progress_fn progress, void *user_data, hvr_cancel_token *cancel,
                                         hvr_transfer_stats *out_stats);
HVR_DEPRECATED_FOR(hvr_store_download_image)
HVR_API hvr_status hvr_store_download(hvr_store *store, const char *disk_name, const char *recovery_point,
                                      const char *out_path, int with_footer, hvr_progress_fn progress,
                                      void *user_data, hvr_cancel_token *cancel, hvr_transfer_stats *out_stats);
/* The session's operations with their token as an argument rather than on hvr_run_options. */
HVR_DEPRECATED_FOR(hvr_session_run_initial_replication)
HVR_API hvr_status hvr_session_replicate_initially(hvr_session *session, hvr_cancel_token *cancel);
HVR_DEPRECATED_FOR(hvr_session_run_delta_cycle)
HVR_API hvr_status hvr_session_run_cycle(hvr_session *session, hvr_cancel_token *cancel, hvr_cycle_report *out);
HVR_DEPRECATED_FOR(hvr_session_run_due_work)
HVR_API hvr_status hvr_session_run_due(hvr_session *session, hvr_cancel_token *cancel, int *out_ran);
HVR_DEPRECATED_FOR(hvr_session_verify_point)
HVR_API hvr_status hvr_session_verify(const hvr_session *session, const char *point, hvr_cancel_token *cancel,
                                      int *out_identical, char **out_json);
/* The parent's DataWriteGuid as text (free with hvr_string_free) rather than 16 bytes. */
HVR_DEPRECATED_FOR(hvr_disk_merge_child)
HVR_API hvr_status hvr_disk_merge_into_parent(const char *child_path, const hvr_merge_options *options,
                                              char **out_parent_data_write_guid);
/* Durations as an int, where every other duration of the header is an int64_t, and in hours
 * with names that did not say so. */
HVR_DEPRECATED_FOR(hvr_protection_set_replication_interval)
HVR_API hvr_status hvr_protection_set_interval(hvr_protection *protection, int seconds);
HVR_DEPRECATED_FOR(hvr_protection_set_recovery_history_hours)
HVR_API hvr_status hvr_protection_set_recovery_history(hvr_protection *protection, int hours);
HVR_DEPRECATED_FOR(hvr_protection_set_app_consistent_frequency_hours)
HVR_API hvr_status hvr_protection_set_app_consistent_frequency(hvr_protection *protection, int hours);
HVR_DEPRECATED_FOR(hvr_settings_change_set_replication_interval)
HVR_API hvr_status hvr_settings_change_set_interval(hvr_settings_change *change, int seconds);
HVR_DEPRECATED_FOR(hvr_settings_change_set_recovery_history_hours)
HVR_API hvr_status hvr_settings_change_set_recovery_history(hvr_settings_change *change, int hours);
HVR_DEPRECATED_FOR(hvr_settings_change_set_app_consistent_frequency_hours)
HVR_API hvr_status hvr_settings_change_set_app_consistent_frequency(hvr_settings_change *change, int hours);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HVR_H_ */
