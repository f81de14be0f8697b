// HvrReplication.cs: replication (the last section of hvr.h): engines, protection settings,
// hosts whose callbacks are managed code, sessions (protect, initial replication, cycles,
// resync, status, jobs, recovery points, verification, failover, test failover, failback,
// reverse replication), schedulers and recovery plans.
//
// Callbacks. A host's callbacks and a session's job and log callbacks run on the thread of
// the session call that needs them (the library says so), so the call's wrapper gathers
// what they throw: a callback's exception never unwinds into the library, the callback
// returns a failure status instead (Callbacks.StatusOf), and the call rethrows the
// exception once it has returned. Callbacks that run where no call of this layer waits (a
// Scheduler's or a Plan's worker threads) leave their exception in LastCallbackException.
//
// Optional strings (a point, a folder, a reason, log names): null or empty both mean the
// C API's NULL, since PowerShell passes $null to a .NET string parameter as "".
//
// Lifetimes follow hvr.h through the handles: a session keeps its engine and host from
// being destroyed until it is closed, a scheduler its engine and the sessions it runs, a
// plan its sessions; disposing them in any order (or leaving them to the finalizer) is
// safe.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Hvr
{
    // ---- Calls and their callbacks ----------------------------------------------------------

    // The session call running on this thread: where its callbacks' exceptions and progress go.
    internal sealed class CallScope : IDisposable
    {
        [ThreadStatic] private static CallScope current;

        private readonly CallScope outer;

        private CallScope(Callbacks callbacks, ProgressCallback progress)
        {
            Callbacks = callbacks;
            Progress = progress;
            outer = current;
            current = this;
        }

        public readonly Callbacks Callbacks;
        public readonly ProgressCallback Progress;  // the operation's, or null

        public static CallScope Current { get { return current; } }

        public static CallScope Enter(Callbacks callbacks, ProgressCallback progress)
        {
            return new CallScope(callbacks, progress);
        }

        public void Dispose() { current = outer; }

        // Runs a callback whose C type returns hvr_status: an exception is recorded for the
        // waiting call, or in `unclaimed` when none waits on this thread.
        public static Status Run(Action action, Action<Exception> unclaimed)
        {
            CallScope scope = current;
            try
            {
                action();
                return Status.Ok;
            }
            catch (Exception e)
            {
                if (scope != null) scope.Callbacks.Record(e);
                else unclaimed(e);
                return Callbacks.StatusOf(e);
            }
        }

        // Runs a callback without a status: an exception is recorded the same way, and the
        // library goes on.
        public static void Notify(Action action, Action<Exception> unclaimed)
        {
            Run(action, unclaimed);
        }
    }

    // Times in the library's JSON documents are Unix seconds; this turns them into dates.
    public static class UnixSeconds
    {
        public static DateTimeOffset ToDate(long seconds) { return UnixTime.ToDate(seconds); }
        public static long FromDate(DateTimeOffset date) { return UnixTime.ToSeconds(date); }
    }

    // ---- Jobs --------------------------------------------------------------------------------

    // A job as the session's job callback last reported it, or as the session's job list
    // holds it (hvr_job_info; Json, beside it, has the steps in full). Immutable.
    public sealed class Job
    {
        public string Json { get; private set; }         // null for a job read from a list
        public string Id { get; private set; }
        public string Type { get; private set; }          // "initial_replication", "delta_replication", ...
        public string VmName { get; private set; }
        public string State { get; private set; }         // "running", "succeeded", "failed", "cancelled", "interrupted"
        public string Step { get; private set; }          // the name of its latest step, or null
        public DateTimeOffset Started { get; private set; }
        public DateTimeOffset? Ended { get; private set; }
        public ulong ProgressDone { get; private set; }
        public ulong ProgressTotal { get; private set; }  // 0: no measurable progress
        public string Summary { get; private set; }
        public Status Error { get; private set; }         // Status.Ok unless it failed
        public string ErrorMessage { get; private set; }  // the error a failed job ended with, or null
        public bool IsRunning { get { return State == "running"; } }

        public int PercentComplete
        {
            get { return ProgressTotal == 0 ? 0 : (int)Math.Min(100, ProgressDone * 100.0 / ProgressTotal); }
        }

        public override string ToString() { return Type + " " + State + (Step == null ? "" : " (" + Step + ")"); }

        // The job an hvr_job_info describes; its strings are copied, so the job outlives it.
        internal static Job FromNative(HvrNative.hvr_job_info info, string json)
        {
            Job job = new Job();
            job.Json = json;
            job.Id = Utf8.Decode(info.id);
            job.Type = Utf8.Decode(HvrNative.hvr_job_type_name(info.type));
            job.VmName = Utf8.Decode(info.vm_name);
            job.State = Utf8.Decode(HvrNative.hvr_job_state_name(info.state));
            job.Step = info.step == IntPtr.Zero ? null : Utf8.Decode(info.step);
            job.Started = UnixTime.ToDate(info.started);
            job.Ended = info.state == JobRunState.Running ? (DateTimeOffset?)null : UnixTime.ToDate(info.ended);
            job.ProgressDone = info.progress_done;
            job.ProgressTotal = info.progress_total;
            job.Summary = Utf8.Decode(info.summary);
            job.Error = info.error;
            job.ErrorMessage = info.error_message == IntPtr.Zero ? null : Utf8.Decode(info.error_message);
            return job;
        }

        // The job at `job`, a const hvr_job_info * a callback was given.
        internal static Job FromNative(IntPtr job, string json)
        {
            HvrNative.hvr_job_info info = (HvrNative.hvr_job_info)Marshal.PtrToStructure(job, typeof(HvrNative.hvr_job_info));
            if ((long)info.struct_size.ToUInt64() < Marshal.SizeOf(typeof(HvrNative.hvr_job_info)))
                throw new InvalidOperationException("the library's hvr_job_info is older than this module's");
            return FromNative(info, json);
        }
    }

    // Receives each job update of a session (a job starts, changes step, makes progress at
    // most every half second, or ends), on the operation's thread.
    public delegate void JobCallback(Job job);

    // ---- Engines -----------------------------------------------------------------------------

    public sealed class EngineOptions
    {
        public int? IoThreads { get; set; }          // threads running network I/O and timers; default 1
        public int? MaxActiveSessions { get; set; }  // sessions doing I/O at once; default 4
        public LogCallback Log { get; set; }         // called from library threads until the engine is disposed
    }

    // What the sessions of a process share: I/O threads, stores, a bound on the sessions
    // doing I/O at once. Thread-safe. Its handle lives on until the last session and
    // scheduler made with it are closed, whenever Dispose is called.
    public sealed class Engine : IDisposable
    {
        internal readonly EngineHandle Handle;
        private Exception unclaimed;

        public Engine() : this(null) { }

        public Engine(EngineOptions options)
        {
            EngineOptionsHandle native = new EngineOptionsHandle();  // NULL: the defaults
            HvrNative.hvr_log_fn logFn = null;
            try
            {
                if (options != null)
                {
                    Errors.Check(HvrNative.hvr_engine_options_create(out native), "hvr_engine_options_create");
                    if (options.IoThreads.HasValue)
                        Errors.Check(HvrNative.hvr_engine_options_set_io_threads(native, options.IoThreads.Value),
                                     "hvr_engine_options_set_io_threads");
                    if (options.MaxActiveSessions.HasValue)
                        Errors.Check(HvrNative.hvr_engine_options_set_max_active_sessions(native,
                                                                                          options.MaxActiveSessions.Value),
                                     "hvr_engine_options_set_max_active_sessions");
                    LogCallback log = options.Log;
                    if (log != null)
                    {
                        logFn = delegate(IntPtr user, LogLevel level, IntPtr message)
                        {
                            string text = Utf8.Decode(message);
                            CallScope.Notify(delegate { log(level, text); }, delegate(Exception e) { unclaimed = e; });
                        };
                        Errors.Check(HvrNative.hvr_engine_options_set_log(native, logFn, IntPtr.Zero),
                                     "hvr_engine_options_set_log");
                    }
                }
                Errors.Check(HvrNative.hvr_engine_create(native, out Handle), "hvr_engine_create");
                Handle.KeepAlive(logFn);  // called until the engine is destroyed
            }
            finally
            {
                native.Dispose();
            }
        }

        // The last exception a log callback threw (they have no caller to take it).
        public Exception LastCallbackException { get { return unclaimed; } }

        public void Dispose() { Handle.Dispose(); }
    }

    // ---- Protection settings ---------------------------------------------------------------

    // The settings an operator may change after protection: given when a Protection is made,
    // changed later through a SettingsChange.
    public interface IReplicationSettings
    {
        void SetInterval(int seconds);
        void SetRecoveryHistory(int hours);
        void SetAppConsistentFrequency(int hours);
        void SetMaxInFlight(int requests);
        void SetBandwidth(BandwidthSchedule bandwidth);
        void SetLink(ulong bytesPerSecond, uint requestsPerSecond);
        void SetResyncWindow(bool automatic, int officeStartMinute, int officeEndMinute, DayOfWeek[] officeDays);
    }

    // What protecting a VM means: its disks, the target, the relationship's settings.
    // Defaults: 5-minute interval, 24 hours of recovery points, no app-consistent points,
    // resync outside 08:00-18:00 on weekdays, 8 requests in flight. Setters check their
    // value at once; Session.Protect checks them together.
    public sealed class Protection : IReplicationSettings, IDisposable
    {
        internal readonly ProtectionHandle Handle;

        // vmName must be valid as an Azure VM name; target is a store target (it may hold a
        // secret, which the state directory keeps owner-only).
        public Protection(string vmName, string target)
        {
            Errors.Check(HvrNative.hvr_protection_create(Utf8.Encode(vmName), Utf8.Encode(target), out Handle),
                         "hvr_protection_create");
        }

        // Adds a disk (the OS disk first). logFolder and logName (null: the disk's folder and
        // its file name without extension) say where the host's tracker writes its logs;
        // replicaName (null: "<vm>-disk<index>") names the replica disk.
        public void AddDisk(string path, string logFolder, string logName, string replicaName)
        {
            Errors.Check(HvrNative.hvr_protection_add_disk(Handle, Utf8.Encode(path), Utf8.EncodeOptional(logFolder),
                                                           Utf8.EncodeOptional(logName),
                                                           Utf8.EncodeOptional(replicaName)),
                         "hvr_protection_add_disk");
        }

        public void AddDisk(string path) { AddDisk(path, null, null, null); }

        // 30, 300 or 900 seconds.
        public void SetInterval(int seconds)
        {
            Errors.Check(HvrNative.hvr_protection_set_replication_interval(Handle, seconds),
                         "hvr_protection_set_replication_interval");
        }

        // Hours of recovery points kept (0: the latest only; at most 360).
        public void SetRecoveryHistory(int hours)
        {
            Errors.Check(HvrNative.hvr_protection_set_recovery_history_hours(Handle, hours),
                         "hvr_protection_set_recovery_history_hours");
        }

        // Hours between app-consistent points (0: none; at most 12, within the history).
        public void SetAppConsistentFrequency(int hours)
        {
            Errors.Check(HvrNative.hvr_protection_set_app_consistent_frequency_hours(Handle, hours),
                         "hvr_protection_set_app_consistent_frequency_hours");
        }

        // Health turns warning past this RPO (default: three intervals); whole seconds.
        public void SetRpoThreshold(TimeSpan threshold)
        {
            Errors.Check(HvrNative.hvr_protection_set_rpo_threshold(Handle, (long)threshold.TotalSeconds),
                         "hvr_protection_set_rpo_threshold");
        }

        public void SetMaxInFlight(int requests)
        {
            Errors.Check(HvrNative.hvr_protection_set_max_in_flight(Handle, requests), "hvr_protection_set_max_in_flight");
        }

        // verify false turns certificate checks off; caFile (may be null) is a PEM file of CAs.
        public void SetTls(bool verify, string caFile)
        {
            Errors.Check(HvrNative.hvr_protection_set_tls(Handle, verify ? 1 : 0, Utf8.EncodeOptional(caFile)),
                         "hvr_protection_set_tls");
        }

        // null: HTTPS_PROXY/HTTP_PROXY; "": no proxy.
        public void SetProxy(string proxyUrl)
        {
            Errors.Check(HvrNative.hvr_protection_set_proxy(Handle, Utf8.Encode(proxyUrl)), "hvr_protection_set_proxy");
        }

        // A customer-provided AES-256 key, 32 bytes or 64 hex digits, in a file.
        public void SetEncryptionKeyFile(string path)
        {
            Errors.Check(HvrNative.hvr_protection_set_encryption_key_file(Handle, Utf8.Encode(path)),
                         "hvr_protection_set_encryption_key_file");
        }

        public void SetBandwidth(BandwidthSchedule bandwidth)
        {
            if (bandwidth == null) throw new ArgumentNullException("bandwidth");
            Errors.Check(HvrNative.hvr_protection_set_bandwidth(Handle, bandwidth.WorkBytesPerSecond,
                                                                bandwidth.NonWorkBytesPerSecond, bandwidth.WorkStartMinute,
                                                                bandwidth.WorkEndMinute, bandwidth.DayMask()),
                         "hvr_protection_set_bandwidth");
        }

        // The link to the target, which decides how far page writes join across zeros: bytes
        // a second it carries (125,000 to 12,500,000,000; default 12,500,000, 100 Mbit/s) and
        // requests a second one replica disk takes (1 to 100,000; default 500).
        public void SetLink(ulong bytesPerSecond, uint requestsPerSecond)
        {
            Errors.Check(HvrNative.hvr_protection_set_link(Handle, bytesPerSecond, requestsPerSecond),
                         "hvr_protection_set_link");
        }

        // Resync starts by itself (automatic) outside office hours, [officeStartMinute,
        // officeEndMinute) of local time on officeDays; asked for by hand it starts at once.
        public void SetResyncWindow(bool automatic, int officeStartMinute, int officeEndMinute, DayOfWeek[] officeDays)
        {
            Errors.Check(HvrNative.hvr_protection_set_resync_window(Handle, automatic ? 1 : 0, officeStartMinute,
                                                                    officeEndMinute, BandwidthSchedule.MaskOf(officeDays)),
                         "hvr_protection_set_resync_window");
        }

        // Chunk size of the replica manifests (0: 256 KiB).
        public void SetChunkSize(uint bytes)
        {
            Errors.Check(HvrNative.hvr_protection_set_chunk_size(Handle, bytes), "hvr_protection_set_chunk_size");
        }

        // A setting handed to the host when it creates the VM in Azure (size, network...).
        public void SetFailoverSetting(string key, string value)
        {
            Errors.Check(HvrNative.hvr_protection_set_failover_setting(Handle, Utf8.Encode(key), Utf8.Encode(value)),
                         "hvr_protection_set_failover_setting");
        }

        public void Dispose() { Handle.Dispose(); }
    }

    // A change of a protection's settings (Session.ChangeSettings): only what is set changes.
    // Each setter checks its value by the protection's rule at once.
    public sealed class SettingsChange : IReplicationSettings, IDisposable
    {
        internal readonly SettingsChangeHandle Handle;

        public SettingsChange()
        {
            Errors.Check(HvrNative.hvr_settings_change_create(out Handle), "hvr_settings_change_create");
        }

        // The target with a new credential for the same account and container (or folder);
        // proven against the target before it is saved.
        public void SetTarget(string target)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_target(Handle, Utf8.Encode(target)),
                         "hvr_settings_change_set_target");
        }

        // 30, 300 or 900 seconds.
        public void SetInterval(int seconds)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_replication_interval(Handle, seconds),
                         "hvr_settings_change_set_replication_interval");
        }

        public void SetRecoveryHistory(int hours)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_recovery_history_hours(Handle, hours),
                         "hvr_settings_change_set_recovery_history_hours");
        }

        public void SetAppConsistentFrequency(int hours)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_app_consistent_frequency_hours(Handle, hours),
                         "hvr_settings_change_set_app_consistent_frequency_hours");
        }

        // Both rates 0 remove the limit.
        public void SetBandwidth(BandwidthSchedule bandwidth)
        {
            if (bandwidth == null) throw new ArgumentNullException("bandwidth");
            Errors.Check(HvrNative.hvr_settings_change_set_bandwidth(Handle, bandwidth.WorkBytesPerSecond,
                                                                     bandwidth.NonWorkBytesPerSecond,
                                                                     bandwidth.WorkStartMinute, bandwidth.WorkEndMinute,
                                                                     bandwidth.DayMask()),
                         "hvr_settings_change_set_bandwidth");
        }

        // As Protection.SetLink.
        public void SetLink(ulong bytesPerSecond, uint requestsPerSecond)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_link(Handle, bytesPerSecond, requestsPerSecond),
                         "hvr_settings_change_set_link");
        }

        // As Protection.SetResyncWindow.
        public void SetResyncWindow(bool automatic, int officeStartMinute, int officeEndMinute, DayOfWeek[] officeDays)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_resync_window(Handle, automatic ? 1 : 0, officeStartMinute,
                                                                         officeEndMinute,
                                                                         BandwidthSchedule.MaskOf(officeDays)),
                         "hvr_settings_change_set_resync_window");
        }

        // Requests in flight, 1 to 64.
        public void SetMaxInFlight(int requests)
        {
            Errors.Check(HvrNative.hvr_settings_change_set_max_in_flight(Handle, requests),
                         "hvr_settings_change_set_max_in_flight");
        }

        public void Dispose() { Handle.Dispose(); }
    }

    // ---- Hosts -------------------------------------------------------------------------------

    // The VM a host callback is about.
    public sealed class HostVm
    {
        public string Name { get; private set; }
        public Guid Id { get; private set; }          // the relationship's id
        public string[] Disks { get; private set; }   // the protected disks' paths, OS disk first

        public override string ToString() { return Name; }

        // Reads a const hvr_host_vm *, only as far as its struct_size says it reaches.
        internal static HostVm Read(IntPtr vm)
        {
            if (vm == IntPtr.Zero) throw new ArgumentNullException("vm", "the library gave a host callback no VM");
            int size = Marshal.SizeOf(typeof(HvrNative.hvr_host_vm));
            long given = Marshal.ReadIntPtr(vm).ToInt64();
            HvrNative.hvr_host_vm v;
            if (given >= size)
            {
                v = (HvrNative.hvr_host_vm)Marshal.PtrToStructure(vm, typeof(HvrNative.hvr_host_vm));
            }
            else
            {
                // An older library's smaller struct: the fields it lacks read as zero.
                byte[] bytes = new byte[size];
                Marshal.Copy(vm, bytes, 0, (int)Math.Max(0, given));
                GCHandle pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
                try
                {
                    v = (HvrNative.hvr_host_vm)Marshal.PtrToStructure(pin.AddrOfPinnedObject(),
                                                                      typeof(HvrNative.hvr_host_vm));
                }
                finally { pin.Free(); }
            }
            HostVm result = new HostVm();
            result.Name = Utf8.Decode(v.name);
            result.Id = v.id == null ? Guid.Empty : new Guid(v.id);
            int count = checked((int)v.disk_count.ToUInt64());
            result.Disks = new string[v.disks == IntPtr.Zero ? 0 : count];
            for (int i = 0; i < result.Disks.Length; ++i)
                result.Disks[i] = Utf8.Decode(Marshal.ReadIntPtr(v.disks, i * IntPtr.Size));
            return result;
        }
    }

    // What a checkpoint callback fills: for every disk of the VM, its point-in-time view.
    // Valid during the callback only.
    public sealed class HostCheckpoint
    {
        private readonly CheckpointHandle handle;

        internal HostCheckpoint(CheckpointHandle handle, int diskCount)
        {
            this.handle = handle;
            DiskCount = diskCount;
        }

        public int DiskCount { get; private set; }

        // Disk `index`'s frozen view (a file the copy reads), and the DataWriteGuid its
        // tracker stamps into logs from now on (null: taken from the logs), in the on-disk
        // byte order Guid.ToByteArray gives.
        public void SetDisk(int index, string frozenPath, Guid? trackedIdentity)
        {
            if (index < 0) throw new ArgumentOutOfRangeException("index");
            Errors.Check(HvrNative.hvr_checkpoint_set_disk(handle, new UIntPtr((uint)index), Utf8.Encode(frozenPath),
                                                           ReplicaLog.GuidBytes(trackedIdentity)),
                         "hvr_checkpoint_set_disk");
        }

        public void SetDisk(int index, string frozenPath) { SetDisk(index, frozenPath, null); }
    }

    // Freezes every disk at one instant (again the same one when asked while a checkpoint
    // is active) and fills `checkpoint`; from then on every write is tracked.
    public delegate void HostCheckpointCallback(HostVm vm, HostCheckpoint checkpoint);

    // Merging the checkpoint, shutting the VM down (its trackers close their logs), starting it.
    public delegate void HostVmCallback(HostVm vm);

    // Closes every disk's log and starts the next, quiescing the guest first when asked;
    // returns whether it quiesced.
    public delegate bool HostRotateCallback(HostVm vm, bool quiesce);

    // Creating, stopping or deleting the VM in Azure, described by the JSON of a failed-over
    // VM (vm_name, point_id, point_time, app_consistent, test, planned, disks, settings).
    public delegate void HostAzureVmCallback(string vmJson);

    // A recovery plan's action.
    public delegate void HostPlanActionCallback(string plan, string action);

    // Whether the on-premises VM runs (and so may write its disks): failback to the VM's
    // own disks asks before writing them and refuses (HvrException(Conflict)) while it runs.
    public delegate bool HostVmRunningCallback(HostVm vm);

    // What the embedding product does that only it can, as managed callbacks. A callback
    // left null behaves as for disks nothing writes (checkpoint: the disks themselves;
    // rotate: nothing; shut down: HvrException(Unsupported); VM running: false; the rest:
    // nothing). Set the
    // callbacks before giving the host to a session: a session reads them while it runs.
    // Callbacks may run on several threads at once for different VMs. The host's handle
    // outlives the sessions given it, whenever Dispose is called; the host keeps its
    // delegates for as long as its handle lives.
    public sealed class Host : IDisposable
    {
        internal readonly HostHandle Handle;
        private readonly Action<Exception> keepUnclaimed;
        private readonly HvrNative.hvr_host_checkpoint_fn checkpointFn;
        private readonly HvrNative.hvr_host_vm_fn mergeFn, shutdownFn, startFn;
        private readonly HvrNative.hvr_host_rotate_fn rotateFn;
        private readonly HvrNative.hvr_host_azure_fn createAzureFn, shutdownAzureFn, deleteAzureFn;
        private readonly HvrNative.hvr_host_plan_action_fn planActionFn;
        private readonly HvrNative.hvr_host_running_fn runningFn;
        private volatile HostCheckpointCallback checkpoint;
        private volatile HostVmCallback merge, shutdown, start;
        private volatile HostRotateCallback rotate;
        private volatile HostAzureVmCallback createAzure, shutdownAzure, deleteAzure;
        private volatile HostPlanActionCallback planAction;
        private volatile HostVmRunningCallback running;
        private Exception unclaimed;

        public Host()
        {
            keepUnclaimed = delegate(Exception e) { unclaimed = e; };
            checkpointFn = delegate(IntPtr user, IntPtr vm, IntPtr filled)
            {
                return CallScope.Run(delegate
                {
                    HostCheckpointCallback callback = checkpoint;
                    HostVm described = HostVm.Read(vm);
                    using (CheckpointHandle lent = new CheckpointHandle(filled))
                    {
                        if (callback != null) callback(described, new HostCheckpoint(lent, described.Disks.Length));
                    }
                }, keepUnclaimed);
            };
            mergeFn = VmFn(delegate { return merge; });
            shutdownFn = VmFn(delegate { return shutdown; });
            startFn = VmFn(delegate { return start; });
            rotateFn = delegate(IntPtr user, IntPtr vm, int quiesce, out int quiesced)
            {
                bool did = false;
                Status status = CallScope.Run(delegate
                {
                    HostRotateCallback callback = rotate;
                    if (callback != null) did = callback(HostVm.Read(vm), quiesce != 0);
                }, keepUnclaimed);
                quiesced = status == Status.Ok && did ? 1 : 0;
                return status;
            };
            createAzureFn = AzureFn(delegate { return createAzure; });
            shutdownAzureFn = AzureFn(delegate { return shutdownAzure; });
            deleteAzureFn = AzureFn(delegate { return deleteAzure; });
            planActionFn = delegate(IntPtr user, IntPtr plan, IntPtr action)
            {
                string planName = Utf8.Decode(plan), actionName = Utf8.Decode(action);
                return CallScope.Run(delegate
                {
                    HostPlanActionCallback callback = planAction;
                    if (callback != null) callback(planName, actionName);
                }, keepUnclaimed);
            };

            runningFn = delegate(IntPtr user, IntPtr vm, out int answer)
            {
                bool runs = false;
                Status status = CallScope.Run(delegate
                {
                    HostVmRunningCallback callback = running;
                    if (callback != null) runs = callback(HostVm.Read(vm));
                }, keepUnclaimed);
                answer = status == Status.Ok && runs ? 1 : 0;
                return status;
            };

            Errors.Check(HvrNative.hvr_host_create(IntPtr.Zero, out Handle), "hvr_host_create");
            foreach (object fn in new object[] { checkpointFn, mergeFn, shutdownFn, startFn, rotateFn, createAzureFn,
                                                 shutdownAzureFn, deleteAzureFn, planActionFn, runningFn })
                Handle.KeepAlive(fn);
        }

        public HostCheckpointCallback Checkpoint
        {
            get { return checkpoint; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_checkpoint(Handle, value == null ? null : checkpointFn),
                             "hvr_host_set_checkpoint");
                checkpoint = value;
            }
        }

        public HostVmCallback MergeCheckpoint
        {
            get { return merge; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_merge_checkpoint(Handle, value == null ? null : mergeFn),
                             "hvr_host_set_merge_checkpoint");
                merge = value;
            }
        }

        public HostRotateCallback RotateLogs
        {
            get { return rotate; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_rotate_logs(Handle, value == null ? null : rotateFn),
                             "hvr_host_set_rotate_logs");
                rotate = value;
            }
        }

        public HostVmCallback ShutdownVm
        {
            get { return shutdown; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_shutdown_vm(Handle, value == null ? null : shutdownFn),
                             "hvr_host_set_shutdown_vm");
                shutdown = value;
            }
        }

        public HostVmCallback StartVm
        {
            get { return start; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_start_vm(Handle, value == null ? null : startFn),
                             "hvr_host_set_start_vm");
                start = value;
            }
        }

        public HostAzureVmCallback CreateAzureVm
        {
            get { return createAzure; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_create_azure_vm(Handle, value == null ? null : createAzureFn),
                             "hvr_host_set_create_azure_vm");
                createAzure = value;
            }
        }

        public HostAzureVmCallback ShutdownAzureVm
        {
            get { return shutdownAzure; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_shutdown_azure_vm(Handle, value == null ? null : shutdownAzureFn),
                             "hvr_host_set_shutdown_azure_vm");
                shutdownAzure = value;
            }
        }

        public HostAzureVmCallback DeleteAzureVm
        {
            get { return deleteAzure; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_delete_azure_vm(Handle, value == null ? null : deleteAzureFn),
                             "hvr_host_set_delete_azure_vm");
                deleteAzure = value;
            }
        }

        public HostPlanActionCallback PlanAction
        {
            get { return planAction; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_plan_action(Handle, value == null ? null : planActionFn),
                             "hvr_host_set_plan_action");
                planAction = value;
            }
        }

        public HostVmRunningCallback VmRunning
        {
            get { return running; }
            set
            {
                Errors.Check(HvrNative.hvr_host_set_vm_running(Handle, value == null ? null : runningFn),
                             "hvr_host_set_vm_running");
                running = value;
            }
        }

        // The last exception a callback threw where no call of this layer waited for it
        // (a Scheduler's or a Plan's worker threads); the library got its status.
        public Exception LastCallbackException { get { return unclaimed; } }

        // The handle is destroyed once no session uses the host any more.
        public void Dispose() { Handle.Dispose(); }

        private HvrNative.hvr_host_vm_fn VmFn(Func<HostVmCallback> current)
        {
            return delegate(IntPtr user, IntPtr vm)
            {
                return CallScope.Run(delegate
                {
                    HostVmCallback callback = current();
                    if (callback != null) callback(HostVm.Read(vm));
                }, keepUnclaimed);
            };
        }

        private HvrNative.hvr_host_azure_fn AzureFn(Func<HostAzureVmCallback> current)
        {
            return delegate(IntPtr user, IntPtr vmJson)
            {
                string json = Utf8.Decode(vmJson);
                return CallScope.Run(delegate
                {
                    HostAzureVmCallback callback = current();
                    if (callback != null) callback(json);
                }, keepUnclaimed);
            };
        }
    }

    // ---- Sessions ----------------------------------------------------------------------------

    public sealed class SessionOptions
    {
        public Host Host { get; set; }            // null: the default host (disks nothing writes)
        public JobCallback Job { get; set; }      // every job update, on the operation's thread
        public LogCallback Log { get; set; }      // the session's log lines
        public int? MaxInFlight { get; set; }     // overrides the protection's requests in flight (0: keep them)
    }

    // What hvr_session_get_status reports. Dates are null where the library says 0 (none).
    public sealed class SessionStatus
    {
        public ReplicationState State { get; internal set; }
        public string StateName { get; internal set; }       // "replicating", ... (hvr_replication_state_name)
        public Health Health { get; internal set; }
        public string HealthName { get; internal set; }      // "normal", "warning", "critical"
        public double SyncPercent { get; internal set; }     // initial replication or resync
        public DateTimeOffset? LastReplicated { get; internal set; }
        public TimeSpan? Rpo { get; internal set; }           // null: no recovery point yet
        public ulong RecoveryPoints { get; internal set; }
        public ulong Cycles { get; internal set; }
        public ulong BytesSent { get; internal set; }
        public Status LastError { get; internal set; }       // Status.Ok when none; StatusJson has its message
        public string LastErrorName { get; internal set; }
        public DateTimeOffset? FailingSince { get; internal set; }
        public DateTimeOffset? NextAttempt { get; internal set; }
        public DateTimeOffset? SuspendedSince { get; internal set; }  // null unless an operator suspended it

        public override string ToString() { return StateName + ", " + HealthName; }

        internal static SessionStatus FromNative(HvrNative.hvr_session_status s)
        {
            return new SessionStatus
            {
                State = s.state,
                StateName = Utf8.Decode(HvrNative.hvr_replication_state_name(s.state)),
                Health = s.health,
                HealthName = Utf8.Decode(HvrNative.hvr_health_name(s.health)),
                SyncPercent = s.sync_percent,
                LastReplicated = s.last_replicated == 0 ? (DateTimeOffset?)null : UnixTime.ToDate(s.last_replicated),
                Rpo = s.rpo_seconds < 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(s.rpo_seconds),
                RecoveryPoints = s.recovery_points,
                Cycles = s.cycles,
                BytesSent = s.bytes_sent,
                LastError = s.last_error,
                LastErrorName = Errors.NameOf(s.last_error),
                FailingSince = s.failing_since == 0 ? (DateTimeOffset?)null : UnixTime.ToDate(s.failing_since),
                NextAttempt = s.next_attempt == 0 ? (DateTimeOffset?)null : UnixTime.ToDate(s.next_attempt),
                SuspendedSince = s.suspended_since == 0 ? (DateTimeOffset?)null : UnixTime.ToDate(s.suspended_since),
            };
        }
    }

    // What one delta cycle did.
    public sealed class CycleReport
    {
        public bool Shipped { get; internal set; }         // false: no new logs
        public ulong Logs { get; internal set; }
        public ulong LoggedBytes { get; internal set; }    // data in the logs, overwrites included
        public ulong ChangedBytes { get; internal set; }   // distinct bytes changed
        public ulong BytesSent { get; internal set; }
        public ulong PageWrites { get; internal set; }
        public ulong RecoveryPoint { get; internal set; }  // the sequence of the point made, 0 if none
        public TimeSpan Elapsed { get; internal set; }
    }

    // What Verify found: Identical when every disk matches the point; Json is the report
    // ({"point": {...}, "identical": bool, "disks": [{"source", "replica", "identical",
    // "differing_bytes", "first_difference"}]}).
    public sealed class VerifyResult
    {
        public bool Identical { get; internal set; }
        public string Json { get; internal set; }
    }

    // One protected VM, kept in a state directory. Calls block until their operation ends
    // and are thread-safe: operations on one session run one at a time; status, jobs and
    // points may be read from any thread while one runs. The Start* methods run an
    // operation as an Operation<T> (progress from the session's jobs; Cancel stops the
    // calls that take a cancel token at their next safe point, and waits for the others:
    // failover, for one, is never cancelled half way).
    public sealed class Session : IDisposable
    {
        private SessionHandle handle;
        private readonly JobCallback onJob;
        private readonly HvrNative.hvr_job_info_fn jobFn;
        private readonly HvrNative.hvr_log_fn logFn;
        private readonly Action<Exception> keepUnclaimed;
        private volatile Job lastJob;
        private Exception unclaimed;

        private delegate Status Creator(EngineHandle engine, SessionOptionsHandle options, out SessionHandle session);

        private Session(string stateDir, bool readOnly, SessionOptions options)
        {
            StateDir = stateDir;
            ReadOnly = readOnly;
            keepUnclaimed = delegate(Exception e) { unclaimed = e; };
            onJob = options == null ? null : options.Job;
            jobFn = delegate(IntPtr user, IntPtr info, IntPtr json)
            {
                string text = Utf8.Decode(json);
                CallScope scope = CallScope.Current;
                CallScope.Notify(delegate
                {
                    Job job = Job.FromNative(info, text);
                    lastJob = job;
                    if (scope != null && scope.Progress != null && job.ProgressTotal > 0)
                        scope.Progress(job.ProgressDone, job.ProgressTotal);
                    if (onJob != null) onJob(job);
                }, keepUnclaimed);
            };
            LogCallback log = options == null ? null : options.Log;
            if (log != null)
            {
                logFn = delegate(IntPtr user, LogLevel level, IntPtr message)
                {
                    string text = Utf8.Decode(message);
                    CallScope.Notify(delegate { log(level, text); }, keepUnclaimed);
                };
            }
        }

        internal SessionHandle Handle { get { return handle; } }

        public string StateDir { get; private set; }
        public bool ReadOnly { get; private set; }

        // The job the session last reported (the running operation's, while one runs), or null.
        public Job LastJob { get { return lastJob; } }

        // The last exception a job or log callback threw where no call of this layer waited
        // for it (under a Scheduler or a Plan).
        public Exception LastCallbackException { get { return unclaimed; } }

        // Enables protection (a job): checks the VM and the target, creates the replica
        // disks, takes their leases, keeps the relationship in stateDir. Run again on the
        // same directory after a crash, it finishes. engine null: a private engine with the
        // defaults, destroyed with the session; options may be null.
        public static Session Protect(Engine engine, string stateDir, Protection protection, SessionOptions options)
        {
            return Protect(engine, stateDir, protection, options, false);
        }

        // seed: the target already holds a copy of each disk under its replica's name (an
        // upload, or made offline): initial replication compares it and sends only what
        // differs; without it such a disk is refused.
        public static Session Protect(Engine engine, string stateDir, Protection protection, SessionOptions options,
                                      bool seed)
        {
            if (protection == null) throw new ArgumentNullException("protection");
            byte[] dir = Utf8.Encode(stateDir);
            ProtectOptionsHandle protect;
            Errors.Check(HvrNative.hvr_protect_options_create(out protect), "hvr_protect_options_create");
            using (protect)
            {
                Errors.Check(HvrNative.hvr_protect_options_set_seed(protect, seed ? 1 : 0), "hvr_protect_options_set_seed");
                return Create(engine, stateDir, false, options,
                              delegate(EngineHandle e, SessionOptionsHandle o, out SessionHandle s)
                {
                    return HvrNative.hvr_session_enable_protection(e, dir, protection.Handle, protect, o, out s);
                }, "hvr_session_enable_protection");
            }
        }

        // Takes over the protection of a VM from what its replicas hold, into a new stateDir
        // (a job; docs/session.md "Adopt"): protection names the VM, every disk and the
        // target as for Protect. The agent adopted from never writes the replicas again; the
        // VM continues with delta cycles, or with a resync of the differing chunks when logs
        // are missing or resync is asked for. Run again after a crash, it finishes.
        public static Session Adopt(Engine engine, string stateDir, Protection protection, SessionOptions options,
                                    bool resync)
        {
            if (protection == null) throw new ArgumentNullException("protection");
            byte[] dir = Utf8.Encode(stateDir);
            AdoptOptionsHandle adopt;
            Errors.Check(HvrNative.hvr_adopt_options_create(out adopt), "hvr_adopt_options_create");
            using (adopt)
            {
                Errors.Check(HvrNative.hvr_adopt_options_set_resync(adopt, resync ? 1 : 0), "hvr_adopt_options_set_resync");
                return Create(engine, stateDir, false, options,
                              delegate(EngineHandle e, SessionOptionsHandle o, out SessionHandle s)
                {
                    return HvrNative.hvr_session_adopt(e, dir, protection.Handle, adopt, o, out s);
                }, "hvr_session_adopt");
            }
        }

        // Opens the relationship in stateDir: HvrException(Conflict) when another process
        // runs it, unless readOnly (then status, jobs, points and RequestResync work, and
        // operations fail).
        public static Session Open(Engine engine, string stateDir, SessionOptions options, bool readOnly)
        {
            byte[] dir = Utf8.Encode(stateDir);
            int flag = readOnly ? 1 : 0;
            return Create(engine, stateDir, readOnly, options,
                          delegate(EngineHandle e, SessionOptionsHandle o, out SessionHandle s)
            {
                return HvrNative.hvr_session_open(e, dir, o, flag, out s);
            }, "hvr_session_open");
        }

        public static Session Open(string stateDir, bool readOnly) { return Open(null, stateDir, null, readOnly); }

        private static Session Create(Engine engine, string stateDir, bool readOnly, SessionOptions options, Creator create,
                                      string function)
        {
            Engine owned = engine == null ? new Engine() : null;
            try
            {
                Engine used = engine ?? owned;
                Session session = new Session(stateDir, readOnly, options);
                Host host = options == null ? null : options.Host;
                using (SessionOptionsHandle native = NativeOptions(host))
                {
                    Errors.Check(HvrNative.hvr_session_options_set_job_info_callback(native, session.jobFn, IntPtr.Zero),
                                 "hvr_session_options_set_job_info_callback");
                    if (session.logFn != null)
                        Errors.Check(HvrNative.hvr_session_options_set_log(native, session.logFn, IntPtr.Zero),
                                     "hvr_session_options_set_log");
                    if (options != null && options.MaxInFlight.HasValue)
                        Errors.Check(HvrNative.hvr_session_options_set_max_in_flight(native, options.MaxInFlight.Value),
                                     "hvr_session_options_set_max_in_flight");
                    Callbacks callbacks = new Callbacks();
                    SessionHandle created;
                    Status status;
                    using (CallScope.Enter(callbacks, null))
                        status = create(used.Handle, native, out created);
                    if (status == Status.Ok)
                    {
                        // The callbacks run, and the engine and host are used, until it is closed.
                        created.KeepAlive(session.jobFn);
                        created.KeepAlive(session.logFn);
                        created.DependOn(used.Handle);
                        if (host != null) created.DependOn(host.Handle);
                        session.handle = created;
                    }
                    try
                    {
                        callbacks.Check(status, function);
                    }
                    catch
                    {
                        if (status == Status.Ok) created.Dispose();
                        throw;
                    }
                }
                return session;
            }
            finally
            {
                // A private engine's handle lives on while the session depends on it.
                if (owned != null) owned.Dispose();
            }
        }

        // ---- operations ----

        // Initial replication: a copy from a checkpoint, the logs written meanwhile, the
        // first recovery point, the checkpoint merged; resumes where it stopped.
        public void ReplicateInitially(CancelToken cancel) { ReplicateInitially(cancel, null); }

        public Operation<SessionStatus> StartReplicateInitially()
        {
            return Operation<SessionStatus>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                ReplicateInitially(cancel, progress);
                return GetStatus();
            });
        }

        // One delta cycle; tracking failures mark the VM for resync and throw their status.
        public CycleReport RunCycle(CancelToken cancel) { return RunCycle(cancel, null); }

        public Operation<CycleReport> StartRunCycle()
        {
            return Operation<CycleReport>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return RunCycle(cancel, progress);
            });
        }

        // Resynchronizes now, whatever the window (resumable). verifyReplica: reads every
        // replica instead of trusting what hvr recorded of it, so that whatever differs is
        // sent, whoever wrote it.
        public void Resynchronize(CancelToken cancel) { Resynchronize(cancel, false, null); }

        public void Resynchronize(CancelToken cancel, bool verifyReplica)
        {
            Resynchronize(cancel, verifyReplica, null);
        }

        public Operation<SessionStatus> StartResynchronize() { return StartResynchronize(false); }

        public Operation<SessionStatus> StartResynchronize(bool verifyReplica)
        {
            return Operation<SessionStatus>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                Resynchronize(cancel, verifyReplica, progress);
                return GetStatus();
            });
        }

        // An operator asks for a resync (reason may be null); works read-only too, for the
        // process that runs the session.
        public void RequestResync(string reason) { RequestResync(reason, false); }

        public void RequestResync(string reason, bool verifyReplica)
        {
            using (ResyncOptionsHandle options = ResyncOptions(verifyReplica))
                Errors.Check(HvrNative.hvr_session_schedule_resync(Handle, Utf8.EncodeOptional(reason), options),
                             "hvr_session_schedule_resync");
        }

        // Clears a non-recoverable error once it is dealt with.
        public void ClearError()
        {
            Errors.Check(HvrNative.hvr_session_clear_error(Handle), "hvr_session_clear_error");
        }

        // Runs what the schedule and the retry policy say is due; true if anything ran (its
        // failure is in the status, not thrown).
        public bool RunDue(CancelToken cancel) { return RunDue(cancel, null); }

        public Operation<bool> StartRunDue()
        {
            return Operation<bool>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return RunDue(cancel, progress);
            });
        }

        // When RunDue has something to do next; null when nothing will be due by itself.
        public DateTimeOffset? NextDue()
        {
            int has;
            long when;
            Errors.Check(HvrNative.hvr_session_get_next_due(Handle, out has, out when), "hvr_session_get_next_due");
            return has != 0 ? UnixTime.ToDate(when) : (DateTimeOffset?)null;
        }

        public SessionStatus GetStatus()
        {
            HvrNative.hvr_session_status s = new HvrNative.hvr_session_status();
            s.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_session_status)));
            Errors.Check(HvrNative.hvr_session_get_status(Handle, ref s), "hvr_session_get_status");
            return SessionStatus.FromNative(s);
        }

        // {"vm_name", "vm_id", "target" (without secrets), "state", "health", "sync_percent",
        // "recovery_points", "resync_reason", "cycles", "bytes_sent", "disks": [{"source",
        // "replica", "virtual_size", "sync_done", "sync_total", "bytes_sent",
        // "pending_log_bytes"}], "last_replicated", "rpo_seconds", "latest_point",
        // "last_error": {"code", "code_number", "class", "message"} or null, "failing_since",
        // "next_attempt", "suspended", "suspended_since", "interval_seconds",
        // "recovery_history_hours", "app_consistent_frequency_hours"}; times in Unix
        // seconds, null when none.
        public string StatusJson()
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_session_get_status_json(Handle, out json), "hvr_session_get_status_json");
            return Utf8.Take(json);
        }

        // The jobs, oldest first: [{"id", "type", "vm_name", "state", "started", "ended",
        // "steps": [{"name", "state", "started", "ended", "message"}], "progress_done",
        // "progress_total", "summary", "error"}].
        public string JobsJson()
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_session_get_jobs_json(Handle, out json), "hvr_session_get_jobs_json");
            return Utf8.Take(json);
        }

        // The jobs, oldest first, as structs (Job.Json is null: JobsJson has the steps).
        public Job[] Jobs()
        {
            JobListHandle list;
            Errors.Check(HvrNative.hvr_session_get_jobs(Handle, out list), "hvr_session_get_jobs");
            using (list)
            {
                UIntPtr count;
                Errors.Check(HvrNative.hvr_job_list_get_count(list, out count), "hvr_job_list_get_count");
                Job[] jobs = new Job[(int)count.ToUInt64()];
                for (int i = 0; i < jobs.Length; ++i)
                {
                    HvrNative.hvr_job_info info = new HvrNative.hvr_job_info();
                    info.struct_size = (UIntPtr)Marshal.SizeOf(typeof(HvrNative.hvr_job_info));
                    Errors.Check(HvrNative.hvr_job_list_get(list, (UIntPtr)i, ref info), "hvr_job_list_get");
                    jobs[i] = Job.FromNative(info, null);
                }
                return jobs;
            }
        }

        // The recovery points, oldest first: [{"id", "sequence", "created", "source_time",
        // "app_consistent", "snapshots", "disk_sizes"}].
        public string RecoveryPointsJson()
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_session_get_recovery_points_json(Handle, out json), "hvr_session_get_recovery_points_json");
            return Utf8.Take(json);
        }

        // Compares recovery point `point` ("latest", "latest-app-consistent" or an id; null:
        // latest) with the source disks as they are now.
        public VerifyResult Verify(string point, CancelToken cancel) { return Verify(point, cancel, null); }

        public Operation<VerifyResult> StartVerify(string point)
        {
            return Operation<VerifyResult>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Verify(point, cancel, progress);
            });
        }

        // Failover (never cancelled half way; a crash resumes it): copies recovery point
        // `point` (null: latest; a planned failover takes the point its last cycle makes) to
        // new disks and asks the host to create the VM; returns the VM's JSON.
        public string Failover(string point, bool planned) { return Failover(point, planned, null); }

        public Operation<string> StartFailover(string point, bool planned)
        {
            return Operation<string>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Failover(point, planned, progress);
            });
        }

        // Deletes the recovery points of a failover.
        public void CommitFailover()
        {
            Run("hvr_session_commit_failover", null, delegate { return HvrNative.hvr_session_commit_failover(Handle); });
        }

        // A test VM from recovery point `point` (null: latest), replication going on.
        public string TestFailover(string point) { return TestFailover(point, null); }

        public Operation<string> StartTestFailover(string point)
        {
            return Operation<string>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return TestFailover(point, progress);
            });
        }

        // Removes the test VM (host) and its disks.
        public void CleanupTestFailover()
        {
            Run("hvr_session_cleanup_test_failover", null,
                delegate { return HvrNative.hvr_session_cleanup_test_failover(Handle); });
        }

        // Failback, repeatable while the VM runs in Azure: brings the original disks (folder
        // null) or new VHDX files in `folder` to the failed-over disks' content. Returns the
        // report: {"completed": false, "disks": [{"destination", "method", "bytes_read",
        // "bytes_written"}]}.
        public string FailbackSync(string folder) { return FailbackSync(folder, null); }

        public Operation<string> StartFailbackSync(string folder)
        {
            return Operation<string>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return FailbackSync(folder, progress);
            });
        }

        // Failback, completed: the host stops the Azure VM, a last sync, the replica becomes
        // the failback point, the host starts the on-premises VM.
        public string FailbackComplete(string folder) { return FailbackComplete(folder, null); }

        public Operation<string> StartFailbackComplete(string folder)
        {
            return Operation<string>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return FailbackComplete(folder, progress);
            });
        }

        // Deletes the failed-over disks once failback is complete.
        public void CommitFailback()
        {
            Run("hvr_session_commit_failback", null, delegate { return HvrNative.hvr_session_commit_failback(Handle); });
        }

        // Protects the VM again from the failback point, without a full copy.
        public void Reverse()
        {
            Run("hvr_session_reverse", null, delegate { return HvrNative.hvr_session_reverse(Handle); });
        }

        // Changes the protection's settings (a job), from the next operation on: a new target
        // is proven first (a wrong key changes nothing: HvrException(AuthFailed)), and a
        // proven credential clears a critical authorisation error.
        public void ChangeSettings(SettingsChange change)
        {
            if (change == null) throw new ArgumentNullException("change");
            Run("hvr_session_set_settings", null, delegate { return HvrNative.hvr_session_set_settings(Handle, change.Handle); });
        }

        // Stops replicating one disk (a job; its replica's name or its path): the host stops
        // tracking it, its logs are deleted, the recovery points no longer name it, and its
        // replica stays unless deleteReplica. The last disk: HvrException(InvalidArgument).
        public void RemoveDisk(string disk, bool deleteReplica)
        {
            if (disk == null) throw new ArgumentNullException("disk");
            RemoveDiskOptionsHandle options;
            Errors.Check(HvrNative.hvr_remove_disk_options_create(out options), "hvr_remove_disk_options_create");
            using (options)
            {
                Errors.Check(HvrNative.hvr_remove_disk_options_set_delete_replica(options, deleteReplica ? 1 : 0),
                             "hvr_remove_disk_options_set_delete_replica");
                byte[] name = Utf8.Encode(disk);
                Run("hvr_session_remove_disk", null,
                    delegate { return HvrNative.hvr_session_remove_disk(Handle, name, options); });
            }
        }

        // Adds the disk at `path` to the VM (a job): every check protection makes of a disk
        // first (a failed one changes nothing, HvrException), then only this disk is copied,
        // from the host's checkpoint; the next cycle makes its first recovery point. Its
        // replica is `replicaName`, or null for "<vm>-disk<N>".
        public void AddDisk(string path, string replicaName)
        {
            if (path == null) throw new ArgumentNullException("path");
            AddDiskOptionsHandle options;
            Errors.Check(HvrNative.hvr_add_disk_options_create(out options), "hvr_add_disk_options_create");
            using (options)
            {
                if (replicaName != null)
                    Errors.Check(HvrNative.hvr_add_disk_options_set_replica_name(options, Utf8.Encode(replicaName)),
                                 "hvr_add_disk_options_set_replica_name");
                byte[] disk = Utf8.Encode(path);
                Run("hvr_session_add_disk", null, delegate { return HvrNative.hvr_session_add_disk(Handle, disk, options); });
            }
        }

        // Suspends replication (a job): the host's logs accumulate and nothing is sent until Resume.
        public void Suspend()
        {
            Run("hvr_session_suspend", null, delegate { return HvrNative.hvr_session_suspend(Handle); });
        }

        // Resumes (a job): ends a suspension (the logs ship at the next cycle, or a resync
        // starts when they reach half a disk) and clears a non-recoverable error.
        public void Resume()
        {
            Run("hvr_session_resume", null, delegate { return HvrNative.hvr_session_resume(Handle); });
        }

        // Removes the protection kept in stateDir (a job; no session may have it open):
        // releases the leases, asks the host to stop tracking, deletes the tracking logs, the
        // replicas when deleteReplicas, and the state directory. Run again after a crash, it
        // finishes. engine null: a private engine; host null: the library's host.
        public static void Unprotect(Engine engine, string stateDir, bool deleteReplicas, Host host)
        {
            Engine owned = engine == null ? new Engine() : null;
            try
            {
                UnprotectOptionsHandle options;
                Errors.Check(HvrNative.hvr_unprotect_options_create(out options), "hvr_unprotect_options_create");
                using (options)
                using (SessionOptionsHandle native = NativeOptions(host))
                {
                    Errors.Check(HvrNative.hvr_unprotect_options_set_delete_replicas(options, deleteReplicas ? 1 : 0),
                                 "hvr_unprotect_options_set_delete_replicas");
                    byte[] dir = Utf8.Encode(stateDir);
                    EngineHandle used = (engine ?? owned).Handle;
                    Run("hvr_session_unprotect", null,
                        delegate { return HvrNative.hvr_session_unprotect(used, dir, options, native); });
                }
            }
            finally
            {
                if (owned != null) owned.Dispose();
            }
        }

        // Waits for the running operation, releases the leases and the directory.
        public void Dispose()
        {
            if (handle != null) handle.Dispose();
        }

        // ---- the calls with their callbacks ----

        // The run options of the session's operations, carrying `cancel`; with no token, a
        // handle never created, which passes NULL.
        private static RunOptionsHandle RunOptions(CancelToken cancel)
        {
            if (cancel == null) return new RunOptionsHandle();
            RunOptionsHandle options;
            Errors.Check(HvrNative.hvr_run_options_create(out options), "hvr_run_options_create");
            Errors.Check(HvrNative.hvr_run_options_set_cancel_token(options, CancelToken.HandleOf(cancel)),
                         "hvr_run_options_set_cancel_token");
            return options;
        }

        // Runs one of the session's operations with its run options, the token kept alive
        // until the call returns.
        private static void RunWith(string function, CancelToken cancel, ProgressCallback progress,
                                    Func<RunOptionsHandle, Status> call)
        {
            using (RunOptionsHandle options = RunOptions(cancel))
            {
                Run(function, progress, delegate
                {
                    Status status = call(options);
                    GC.KeepAlive(cancel);
                    return status;
                });
            }
        }

        private void ReplicateInitially(CancelToken cancel, ProgressCallback progress)
        {
            RunWith("hvr_session_run_initial_replication", cancel, progress,
                    delegate(RunOptionsHandle options)
                    { return HvrNative.hvr_session_run_initial_replication(Handle, options); });
        }

        private CycleReport RunCycle(CancelToken cancel, ProgressCallback progress)
        {
            HvrNative.hvr_cycle_report r = new HvrNative.hvr_cycle_report();
            r.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_cycle_report)));
            RunWith("hvr_session_run_delta_cycle", cancel, progress,
                    delegate(RunOptionsHandle options)
                    { return HvrNative.hvr_session_run_delta_cycle(Handle, options, ref r); });
            return new CycleReport
            {
                Shipped = r.shipped != 0,
                Logs = r.logs,
                LoggedBytes = r.logged_bytes,
                ChangedBytes = r.changed_bytes,
                BytesSent = r.bytes_sent,
                PageWrites = r.page_writes,
                RecoveryPoint = r.point,
                Elapsed = TimeSpan.FromMilliseconds(r.elapsed_ms),
            };
        }

        private void Resynchronize(CancelToken cancel, bool verifyReplica, ProgressCallback progress)
        {
            using (ResyncOptionsHandle options = ResyncOptions(verifyReplica))
            {
                if (cancel != null)
                    Errors.Check(HvrNative.hvr_resync_options_set_cancel_token(options, CancelToken.HandleOf(cancel)),
                                 "hvr_resync_options_set_cancel_token");
                Run("hvr_session_resync", progress, delegate
                {
                    Status status = HvrNative.hvr_session_resync(Handle, options);
                    GC.KeepAlive(cancel);
                    return status;
                });
            }
        }

        private static ResyncOptionsHandle ResyncOptions(bool verifyReplica)
        {
            ResyncOptionsHandle options;
            Errors.Check(HvrNative.hvr_resync_options_create(out options), "hvr_resync_options_create");
            Errors.Check(HvrNative.hvr_resync_options_set_verify_replica(options, verifyReplica ? 1 : 0),
                         "hvr_resync_options_set_verify_replica");
            return options;
        }

        private bool RunDue(CancelToken cancel, ProgressCallback progress)
        {
            int ran = 0;
            RunWith("hvr_session_run_due_work", cancel, progress,
                    delegate(RunOptionsHandle options)
                    { return HvrNative.hvr_session_run_due_work(Handle, options, out ran); });
            return ran != 0;
        }

        private VerifyResult Verify(string point, CancelToken cancel, ProgressCallback progress)
        {
            int identical = 0;
            byte[] which = Utf8.EncodeOptional(point);
            string json;
            using (RunOptionsHandle options = RunOptions(cancel))
            {
                json = RunForDocument("hvr_session_verify_point", progress, delegate(out IntPtr report)
                {
                    Status status = HvrNative.hvr_session_verify_point(Handle, which, options, out identical, out report);
                    GC.KeepAlive(cancel);
                    return status;
                });
            }
            return new VerifyResult { Identical = identical != 0, Json = json };
        }

        private string Failover(string point, bool planned, ProgressCallback progress)
        {
            byte[] which = Utf8.EncodeOptional(point);
            return RunForDocument("hvr_session_failover", progress, delegate(out IntPtr json)
            {
                return HvrNative.hvr_session_failover(Handle, which, planned ? 1 : 0, out json);
            });
        }

        private string TestFailover(string point, ProgressCallback progress)
        {
            byte[] which = Utf8.EncodeOptional(point);
            return RunForDocument("hvr_session_test_failover", progress, delegate(out IntPtr json)
            {
                return HvrNative.hvr_session_test_failover(Handle, which, out json);
            });
        }

        private string FailbackSync(string folder, ProgressCallback progress)
        {
            byte[] to = Utf8.EncodeOptional(folder);
            return RunForDocument("hvr_session_failback_sync", progress, delegate(out IntPtr json)
            {
                return HvrNative.hvr_session_failback_sync(Handle, to, out json);
            });
        }

        private string FailbackComplete(string folder, ProgressCallback progress)
        {
            byte[] to = Utf8.EncodeOptional(folder);
            return RunForDocument("hvr_session_failback_complete", progress, delegate(out IntPtr json)
            {
                return HvrNative.hvr_session_failback_complete(Handle, to, out json);
            });
        }

        // One call that may invoke callbacks: their exceptions, and then the call's status,
        // are thrown once it has returned.
        // Native session options naming the host (null: the library's).
        private static SessionOptionsHandle NativeOptions(Host host)
        {
            SessionOptionsHandle native;
            Errors.Check(HvrNative.hvr_session_options_create(out native), "hvr_session_options_create");
            try
            {
                if (host != null)
                    Errors.Check(HvrNative.hvr_session_options_set_host(native, host.Handle), "hvr_session_options_set_host");
                return native;
            }
            catch
            {
                native.Dispose();
                throw;
            }
        }

        private static void Run(string function, ProgressCallback progress, Func<Status> call)
        {
            Callbacks callbacks = new Callbacks();
            Status status;
            using (CallScope.Enter(callbacks, progress))
                status = call();
            callbacks.Check(status, function);
        }

        internal delegate Status DocumentCall(out IntPtr json);

        // The same for a call answering with a JSON document (taken, so freed, even when a
        // callback's exception is thrown instead of returning it).
        internal static string RunForDocument(string function, ProgressCallback progress, DocumentCall call)
        {
            Callbacks callbacks = new Callbacks();
            Status status;
            IntPtr json = IntPtr.Zero;
            using (CallScope.Enter(callbacks, progress))
                status = call(out json);
            string document = status == Status.Ok ? Utf8.Take(json) : null;
            callbacks.Check(status, function);
            return document;
        }
    }

    // ---- Schedulers --------------------------------------------------------------------------

    // Runs sessions by themselves: each one's due work (cycles on its interval, retries,
    // resync in its window, operators' requests) on the engine's workers. A scheduled
    // session's handle stays open until it is removed or the scheduler disposed; disposing
    // the scheduler cancels what runs at its next safe point and waits for it.
    public sealed class Scheduler : IDisposable
    {
        private readonly SchedulerHandle handle;

        public Scheduler(Engine engine)
        {
            if (engine == null) throw new ArgumentNullException("engine");
            Errors.Check(HvrNative.hvr_scheduler_create(engine.Handle, out handle), "hvr_scheduler_create");
            handle.DependOn(engine.Handle);
        }

        public void Add(Session session)
        {
            if (session == null) throw new ArgumentNullException("session");
            handle.DependOn(session.Handle);
            try
            {
                Errors.Check(HvrNative.hvr_scheduler_add(handle, session.Handle), "hvr_scheduler_add");
            }
            catch
            {
                handle.DropDependency(session.Handle);
                throw;
            }
        }

        // Waits for an operation of the session the scheduler runs.
        public void Remove(Session session)
        {
            if (session == null) throw new ArgumentNullException("session");
            Errors.Check(HvrNative.hvr_scheduler_remove(handle, session.Handle), "hvr_scheduler_remove");
            handle.DropDependency(session.Handle);
        }

        public void Dispose() { handle.Dispose(); }
    }

    // ---- Recovery plans ----------------------------------------------------------------------

    // VMs failed over group after group, the VMs of a group at once, with actions (the
    // host's PlanAction callback) before and after each group. A plan keeps its sessions'
    // handles open until it is disposed.
    public sealed class Plan : IDisposable
    {
        private readonly PlanHandle handle;

        public Plan(string name)
        {
            Errors.Check(HvrNative.hvr_plan_create(Utf8.Encode(name), out handle), "hvr_plan_create");
        }

        // Appends a group; returns its index for the calls below.
        public int AddGroup()
        {
            UIntPtr index;
            Errors.Check(HvrNative.hvr_plan_add_group(handle, out index), "hvr_plan_add_group");
            return checked((int)index.ToUInt64());
        }

        public void AddVm(int group, Session session)
        {
            if (session == null) throw new ArgumentNullException("session");
            if (group < 0) throw new ArgumentOutOfRangeException("group");
            handle.DependOn(session.Handle);
            try
            {
                Errors.Check(HvrNative.hvr_plan_add_vm(handle, new UIntPtr((uint)group), session.Handle), "hvr_plan_add_vm");
            }
            catch
            {
                handle.DropDependency(session.Handle);
                throw;
            }
        }

        // after false: before the group fails over; true: after.
        public void AddAction(int group, bool after, string action)
        {
            if (group < 0) throw new ArgumentOutOfRangeException("group");
            Errors.Check(HvrNative.hvr_plan_add_action(handle, new UIntPtr((uint)group), after ? 1 : 0, Utf8.Encode(action)),
                         "hvr_plan_add_action");
        }

        // false (default): a failure stops the plan before the next group; true: the rest goes on.
        public void SetContinueOnFailure(bool goOn)
        {
            Errors.Check(HvrNative.hvr_plan_set_continue_on_failure(handle, goOn ? 1 : 0), "hvr_plan_set_continue_on_failure");
        }

        // Runs the plan (point null: latest; ignored when planned); returns once it ran,
        // whatever its VMs' failovers did: {"succeeded", "groups_run", "vms": [{"group",
        // "vm_name", "result", "vm"}], "first_error"}. `actions` (may be null) runs the
        // actions.
        public string Run(PlanFailover kind, string point, Host actions)
        {
            byte[] which = Utf8.EncodeOptional(point);
            HostHandle host = actions == null ? new HostHandle() : actions.Handle;
            return Session.RunForDocument("hvr_plan_run", null, delegate(out IntPtr json)
            {
                return HvrNative.hvr_plan_run(handle, kind, which, host, out json);
            });
        }

        public Operation<string> StartRun(PlanFailover kind, string point, Host actions)
        {
            return Operation<string>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Run(kind, point, actions);
            });
        }

        public void Dispose() { handle.Dispose(); }
    }
}
