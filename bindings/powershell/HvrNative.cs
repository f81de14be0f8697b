// HvrNative.cs: the P/Invoke declarations of the whole of hvr.h (capi/include/hvr.h), one
// for one, with its enums, structs and callback types. Names are the header's, so each
// line can be read against it; tests/powershell-layer checks every prototype, struct layout and
// enum value against the compiler's view of the header. The managed wrappers (Hvr*.cs)
// are what scripts call.
//
// Marshalling, the same everywhere:
//   - const char * in: byte[] holding NUL-terminated UTF-8 (Utf8.Encode), because the
//     runtimes disagree on what a plain string becomes (the ANSI code page on Windows).
//   - const char * out, owned by the library: IntPtr, decoded with Utf8.Decode.
//   - char ** out, owned by the caller: out IntPtr, decoded and freed with Utf8.Take.
//   - size_t: UIntPtr. Enums are int-sized in C and in C#.
//   - Handles: SafeHandle subclasses (HvrInterop.cs), so a handle is never destroyed while
//     a call that uses it runs; destroy functions take IntPtr (called by ReleaseHandle).
//   - Growing structs: struct_size is set to Marshal.SizeOf before the call.
//   - Callbacks: delegates the wrappers keep alive for as long as native code holds them.
//
// C# 5 throughout (the LangVersion of HvReplication.csproj).
using System;
using System.Runtime.InteropServices;

namespace Hvr
{
    // Marks a managed enum that mirrors a C enum: its C name and the prefix its constants
    // share (HVR_LOG_ + DEBUG is LogLevel.Debug). The tests compare the two.
    [AttributeUsage(AttributeTargets.Enum)]
    public sealed class NativeEnumAttribute : Attribute
    {
        public NativeEnumAttribute(string name, string prefix) { Name = name; Prefix = prefix; }
        public string Name { get; private set; }
        public string Prefix { get; private set; }
    }

    // Marks a SafeHandle subclass with the opaque C type it owns.
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class NativeHandleAttribute : Attribute
    {
        public NativeHandleAttribute(string name) { Name = name; }
        public string Name { get; private set; }
    }

    [NativeEnum("hvr_status", "HVR_")]
    public enum Status
    {
        Ok = 0,
        InvalidArgument = 1,
        NotFound = 2,
        BrokenChain = 3,
        InvalidReplicaState = 4,
        AuthFailed = 5,
        CorruptData = 6,
        LogNotClosed = 7,
        LogChainGap = 8,
        UntrackedModification = 9,
        Network = 10,
        Timeout = 11,
        Throttled = 12,
        LowDiskSpace = 13,
        LowMemory = 14,
        Cancelled = 15,
        Conflict = 16,
        Io = 17,
        Unsupported = 18,
        Internal = 19,
        ResyncRequired = 20,
    }

    [NativeEnum("hvr_error_class", "HVR_CLASS_")]
    public enum ErrorClass
    {
        None = 0,
        Recoverable = 1,
        NonRecoverable = 2,
        ResyncRequired = 3,
    }

    [NativeEnum("hvr_retry_action", "HVR_RETRY_")]
    public enum RetryAction
    {
        At = 0,
        GiveUp = 1,
        Resync = 2,
    }

    [NativeEnum("hvr_log_level", "HVR_LOG_")]
    public enum LogLevel
    {
        Debug = 0,
        Info = 1,
        Warning = 2,
        Error = 3,
    }

    [NativeEnum("hvr_diff_kind", "HVR_DIFF_")]
    public enum DiffKind
    {
        Data = 0,
        Zero = 1,
        PastSourceEnd = 2,
    }

    [NativeEnum("hvr_disk_format", "HVR_DISK_FORMAT_")]
    public enum DiskFormat
    {
        Raw = 0,
        Vhd = 1,
        Vhdx = 2,
    }

    [NativeEnum("hvr_disk_type", "HVR_DISK_TYPE_")]
    public enum DiskType
    {
        Fixed = 0,
        Dynamic = 1,
        Differencing = 2,
    }

    [NativeEnum("hvr_convert_target", "HVR_CONVERT_")]
    public enum ConvertTarget
    {
        Raw = 0,
        Vhdx = 1,
        VhdxFixed = 2,
        VhdFixed = 3,
    }

    [NativeEnum("hvr_lease_state", "HVR_LEASE_")]
    public enum LeaseState
    {
        Available = 0,
        Leased = 1,
        Breaking = 2,
        Broken = 3,
        Expired = 4,
    }

    [NativeEnum("hvr_replication_state", "HVR_REPLICATION_")]
    public enum ReplicationState
    {
        Enabled = 0,
        InitialReplication = 1,
        Replicating = 2,
        ResyncRequired = 3,
        Resynchronizing = 4,
        FailedOver = 5,
        FailoverCommitted = 6,
        FailedBack = 7,
        FailingOver = 8,
    }

    [NativeEnum("hvr_job_type", "HVR_JOB_")]
    public enum JobType
    {
        EnableProtection = 0,
        InitialReplication = 1,
        DeltaReplication = 2,
        Resynchronization = 3,
        Failover = 4,
        PlannedFailover = 5,
        TestFailover = 6,
        TestFailoverCleanup = 7,
        CommitFailover = 8,
        FailbackSync = 9,
        FailbackComplete = 10,
        CommitFailback = 11,
        ReverseReplication = 12,
        RecoveryPlan = 13,
        ChangeSettings = 14,
        Suspend = 15,
        Resume = 16,
        RemoveProtection = 17,
        RemoveDisk = 18,
        AddDisk = 19,
    }

    [NativeEnum("hvr_job_state", "HVR_JOB_")]
    public enum JobRunState
    {
        Running = 0,
        Succeeded = 1,
        Failed = 2,
        Cancelled = 3,
        Interrupted = 4,
    }

    [NativeEnum("hvr_event_id", "HVR_EVENT_")]
    public enum EventId
    {
        ProtectionEnabled = 1,
        StateChanged = 2,
        HealthChanged = 3,
        ResyncRequired = 4,
        RecoveryPointTaken = 5,
        RetryScheduled = 6,
        FailoverStepEnded = 7,
    }

    [NativeEnum("hvr_health", "HVR_HEALTH_")]
    public enum Health
    {
        Normal = 0,
        Warning = 1,
        Critical = 2,
    }

    [NativeEnum("hvr_plan_failover", "HVR_PLAN_")]
    public enum PlanFailover
    {
        Test = 0,
        Planned = 1,
        Unplanned = 2,
    }

    public static class HvrNative
    {
        public const string Library = "hvr";

        // ---- Structs (field names as in hvr.h) -------------------------------------------

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_manifest_info
        {
            public UIntPtr struct_size;
            public ulong disk_size;
            public uint chunk_size;
            public ulong chunk_count;
            public ulong zero_chunks;
            public ulong unknown_chunks;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_changed_range
        {
            public ulong offset;
            public ulong length;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_diff_run
        {
            public ulong offset;
            public ulong length;
            public DiffKind kind;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_diff_totals
        {
            public UIntPtr struct_size;
            public uint chunk_size;
            public ulong source_size;
            public ulong target_size;
            public ulong chunks;
            public ulong differing_chunks;
            public ulong runs;
            public ulong data_bytes;
            public ulong zero_bytes;
            public ulong past_source_end_bytes;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_hrl_header
        {
            public UIntPtr struct_size;
            public uint format_version;
            public long created;
            public long last_modified;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] unique_id;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] previous_unique_id;
            public int has_vhd2_data_write_guid;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] vhd2_data_write_guid;
            public ulong eol_location;
            public ulong original_size;
            public ulong current_size;
            public uint metadata_size;
            public ulong total_metadata_entries;
            public int error_code;
            public uint creator_version;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 5)] public byte[] creator_application;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_hrl_entry
        {
            public UIntPtr struct_size;
            public ulong index;
            public ulong disk_offset;
            public uint length;
            public long timestamp;
            public ulong data_location;
            public int data_checksum_recorded;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_disk_info
        {
            public UIntPtr struct_size;
            public DiskFormat format;
            public DiskType type;
            public ulong virtual_size;
            public uint logical_sector_size;
            public uint physical_sector_size;
            public uint block_size;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 37)] public byte[] data_write_guid;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 37)] public byte[] file_write_guid;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 37)] public byte[] page83_id;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 37)] public byte[] unique_id;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 37)] public byte[] parent_identity;
            public int log_replayed;
            public IntPtr path;
            public IntPtr parent_path;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] data_write_guid_raw;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] file_write_guid_raw;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] page83_id_raw;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] unique_id_raw;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] parent_identity_raw;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_disk_range
        {
            public ulong offset;
            public ulong length;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_transfer_stats
        {
            public UIntPtr struct_size;
            public ulong virtual_size;
            public ulong bytes_read;
            public ulong bytes_sent;
            public ulong bytes_skipped;
            public ulong requests;
            public long elapsed_ms;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_store_statistics
        {
            public UIntPtr struct_size;
            public ulong requests;
            public ulong retries;
            public ulong throttled;
            public ulong network_failures;
            public ulong failed_requests;
            public int in_flight_limit;
            public int max_in_flight;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_store_disk_info
        {
            public UIntPtr struct_size;
            public ulong virtual_size;
            public long last_modified;
            public LeaseState lease_state;
        }

        // What host callbacks receive: the VM they are about (valid during the call).
        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_host_vm
        {
            public UIntPtr struct_size;
            public IntPtr name;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 16)] public byte[] id;
            public UIntPtr disk_count;
            public IntPtr disks;  // const char *const *: disk_count paths
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_cycle_report
        {
            public UIntPtr struct_size;
            public int shipped;
            public ulong logs;
            public ulong logged_bytes;
            public ulong changed_bytes;
            public ulong bytes_sent;
            public ulong page_writes;
            public ulong point;
            public long elapsed_ms;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_session_status
        {
            public UIntPtr struct_size;
            public ReplicationState state;
            public Health health;
            public double sync_percent;
            public long last_replicated;
            public long rpo_seconds;
            public ulong recovery_points;
            public ulong cycles;
            public ulong bytes_sent;
            public Status last_error;
            public long failing_since;
            public long next_attempt;
            public int retries;
            public long suspended_since;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_replication_statistics
        {
            public UIntPtr struct_size;
            public long since;
            public ulong successful_cycles;
            public ulong missed_cycles;
            public ulong failed_cycles;
            public ulong network_failures;
            public ulong app_consistent_failures;
            public ulong resyncs;
            public ulong resync_bytes;
            public ulong bytes_sent;
            public ulong average_cycle_bytes;
            public ulong max_cycle_bytes;
            public long average_latency_ms;
            public long max_latency_ms;
            public long last_cycle_duration_ms;
            public ulong pending_bytes;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_job_progress
        {
            public UIntPtr struct_size;
            public int running;
            public JobType type;
            public ulong done;
            public ulong total;
            public ulong bytes_per_second;
            public long seconds_left;
            public long updated;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct hvr_job_info
        {
            public UIntPtr struct_size;
            public IntPtr id;
            public JobType type;
            public JobRunState state;
            public IntPtr vm_name;
            public IntPtr step;
            public long started;
            public long ended;
            public ulong progress_done;
            public ulong progress_total;
            public Status error;
            public IntPtr error_message;
            public IntPtr summary;
        }

        // ---- Callback types ----------------------------------------------------------------

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void hvr_progress_fn(IntPtr user_data, ulong done, ulong total);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void hvr_log_fn(IntPtr user_data, LogLevel level, IntPtr message);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_diff_run_fn(IntPtr user_data, ref hvr_diff_run run);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_read_fn(IntPtr user_data, ulong offset, IntPtr buffer, UIntPtr size);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_page_write_fn(IntPtr user_data, ulong offset, IntPtr data, UIntPtr size);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_range_fn(IntPtr user_data, ulong offset, ulong length);

        // Host callbacks: `vm` is a const hvr_host_vm * (read by its struct_size), `checkpoint`
        // an hvr_checkpoint * the callback fills and does not own.
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_host_checkpoint_fn(IntPtr user_data, IntPtr vm, IntPtr checkpoint);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_host_vm_fn(IntPtr user_data, IntPtr vm);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_host_rotate_fn(IntPtr user_data, IntPtr vm, int quiesce, out int out_quiesced);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_host_azure_fn(IntPtr user_data, IntPtr vm_json);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_host_plan_action_fn(IntPtr user_data, IntPtr plan, IntPtr action);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate Status hvr_host_running_fn(IntPtr user_data, IntPtr vm, out int out_running);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void hvr_job_fn(IntPtr user_data, IntPtr job_json);

        // `job` is a const hvr_job_info * (read by its struct_size).
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void hvr_job_info_fn(IntPtr user_data, IntPtr job, IntPtr job_json);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void hvr_event_fn(IntPtr user_data, EventId id, IntPtr event_json);

        // ---- Status codes and error classes -------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern ErrorClass hvr_status_class(Status status);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int hvr_status_is_recoverable(Status status);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_status_name(Status status);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_last_error_message();

        // ---- Version ------------------------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int hvr_abi_version();

        // ---- Retry policy ------------------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_retry_policy_create(out RetryPolicyHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_retry_policy_create_custom(long[] backoff_seconds, UIntPtr count,
            long steady_interval_seconds, out RetryPolicyHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_retry_policy_destroy(IntPtr policy);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_retry_policy_next_attempt(RetryPolicyHandle policy, long first_failure,
            long last_attempt, int retries, Status last_error, long interval_seconds, out RetryAction out_action,
            out long out_when);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_retry_policy_get_schedule(RetryPolicyHandle policy, long[] backoff_seconds,
            UIntPtr capacity, out UIntPtr out_count, out long out_steady_interval_seconds);

        // ---- Cancellation and strings ------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_cancel_token_create(out CancelTokenHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_cancel_token_cancel(CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int hvr_cancel_token_is_cancelled(CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_cancel_token_destroy(IntPtr token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_string_free(IntPtr text);

        // ---- Chunk-diff --------------------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_chunk_options_create(out ChunkOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_chunk_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_chunk_options_set_chunk_size(ChunkOptionsHandle options, uint chunk_size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_chunk_options_set_thread_count(ChunkOptionsHandle options, int threads);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_chunk_options_set_progress(ChunkOptionsHandle options, hvr_progress_fn fn,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_chunk_options_set_cancel_token(ChunkOptionsHandle options,
            CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_chunk_options_set_run_callback(ChunkOptionsHandle options,
            hvr_diff_run_fn fn, IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_build(byte[] disk_path, ChunkOptionsHandle options,
            out ManifestHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_create_zeros(ulong disk_size, uint chunk_size, out ManifestHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_load(byte[] path, out ManifestHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_save(ManifestHandle manifest, byte[] path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_manifest_destroy(IntPtr manifest);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_get_info(ManifestHandle manifest, ref hvr_manifest_info out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_update(ManifestHandle manifest, byte[] disk_path,
            hvr_changed_range[] ranges, UIntPtr count, ChunkOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_manifest_invalidate(ManifestHandle manifest, ulong offset, ulong length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_diff_disks(byte[] source_path, byte[] target_path, ChunkOptionsHandle options,
            out DiffHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_diff_disk_manifest(byte[] source_path, ManifestHandle target,
            ChunkOptionsHandle options, out DiffHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_diff_manifests(ManifestHandle source, ManifestHandle target,
            ChunkOptionsHandle options, out DiffHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_diff_destroy(IntPtr diff);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_diff_get_totals(DiffHandle diff, ref hvr_diff_totals out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_diff_get_runs(DiffHandle diff, out IntPtr out_runs, out UIntPtr out_count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_diff_get_json(DiffHandle diff, out IntPtr out_json);

        // ---- Hyper-V Replica Logs ----------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_read_header(byte[] path, ref hvr_hrl_header out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_check_chain(IntPtr[] paths, UIntPtr count, byte[] previous_unique_id);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_reader_open(byte[] path, ulong disk_virtual_size,
            out HrlReaderHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_reader_get_header(HrlReaderHandle reader, ref hvr_hrl_header out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_reader_next(HrlReaderHandle reader, ref hvr_hrl_entry entry,
            out int out_has_entry);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_reader_read_data(HrlReaderHandle reader, IntPtr buffer, UIntPtr size,
            out UIntPtr out_read);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_hrl_reader_close(IntPtr reader);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_options_create(out HrlTrackerOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_options_set_log_name(HrlTrackerOptionsHandle options,
            byte[] log_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_options_set_metadata_size(HrlTrackerOptionsHandle options,
            uint metadata_size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_options_set_log_callback(HrlTrackerOptionsHandle options,
            hvr_log_fn callback, IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_hrl_tracker_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_create(byte[] folder, ulong disk_virtual_size,
            byte[] data_write_guid, HrlTrackerOptionsHandle options, out HrlTrackerHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_record(HrlTrackerHandle tracker, ulong offset, IntPtr data,
            UIntPtr size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_flush(HrlTrackerHandle tracker);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_rotate(HrlTrackerHandle tracker, out IntPtr out_closed_path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_close_log(HrlTrackerHandle tracker);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_get_current_log(HrlTrackerHandle tracker, out IntPtr out_path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_tracker_get_interrupted_log(HrlTrackerHandle tracker, out IntPtr out_path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_hrl_tracker_destroy(IntPtr tracker);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_log_list_create(byte[] folder, byte[] log_name,
            out HrlLogListHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_log_list_get_count(HrlLogListHandle list, out UIntPtr out_count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_hrl_log_list_get_path(HrlLogListHandle list, UIntPtr index, out IntPtr out_path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_hrl_log_list_destroy(IntPtr list);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_create(out ExtentMapHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_extent_map_destroy(IntPtr map);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_clear(ExtentMapHandle map);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_add(ExtentMapHandle map, ulong offset, IntPtr data, UIntPtr size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_options_create(out ExtentMapOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_extent_map_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_options_set_progress(ExtentMapOptionsHandle options,
            hvr_progress_fn fn, IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_options_set_cancel_token(ExtentMapOptionsHandle options,
            CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_read_logs(ExtentMapHandle map, IntPtr[] paths, UIntPtr count,
            ulong disk_virtual_size, byte[] previous_unique_id, ExtentMapOptionsHandle options, out ulong out_entries);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_get_changed_bytes(ExtentMapHandle map, out ulong out_bytes);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_get_changed_ranges(ExtentMapHandle map, hvr_range_fn callback,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_extent_map_get_page_writes(ExtentMapHandle map, ulong max_bytes, hvr_read_fn base_,
            IntPtr base_user_data, hvr_page_write_fn write, IntPtr write_user_data, ExtentMapOptionsHandle options);

        // ---- Virtual disks -----------------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_open_options_create(out DiskOpenOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_disk_open_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_open_options_set_max_chain_depth(DiskOpenOptionsHandle options, int depth);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_open_options_set_check_vhd_parent_timestamp(DiskOpenOptionsHandle options,
            int check);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_open_options_set_format(DiskOpenOptionsHandle options, DiskFormat format);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_open(byte[] path, DiskOpenOptionsHandle options, out DiskHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_open_writable(byte[] path, DiskOpenOptionsHandle options,
            out DiskHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_detect_format(byte[] path, out DiskFormat out_format);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_disk_close(IntPtr disk);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_get_info(DiskHandle disk, ref hvr_disk_info info);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_read(DiskHandle disk, ulong offset, IntPtr buffer, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_get_allocated_ranges(DiskHandle disk, out IntPtr out_ranges,
            out UIntPtr out_count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_disk_ranges_free(IntPtr ranges);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_write(DiskHandle disk, ulong offset, IntPtr data, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_write_zeros(DiskHandle disk, ulong offset, ulong length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_flush(DiskHandle disk);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_options_create(out DiskCreateOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_disk_create_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_options_set_block_size(DiskCreateOptionsHandle options, uint bytes);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_options_set_sector_sizes(DiskCreateOptionsHandle options,
            uint logical, uint physical);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_vhdx(byte[] path, ulong virtual_size, DiskType type,
            DiskCreateOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_differencing(byte[] child_path, byte[] parent_path,
            DiskCreateOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_vhd_fixed(byte[] path, ulong virtual_size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_create_raw(byte[] path, ulong virtual_size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_merge_options_create(out MergeOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_merge_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_merge_options_set_keep_child(MergeOptionsHandle options, int keep_child);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_merge_options_set_progress(MergeOptionsHandle options, hvr_progress_fn fn,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_merge_options_set_cancel_token(MergeOptionsHandle options, CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_merge_child(byte[] child_path, MergeOptionsHandle options,
            [Out] byte[] out_parent_data_write_guid);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_create(out ConvertOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_convert_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_set_block_size(ConvertOptionsHandle options, uint bytes);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_set_threads(ConvertOptionsHandle options, int threads);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_set_sync(ConvertOptionsHandle options, int sync);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_set_overwrite(ConvertOptionsHandle options, int overwrite);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_set_progress(ConvertOptionsHandle options, hvr_progress_fn fn,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_convert_options_set_cancel_token(ConvertOptionsHandle options,
            CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_convert_to(DiskHandle source, byte[] destination, ConvertTarget target,
            ConvertOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_build_manifest(DiskHandle disk, ChunkOptionsHandle options,
            out ManifestHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_update_manifest(DiskHandle disk, ManifestHandle manifest,
            hvr_changed_range[] ranges, UIntPtr count, ChunkOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_diff(DiskHandle source, DiskHandle target, ChunkOptionsHandle options,
            out DiffHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_disk_diff_manifest(DiskHandle source, ManifestHandle target,
            ChunkOptionsHandle options, out DiffHandle out_);

        // ---- Replica stores ----------------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_create(out StoreOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_store_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_max_in_flight(StoreOptionsHandle options, int requests);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_blob_requests(StoreOptionsHandle options,
            uint requests_per_second);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_timeouts(StoreOptionsHandle options, long connect_ms,
            long io_ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_tls(StoreOptionsHandle options, int verify, byte[] ca_file);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_proxy(StoreOptionsHandle options, byte[] proxy_url);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_bandwidth(StoreOptionsHandle options,
            ulong work_bytes_per_second, ulong non_work_bytes_per_second, int work_start_minute, int work_end_minute,
            uint work_days);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_encryption_key(StoreOptionsHandle options, byte[] key,
            UIntPtr key_size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_log(StoreOptionsHandle options, hvr_log_fn log,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_options_set_retries(StoreOptionsHandle options, int max_attempts,
            long base_delay_ms, long max_delay_ms, long max_elapsed_ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_open(byte[] target, StoreOptionsHandle options, out StoreHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_store_close(IntPtr store);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_statistics(StoreHandle store, ref hvr_store_statistics out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_disks_json(StoreHandle store, out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_transfer_options_create(out TransferOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_transfer_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_transfer_options_set_progress(TransferOptionsHandle options, hvr_progress_fn fn,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_transfer_options_set_cancel_token(TransferOptionsHandle options,
            CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_upload_image(StoreHandle store, byte[] image_path, byte[] disk_name,
            TransferOptionsHandle options, ref hvr_transfer_stats out_stats);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_upload_open_disk(StoreHandle store, DiskHandle disk, byte[] disk_name,
            TransferOptionsHandle options, ref hvr_transfer_stats out_stats);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_download_image(StoreHandle store, byte[] disk_name, byte[] recovery_point,
            byte[] out_path, int with_footer, TransferOptionsHandle options, ref hvr_transfer_stats out_stats);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_delete_disk(StoreHandle store, byte[] disk_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_create_recovery_point(StoreHandle store, byte[] disk_name,
            int app_consistent, out IntPtr out_id);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_recovery_points_json(StoreHandle store, byte[] disk_name,
            out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_delete_recovery_point(StoreHandle store, byte[] disk_name,
            byte[] recovery_point);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_create_disk(StoreHandle store, byte[] disk_name, ulong virtual_size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_write_pages(StoreHandle store, byte[] disk_name, ulong offset,
            IntPtr data, UIntPtr size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_clear_pages(StoreHandle store, byte[] disk_name, ulong offset,
            ulong length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_read(StoreHandle store, byte[] disk_name, byte[] recovery_point,
            ulong offset, IntPtr buffer, UIntPtr size);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_allocated_ranges(StoreHandle store, byte[] disk_name,
            byte[] recovery_point, out IntPtr out_ranges, out UIntPtr out_count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_changed_ranges(StoreHandle store, byte[] disk_name, byte[] from,
            byte[] to, out IntPtr out_ranges, out UIntPtr out_count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_copy_recovery_point(StoreHandle store, byte[] disk_name,
            byte[] recovery_point, byte[] new_disk_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_disk(StoreHandle store, byte[] disk_name,
            ref hvr_store_disk_info out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_set_metadata(StoreHandle store, byte[] disk_name, IntPtr[] keys,
            IntPtr[] values, UIntPtr count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_get_metadata_json(StoreHandle store, byte[] disk_name,
            out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_acquire_lease(StoreHandle store, byte[] disk_name,
            long duration_seconds, byte[] proposed_id, out IntPtr out_lease_id);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_renew_lease(StoreHandle store, byte[] disk_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_release_lease(StoreHandle store, byte[] disk_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_store_break_lease(StoreHandle store, byte[] disk_name,
            long break_period_seconds);

        // ---- Replication ---------------------------------------------------------------

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_replication_state_name(ReplicationState state);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_health_name(Health health);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_engine_options_create(out EngineOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_engine_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_engine_options_set_io_threads(EngineOptionsHandle options, int threads);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_engine_options_set_max_active_sessions(EngineOptionsHandle options, int sessions);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_engine_options_set_log(EngineOptionsHandle options, hvr_log_fn log, IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_engine_create(EngineOptionsHandle options, out EngineHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_engine_destroy(IntPtr engine);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_create(byte[] vm_name, byte[] target, out ProtectionHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_protection_destroy(IntPtr protection);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_add_disk(ProtectionHandle protection, byte[] path, byte[] log_folder,
            byte[] log_name, byte[] replica_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_replication_interval(ProtectionHandle protection, long seconds);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_recovery_history_hours(ProtectionHandle protection, long hours);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_app_consistent_frequency_hours(ProtectionHandle protection,
            long hours);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_rpo_threshold(ProtectionHandle protection, long seconds);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_max_in_flight(ProtectionHandle protection, int requests);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_tls(ProtectionHandle protection, int verify, byte[] ca_file);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_proxy(ProtectionHandle protection, byte[] proxy_url);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_encryption_key_file(ProtectionHandle protection, byte[] path);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_bandwidth(ProtectionHandle protection, ulong work_bytes_per_second,
            ulong non_work_bytes_per_second, int work_start_minute, int work_end_minute, uint work_days);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_link(ProtectionHandle protection, ulong bytes_per_second,
            uint requests_per_second);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_resync_window(ProtectionHandle protection, int automatic,
            int office_start_minute, int office_end_minute, uint office_days);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_chunk_size(ProtectionHandle protection, uint bytes);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protection_set_failover_setting(ProtectionHandle protection, byte[] key,
            byte[] value);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_checkpoint_set_disk(CheckpointHandle checkpoint, UIntPtr index, byte[] frozen_path,
            byte[] tracked_identity);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_create(IntPtr user_data, out HostHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_host_destroy(IntPtr host);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_checkpoint(HostHandle host, hvr_host_checkpoint_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_merge_checkpoint(HostHandle host, hvr_host_vm_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_rotate_logs(HostHandle host, hvr_host_rotate_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_shutdown_vm(HostHandle host, hvr_host_vm_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_start_vm(HostHandle host, hvr_host_vm_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_stop_tracking(HostHandle host, hvr_host_vm_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_create_azure_vm(HostHandle host, hvr_host_azure_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_shutdown_azure_vm(HostHandle host, hvr_host_azure_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_delete_azure_vm(HostHandle host, hvr_host_azure_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_plan_action(HostHandle host, hvr_host_plan_action_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_host_set_vm_running(HostHandle host, hvr_host_running_fn fn);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_create(out SessionOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_session_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_host(SessionOptionsHandle options, HostHandle host);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_job_callback(SessionOptionsHandle options, hvr_job_fn fn,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_job_info_callback(SessionOptionsHandle options,
            hvr_job_info_fn fn, IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_event_callback(SessionOptionsHandle options,
            hvr_event_fn fn, IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_log(SessionOptionsHandle options, hvr_log_fn log,
            IntPtr user_data);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_max_in_flight(SessionOptionsHandle options, int requests);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_agent_id_file(SessionOptionsHandle options, byte[] file);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_retries(SessionOptionsHandle options, int max_attempts,
            long base_delay_ms, long max_delay_ms, long max_elapsed_ms);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_options_set_operation_retry_delays(SessionOptionsHandle options,
            long[] delays_ms, UIntPtr count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_open(EngineHandle engine, byte[] state_dir, SessionOptionsHandle options,
            int read_only, out SessionHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_session_close(IntPtr session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_run_options_create(out RunOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_run_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_run_options_set_cancel_token(RunOptionsHandle options, CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_run_initial_replication(SessionHandle session, RunOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_run_delta_cycle(SessionHandle session, RunOptionsHandle options,
            ref hvr_cycle_report out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_resync_options_create(out ResyncOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_resync_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_resync_options_set_verify_replica(ResyncOptionsHandle options, int verify);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_resync_options_set_cancel_token(ResyncOptionsHandle options,
            CancelTokenHandle token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_resync(SessionHandle session, ResyncOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_schedule_resync(SessionHandle session, byte[] reason,
            ResyncOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_clear_error(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_create(out SettingsChangeHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_settings_change_destroy(IntPtr change);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_target(SettingsChangeHandle change, byte[] target);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_replication_interval(SettingsChangeHandle change,
            long seconds);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_recovery_history_hours(SettingsChangeHandle change,
            long hours);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_app_consistent_frequency_hours(SettingsChangeHandle change,
            long hours);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_bandwidth(SettingsChangeHandle change, ulong work_bytes_per_second,
            ulong non_work_bytes_per_second, int work_start_minute, int work_end_minute, uint work_days);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_link(SettingsChangeHandle change, ulong bytes_per_second,
            uint requests_per_second);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_resync_window(SettingsChangeHandle change, int automatic,
            int office_start_minute, int office_end_minute, uint office_days);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_settings_change_set_max_in_flight(SettingsChangeHandle change, int requests);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_set_settings(SessionHandle session, SettingsChangeHandle change);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_remove_disk_options_create(out RemoveDiskOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_remove_disk_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_remove_disk_options_set_delete_replica(RemoveDiskOptionsHandle options,
            int delete_replica);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_remove_disk(SessionHandle session, byte[] disk,
            RemoveDiskOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_add_disk_options_create(out AddDiskOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_add_disk_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_add_disk_options_set_replica_name(AddDiskOptionsHandle options, byte[] name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_add_disk_options_set_logs(AddDiskOptionsHandle options, byte[] log_folder,
            byte[] log_name);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_add_disk(SessionHandle session, byte[] path, AddDiskOptionsHandle options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_suspend(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_resume(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protect_options_create(out ProtectOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_protect_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_protect_options_set_seed(ProtectOptionsHandle options, int seed);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_enable_protection(EngineHandle engine, byte[] state_dir,
            ProtectionHandle protection, ProtectOptionsHandle protect_options, SessionOptionsHandle options,
            out SessionHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_adopt_options_create(out AdoptOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_adopt_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_adopt_options_set_resync(AdoptOptionsHandle options, int resync);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_adopt(EngineHandle engine, byte[] state_dir, ProtectionHandle protection,
            AdoptOptionsHandle adopt_options, SessionOptionsHandle options, out SessionHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_unprotect_options_create(out UnprotectOptionsHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_unprotect_options_destroy(IntPtr options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_unprotect_options_set_delete_replicas(UnprotectOptionsHandle options,
            int delete_replicas);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_unprotect(EngineHandle engine, byte[] state_dir,
            UnprotectOptionsHandle options, SessionOptionsHandle session_options);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_run_due_work(SessionHandle session, RunOptionsHandle options,
            out int out_ran);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_next_due(SessionHandle session, out int out_has, out long out_when);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_removed(SessionHandle session, out int out_removed);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_status(SessionHandle session, ref hvr_session_status out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_progress(SessionHandle session, ref hvr_job_progress out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_statistics(SessionHandle session, int since_protection,
            ref hvr_replication_statistics out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_reset_statistics(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_store_statistics(SessionHandle session, ref hvr_store_statistics out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_status_json(SessionHandle session, out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_jobs_json(SessionHandle session, out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_job_type_name(JobType type);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern IntPtr hvr_job_state_name(JobRunState state);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_jobs(SessionHandle session, out JobListHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_job_list_get_count(JobListHandle list, out UIntPtr out_count);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_job_list_get(JobListHandle list, UIntPtr index, ref hvr_job_info out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_job_list_destroy(IntPtr list);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_get_recovery_points_json(SessionHandle session, out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_verify_point(SessionHandle session, byte[] point,
            RunOptionsHandle options, out int out_identical, out IntPtr out_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_failover(SessionHandle session, byte[] point, int planned,
            out IntPtr out_vm_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_commit_failover(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_test_failover(SessionHandle session, byte[] point, out IntPtr out_vm_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_cleanup_test_failover(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_failback_sync(SessionHandle session, byte[] folder,
            out IntPtr out_report_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_failback_complete(SessionHandle session, byte[] folder,
            out IntPtr out_report_json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_commit_failback(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_session_reverse(SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_scheduler_create(EngineHandle engine, out SchedulerHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_scheduler_add(SchedulerHandle scheduler, SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_scheduler_remove(SchedulerHandle scheduler, SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_scheduler_destroy(IntPtr scheduler);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_plan_create(byte[] name, out PlanHandle out_);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern void hvr_plan_destroy(IntPtr plan);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_plan_add_group(PlanHandle plan, out UIntPtr out_index);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_plan_add_vm(PlanHandle plan, UIntPtr group, SessionHandle session);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_plan_add_action(PlanHandle plan, UIntPtr group, int after, byte[] action);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_plan_set_continue_on_failure(PlanHandle plan, int go_on);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern Status hvr_plan_run(PlanHandle plan, PlanFailover kind, byte[] point, HostHandle actions,
            out IntPtr out_outcome_json);
    }
}
