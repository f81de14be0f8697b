/*
 * hvr.h: the C ABI of hvr, a Hyper-V to Azure replication engine.
 *
 * Conventions (docs/c-api.md says the same at more length):
 *
 *  - Names. Everything starts with hvr_ / HVR_. Types are hvr_<thing>, functions
 *    hvr_<thing>_<verb>.
 *  - Handles. Objects are opaque handles with a create/destroy (or open/close) pair.
 *    Destroy functions accept NULL and never fail. After destroy returns, no callback
 *    registered through that handle is invoked again.
 *  - Status. Every function that can fail returns hvr_status: HVR_OK (0) or an error
 *    code. After a failure, hvr_last_error_message() explains it on the same thread
 *    until the next failing call on that thread. Output parameters are written only on
 *    success.
 *  - Error classes. hvr_status_class() says what to do about an error: retry it
 *    (recoverable), stop and ask an administrator (non-recoverable), or resynchronise
 *    (change tracking can no longer be trusted).
 *  - Strings. All strings are UTF-8 and NUL-terminated. Strings passed in are copied
 *    when needed; the caller keeps ownership. Strings returned as `const char *` are
 *    owned by the library and stay valid as documented at each function (static
 *    strings for the life of the process; hvr_last_error_message until the next call
 *    that fails on the same thread).
 *  - Growing structs. Structs that may gain fields start with `size_t struct_size`;
 *    set it to sizeof(the struct) before passing it in. The library reads and writes
 *    only the fields that fit, so old callers keep working with new libraries.
 *  - Options are handles with setters, so options can be added without breaking the
 *    ABI.
 *  - Time is int64_t seconds since the Unix epoch (UTC) unless a name says otherwise;
 *    durations are int64_t seconds.
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
#else
#define HVR_API __declspec(dllimport)
#endif
#else
#define HVR_API __attribute__((visibility("default")))
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
  HVR_RESYNC_REQUIRED = 20,       /* tracking broke for another reason; resynchronise */
  HVR_STATUS_MAX_ENUM_ = 0x7fffffff /* keeps the type int-sized and any code valid */
} hvr_status;

typedef enum hvr_error_class {
  HVR_CLASS_NONE = 0,            /* HVR_OK */
  HVR_CLASS_RECOVERABLE = 1,     /* retried by the retry policy */
  HVR_CLASS_NON_RECOVERABLE = 2, /* never retried; health becomes critical */
  HVR_CLASS_RESYNC_REQUIRED = 3, /* resynchronise instead of retrying */
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
 * Retry policy (REQUIREMENTS.md §6, docs/retry-policy.md)
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
  HVR_RETRY_RESYNC = 2,  /* resynchronise instead */
  HVR_RETRY_MAX_ENUM_ = 0x7fffffff
} hvr_retry_action;

/* The decision after a run of failures: the first failed attempt started at
 * `first_failure`, `retries` failed attempts followed it, the latest starting at
 * `last_attempt`, and it failed with `last_error`. `interval_seconds` is the
 * replication interval (> 0). Writes the action and, for HVR_RETRY_AT, the time. */
HVR_API hvr_status hvr_retry_policy_next_attempt(const hvr_retry_policy *policy,
                                                 int64_t first_failure, int64_t last_attempt,
                                                 int retries, hvr_status last_error,
                                                 int64_t interval_seconds,
                                                 hvr_retry_action *out_action,
                                                 int64_t *out_when);

/* ------------------------------------------------------------------------------------
 * Cancellation, progress, logs and library-allocated strings
 * ---------------------------------------------------------------------------------- */

/* A cancellation token for long calls. Thread-safe: hvr_cancel_token_cancel may be
 * called from any thread while calls that were given the token run elsewhere; they
 * return HVR_CANCELLED at the next point where stopping leaves nothing half done. A
 * token may serve many calls; it cannot be reset. */
typedef struct hvr_cancel_token hvr_cancel_token;

HVR_API hvr_status hvr_cancel_token_create(hvr_cancel_token **out);
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

/* What hvr_disk_get_info fills. GUIDs are text ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
 * all zeros when the format has no such identity. */
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
} hvr_disk_info;

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

/* Opens an image read-only. A differencing disk opens and checks its parents; a missing
 * or changed parent is HVR_BROKEN_CHAIN. A VHDX log is replayed in memory only. */
HVR_API hvr_status hvr_disk_open(const char *path, const hvr_disk_open_options *options, hvr_disk **out);
/* Opens an image for writing (a pending VHDX log is replayed into the file). */
HVR_API hvr_status hvr_disk_open_writable(const char *path, const hvr_disk_open_options *options,
                                          hvr_disk **out);
/* Closes the handle. A writable VHDX is committed and its log emptied; call
 * hvr_disk_flush first to learn whether the last writes reached the disk. */
HVR_API void hvr_disk_close(hvr_disk *disk);

HVR_API hvr_status hvr_disk_get_info(const hvr_disk *disk, hvr_disk_info *info);
/* Reads `length` bytes at `offset`; unallocated space reads as zeros. */
HVR_API hvr_status hvr_disk_read(const hvr_disk *disk, uint64_t offset, void *buffer, size_t length);
/* The sorted, disjoint ranges that may hold non-zero data (for a differencing disk, its
 * own and its parents' that it does not hide). Free *out_ranges with hvr_disk_ranges_free. */
HVR_API hvr_status hvr_disk_allocated_ranges(const hvr_disk *disk, hvr_disk_range **out_ranges,
                                             size_t *out_count);
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

/* Merges a differencing VHDX into its parent and deletes it (unless keep_child). If
 * interrupted, the child still opens with the same content and a second call completes
 * the merge. Writes the parent's new DataWriteGuid to out_parent_data_write_guid (37
 * bytes) when it is not NULL. Progress is in bytes of the child's own data. */
HVR_API hvr_status hvr_disk_merge(const char *child_path, int keep_child, hvr_cancel_token *cancel,
                                  hvr_progress_fn progress, void *user_data,
                                  char *out_parent_data_write_guid);

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

/* Writes the content of `source` to a new image: only allocated ranges are read, zero
 * data is not written. Progress is in bytes of allocated source data. */
HVR_API hvr_status hvr_disk_convert(const hvr_disk *source, const char *destination,
                                    hvr_convert_target target, const hvr_convert_options *options,
                                    hvr_cancel_token *cancel, hvr_progress_fn progress,
                                    void *user_data);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HVR_H_ */
