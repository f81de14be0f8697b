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
 * Replica stores (docs/store-design.md)
 *
 * A store holds replica disks, each an Azure-ready fixed VHD: Azure page blobs in a
 * container, or a local folder. hvr_store_open takes one target string:
 *   - a connection string naming its container, e.g.
 *     "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=...;Container=replicas";
 *   - a container URL with a SAS token, "https://a.blob.core.windows.net/replicas?sv=...";
 *   - anything else is a local folder, created when missing.
 * Calls block until done. A store is thread-safe: calls may come from many threads at
 * once. Messages and log lines never contain keys or SAS signatures.
 * ---------------------------------------------------------------------------------- */

typedef struct hvr_store_options hvr_store_options;
typedef struct hvr_store hvr_store;

HVR_API hvr_status hvr_store_options_create(hvr_store_options **out);
HVR_API void hvr_store_options_destroy(hvr_store_options *options);
/* Requests in flight at once (default 8), each holding at most 4 MiB. */
HVR_API hvr_status hvr_store_options_set_max_in_flight(hvr_store_options *options, int requests);
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
 * set in work_days (bit 0 Sunday ... bit 6 Saturday). */
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

/* Opens the store `target` names. `options` may be NULL (defaults); it is copied. */
HVR_API hvr_status hvr_store_open(const char *target, const hvr_store_options *options,
                                  hvr_store **out);
/* Waits for calls in progress, then closes. Accepts NULL. */
HVR_API void hvr_store_close(hvr_store *store);

/* The disks as JSON, sorted by name:
 *   {"store": "...", "disks": [{"name": "...", "virtual_size": N, "recovery_points": N,
 *    "lease_state": "available", "last_modified": "ISO 8601", "metadata": {...}}]}
 * Free *out_json with hvr_string_free. */
HVR_API hvr_status hvr_store_list_json(hvr_store *store, char **out_json);

typedef struct hvr_transfer_stats {
  size_t struct_size;
  uint64_t virtual_size;  /* of the replica disk */
  uint64_t bytes_read;    /* read from the source */
  uint64_t bytes_sent;    /* written to the destination */
  uint64_t bytes_skipped; /* unallocated or zero: not moved */
  uint64_t requests;
  int64_t elapsed_ms;
} hvr_transfer_stats;

/* Copies the disk image at image_path (VHDX, VHD or raw) to a new replica disk
 * disk_name, its size rounded up to whole MiB, sending only allocated non-zero data.
 * HVR_CONFLICT if the disk exists. progress (may be NULL) receives bytes of the disk
 * settled; cancel may be NULL; out_stats may be NULL. */
HVR_API hvr_status hvr_store_upload(hvr_store *store, const char *image_path,
                                    const char *disk_name, hvr_progress_fn progress,
                                    void *user_data, hvr_cancel_token *cancel,
                                    hvr_transfer_stats *out_stats);
/* Writes replica disk disk_name, or its recovery point (NULL: the disk as it is), to a
 * new file out_path: sparse, with the fixed-VHD footer when with_footer is not 0.
 * HVR_CONFLICT if out_path exists. */
HVR_API hvr_status hvr_store_download(hvr_store *store, const char *disk_name,
                                      const char *recovery_point, const char *out_path,
                                      int with_footer, hvr_progress_fn progress, void *user_data,
                                      hvr_cancel_token *cancel, hvr_transfer_stats *out_stats);
/* Deletes the disk and all its recovery points. */
HVR_API hvr_status hvr_store_delete_disk(hvr_store *store, const char *disk_name);

/* Takes a recovery point of the disk; *out_id (free with hvr_string_free) names it. */
HVR_API hvr_status hvr_store_create_recovery_point(hvr_store *store, const char *disk_name,
                                                   int app_consistent, char **out_id);
/* The disk's recovery points as JSON, oldest first:
 *   [{"id": "...", "created": "ISO 8601", "app_consistent": false, "metadata": {...}}]
 * Free *out_json with hvr_string_free. */
HVR_API hvr_status hvr_store_list_recovery_points_json(hvr_store *store, const char *disk_name,
                                                       char **out_json);
HVR_API hvr_status hvr_store_delete_recovery_point(hvr_store *store, const char *disk_name,
                                                   const char *recovery_point);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HVR_H_ */
