// HvrInterop.cs: what every wrapper shares: the SafeHandle of each C handle type, UTF-8
// strings both ways, turning a failed hvr_status into an HvrException with the native
// message, callbacks that never let an exception into native code, and finding and
// loading libhvr before the first call.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Hvr
{
    // ---- Handles ---------------------------------------------------------------------------

    // A handle owned by managed code: destroyed once, by Dispose or the finalizer, and never
    // while a call that was given it runs (the marshaller holds a reference for the call).
    // Callbacks native code may call through the handle are kept here, so they live as long
    // as the handle does. A new, never created handle passes NULL (options left default).
    public abstract class HvrHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private readonly List<object> callbacks = new List<object>();
        private readonly List<SafeHandle> dependencies = new List<SafeHandle>();

        protected HvrHandle() : base(true) { }

        // A handle that only borrows what native code gave a callback: never destroyed here.
        protected HvrHandle(bool ownsHandle) : base(ownsHandle) { }

        internal void KeepAlive(object callback)
        {
            if (callback == null) return;
            lock (callbacks) callbacks.Add(callback);
        }

        // Handles this one's C object uses until it is destroyed (the engine and host of a
        // session, the sessions of a scheduler or plan): each is kept from being destroyed,
        // whoever disposes or finalizes it, until this handle is released or drops it, so
        // destroy calls come in the order hvr.h asks for. Throws ObjectDisposedException
        // for a handle already disposed.
        internal void DependOn(SafeHandle other)
        {
            if (other == null || other.IsInvalid) return;
            bool added = false;
            other.DangerousAddRef(ref added);
            lock (dependencies) dependencies.Add(other);
        }

        internal void DropDependency(SafeHandle other)
        {
            bool found;
            lock (dependencies) found = dependencies.Remove(other);
            if (found) other.DangerousRelease();
        }

        // Called by ReleaseHandle once the C object is destroyed.
        protected void ReleaseDependencies()
        {
            SafeHandle[] held;
            lock (dependencies)
            {
                held = dependencies.ToArray();
                dependencies.Clear();
            }
            foreach (SafeHandle other in held) other.DangerousRelease();
        }
    }

    // A handle whose close or destroy call may wait on the network (hvr.h says which):
    // released only through an explicit Dispose, on the disposing thread (or, while handles
    // that depend on it hold it, on the thread whose Dispose releases the last of them).
    // One the finalizer finds undisposed is leaked with a debug message, and so is what it
    // depends on: a network wait on the finalizer thread would stall every finalizer of the
    // process, and the C object may still use what it depends on.
    public abstract class BlockingHvrHandle : HvrHandle
    {
        private static int leaked;
        private volatile bool disposing;

        // How many such handles the finalizer has leaked in this process.
        public static int LeakedByFinalizer { get { return Volatile.Read(ref leaked); } }

        protected override void Dispose(bool disposing)
        {
            if (disposing) this.disposing = true;
            base.Dispose(disposing);
        }

        protected sealed override bool ReleaseHandle()
        {
            if (!disposing)
            {
                Interlocked.Increment(ref leaked);
                System.Diagnostics.Debug.WriteLine("hvr: " + NativeName + " was never disposed; the finalizer leaks it " +
                                                   "rather than wait on the network");
                return true;
            }
            CloseNative();
            ReleaseDependencies();
            return true;
        }

        // The close or destroy call.
        protected abstract void CloseNative();

        private string NativeName
        {
            get
            {
                NativeHandleAttribute native = (NativeHandleAttribute)Attribute.GetCustomAttribute(
                    GetType(), typeof(NativeHandleAttribute));
                return native == null ? GetType().Name : native.Name;
            }
        }
    }

    [NativeHandle("hvr_retry_policy")]
    public sealed class RetryPolicyHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_retry_policy_destroy(handle); return true; }
    }

    [NativeHandle("hvr_cancel_token")]
    public sealed class CancelTokenHandle : HvrHandle
    {
        // Passed for "no token" (NULL); never disposed.
        internal static readonly CancelTokenHandle Null = new CancelTokenHandle();
        protected override bool ReleaseHandle() { HvrNative.hvr_cancel_token_destroy(handle); return true; }
    }

    [NativeHandle("hvr_chunk_options")]
    public sealed class ChunkOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_chunk_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_manifest")]
    public sealed class ManifestHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_manifest_destroy(handle); return true; }
    }

    [NativeHandle("hvr_diff")]
    public sealed class DiffHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_diff_destroy(handle); return true; }
    }

    [NativeHandle("hvr_hrl_reader")]
    public sealed class HrlReaderHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_hrl_reader_close(handle); return true; }
    }

    [NativeHandle("hvr_hrl_tracker_options")]
    public sealed class HrlTrackerOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_hrl_tracker_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_hrl_tracker")]
    public sealed class HrlTrackerHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_hrl_tracker_destroy(handle); return true; }
    }

    [NativeHandle("hvr_hrl_log_list")]
    public sealed class HrlLogListHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_hrl_log_list_destroy(handle); return true; }
    }

    [NativeHandle("hvr_merge_options")]
    public sealed class MergeOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_merge_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_job_list")]
    public sealed class JobListHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_job_list_destroy(handle); return true; }
    }

    [NativeHandle("hvr_extent_map")]
    public sealed class ExtentMapHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_extent_map_destroy(handle); return true; }
    }

    [NativeHandle("hvr_extent_map_options")]
    public sealed class ExtentMapOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_extent_map_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_transfer_options")]
    public sealed class TransferOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_transfer_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_disk")]
    public sealed class DiskHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_disk_close(handle); return true; }
    }

    [NativeHandle("hvr_disk_open_options")]
    public sealed class DiskOpenOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_disk_open_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_disk_create_options")]
    public sealed class DiskCreateOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_disk_create_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_convert_options")]
    public sealed class ConvertOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_convert_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_store_options")]
    public sealed class StoreOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_store_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_store")]
    public sealed class StoreHandle : BlockingHvrHandle
    {
        protected override void CloseNative() { HvrNative.hvr_store_close(handle); }
    }

    [NativeHandle("hvr_engine_options")]
    public sealed class EngineOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_engine_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_engine")]
    public sealed class EngineHandle : BlockingHvrHandle
    {
        protected override void CloseNative() { HvrNative.hvr_engine_destroy(handle); }
    }

    [NativeHandle("hvr_protection")]
    public sealed class ProtectionHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_protection_destroy(handle); return true; }
    }

    // The hvr_checkpoint a host's checkpoint callback fills: the library's, lent for the
    // callback only. The wrapper closes it when the callback returns, so a late SetDisk
    // throws ObjectDisposedException instead of writing to freed memory.
    [NativeHandle("hvr_checkpoint")]
    public sealed class CheckpointHandle : HvrHandle
    {
        public CheckpointHandle() : base(false) { }
        internal CheckpointHandle(IntPtr borrowed) : base(false) { SetHandle(borrowed); }
        protected override bool ReleaseHandle() { return true; }  // not owned: never destroyed here
    }

    [NativeHandle("hvr_host")]
    public sealed class HostHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_host_destroy(handle); return true; }
    }

    [NativeHandle("hvr_session_options")]
    public sealed class SessionOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_session_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_resync_options")]
    public sealed class ResyncOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_resync_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_run_options")]
    public sealed class RunOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_run_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_settings_change")]
    public sealed class SettingsChangeHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_settings_change_destroy(handle); return true; }
    }

    [NativeHandle("hvr_add_disk_options")]
    public sealed class AddDiskOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_add_disk_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_remove_disk_options")]
    public sealed class RemoveDiskOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_remove_disk_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_protect_options")]
    public sealed class ProtectOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_protect_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_adopt_options")]
    public sealed class AdoptOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_adopt_options_destroy(handle); return true; }
    }

    [NativeHandle("hvr_unprotect_options")]
    public sealed class UnprotectOptionsHandle : HvrHandle
    {
        protected override bool ReleaseHandle() { HvrNative.hvr_unprotect_options_destroy(handle); return true; }
    }

    // A session: closed before its engine and host are destroyed (it depends on both).
    [NativeHandle("hvr_session")]
    public sealed class SessionHandle : BlockingHvrHandle
    {
        protected override void CloseNative() { HvrNative.hvr_session_close(handle); }
    }

    // A scheduler: destroyed before its engine and the sessions it still runs.
    [NativeHandle("hvr_scheduler")]
    public sealed class SchedulerHandle : BlockingHvrHandle
    {
        protected override void CloseNative() { HvrNative.hvr_scheduler_destroy(handle); }
    }

    // A recovery plan: destroyed before the sessions it names.
    [NativeHandle("hvr_plan")]
    public sealed class PlanHandle : HvrHandle
    {
        protected override bool ReleaseHandle()
        {
            HvrNative.hvr_plan_destroy(handle);
            ReleaseDependencies();
            return true;
        }
    }

    // ---- Errors ------------------------------------------------------------------------------

    // A failed call: the status, its class (what to do about it) and the library's message.
    [Serializable]
    public class HvrException : Exception
    {
        public HvrException(Status status, string nativeMessage, string function)
            : base(string.IsNullOrEmpty(nativeMessage) ? function + " failed: " + Errors.NameOf(status) : nativeMessage)
        {
            Status = status;
            NativeMessage = nativeMessage ?? "";
            Function = function;
        }

        public Status Status { get; private set; }
        public string NativeMessage { get; private set; }
        public string Function { get; private set; }  // the hvr_* call that failed
        public ErrorClass ErrorClass { get { return Errors.ClassOf(Status); } }
        public string StatusName { get { return Errors.NameOf(Status); } }
        public bool IsRecoverable { get { return ErrorClass == ErrorClass.Recoverable; } }

        // The name of the PowerShell ErrorCategory that fits (System.Management.Automation is
        // not referenced here, so the module converts the name).
        public string ErrorCategory
        {
            get
            {
                switch (Status)
                {
                    case Status.InvalidArgument: return "InvalidArgument";
                    case Status.NotFound: return "ObjectNotFound";
                    case Status.InvalidReplicaState: return "InvalidOperation";
                    case Status.AuthFailed: return "AuthenticationError";
                    case Status.BrokenChain:
                    case Status.CorruptData:
                    case Status.LogNotClosed:
                    case Status.LogChainGap:
                    case Status.UntrackedModification:
                    case Status.ResyncRequired: return "InvalidData";
                    case Status.Network: return "ConnectionError";
                    case Status.Timeout: return "OperationTimeout";
                    case Status.Throttled: return "ResourceBusy";
                    case Status.LowDiskSpace:
                    case Status.LowMemory: return "ResourceUnavailable";
                    case Status.Cancelled: return "OperationStopped";
                    case Status.Conflict: return "ResourceExists";
                    case Status.Io: return "DeviceError";
                    case Status.Unsupported: return "NotImplemented";
                    default: return "NotSpecified";
                }
            }
        }
    }

    public static class Errors
    {
        public static ErrorClass ClassOf(Status status) { return HvrNative.hvr_status_class(status); }
        public static bool IsRecoverable(Status status) { return HvrNative.hvr_status_is_recoverable(status) != 0; }
        public static string NameOf(Status status) { return Utf8.Decode(HvrNative.hvr_status_name(status)); }

        // Throws the HvrException for a failed call, with the message the library left on
        // this thread (read at once, before anything else can call into hvr here).
        internal static void Check(Status status, string function)
        {
            if (status == Status.Ok) return;
            throw new HvrException(status, Utf8.Decode(HvrNative.hvr_last_error_message()), function);
        }
    }

    // ---- Strings -----------------------------------------------------------------------------

    internal static class Utf8
    {
        // NUL-terminated UTF-8 for a const char * argument; null stays NULL.
        public static byte[] Encode(string text)
        {
            if (text == null) return null;
            if (text.IndexOf('\0') >= 0) throw new ArgumentException("a string passed to hvr contains a NUL character");
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }

        // An optional const char * argument: null or empty stays NULL. PowerShell passes $null
        // to a string parameter of a .NET method as an empty string, so where hvr.h takes NULL
        // for "none" and an empty string would mean nothing else, both mean none.
        public static byte[] EncodeOptional(string text)
        {
            return string.IsNullOrEmpty(text) ? null : Encode(text);
        }

        // A string the library owns (NULL gives null).
        public static string Decode(IntPtr text)
        {
            if (text == IntPtr.Zero) return null;
            int length = 0;
            while (Marshal.ReadByte(text, length) != 0) ++length;
            byte[] bytes = new byte[length];
            Marshal.Copy(text, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        // A string the library allocated for the caller: decoded, then freed.
        public static string Take(IntPtr text)
        {
            try { return Decode(text); }
            finally { HvrNative.hvr_string_free(text); }
        }

        // A fixed char array of a struct, up to its NUL.
        public static string DecodeFixed(byte[] chars)
        {
            if (chars == null) return "";
            int length = Array.IndexOf(chars, (byte)0);
            return Encoding.UTF8.GetString(chars, 0, length < 0 ? chars.Length : length);
        }
    }

    // An array of const char * (const char *const *) for one call: each string copied to
    // native memory, freed on Dispose.
    internal sealed class Utf8Array : IDisposable
    {
        private readonly IntPtr[] pointers;

        public Utf8Array(ICollection<string> texts)
        {
            pointers = new IntPtr[texts.Count];
            int i = 0;
            try
            {
                foreach (string text in texts)
                {
                    if (text == null) throw new ArgumentNullException("texts", "a list passed to hvr holds null");
                    byte[] bytes = Utf8.Encode(text);
                    pointers[i] = Marshal.AllocHGlobal(bytes.Length);
                    Marshal.Copy(bytes, 0, pointers[i], bytes.Length);
                    ++i;
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public IntPtr[] Pointers { get { return pointers; } }
        public UIntPtr Count { get { return new UIntPtr((uint)pointers.Length); } }

        public void Dispose()
        {
            for (int i = 0; i < pointers.Length; ++i)
            {
                if (pointers[i] != IntPtr.Zero) Marshal.FreeHGlobal(pointers[i]);
                pointers[i] = IntPtr.Zero;
            }
        }
    }

    // A managed buffer pinned for one call, so native code may read or write it.
    internal sealed class Pinned : IDisposable
    {
        private GCHandle pin;

        public Pinned(byte[] buffer, int offset, int count)
        {
            if (buffer == null) throw new ArgumentNullException("buffer");
            if (offset < 0 || count < 0 || offset > buffer.Length - count)
                throw new ArgumentOutOfRangeException("count", "offset and count must lie inside the buffer");
            pin = GCHandle.Alloc(buffer, GCHandleType.Pinned);
            Address = IntPtr.Add(pin.AddrOfPinnedObject(), offset);
            Size = new UIntPtr((uint)count);
        }

        public IntPtr Address { get; private set; }
        public UIntPtr Size { get; private set; }

        public void Dispose()
        {
            if (pin.IsAllocated) pin.Free();
        }
    }

    // ---- Callbacks ---------------------------------------------------------------------------

    // Bytes done of a total, from a long call (maybe on a library thread).
    public delegate void ProgressCallback(ulong done, ulong total);

    // One log line of the library (maybe on a library thread).
    public delegate void LogCallback(LogLevel level, string message);

    // Builds the native callbacks of one call or handle. An exception thrown by managed code
    // never unwinds into the library: it is caught, the callback returns a failure status
    // (StatusOf) or, for callbacks without a status, is dropped; the call's wrapper rethrows
    // the first one afterwards.
    internal sealed class Callbacks
    {
        private Exception first;

        public HvrNative.hvr_progress_fn Progress(ProgressCallback progress)
        {
            if (progress == null) return null;
            return delegate(IntPtr user, ulong done, ulong total)
            {
                try { progress(done, total); }
                catch (Exception e) { Record(e); }
            };
        }

        public HvrNative.hvr_log_fn Log(LogCallback log)
        {
            if (log == null) return null;
            return delegate(IntPtr user, LogLevel level, IntPtr message)
            {
                try { log(level, Utf8.Decode(message)); }
                catch (Exception e) { Record(e); }
            };
        }

        // Runs a callback whose C type returns hvr_status.
        public Status Run(Action action)
        {
            try
            {
                action();
                return Status.Ok;
            }
            catch (Exception e)
            {
                Record(e);
                return StatusOf(e);
            }
        }

        // What the library is told a callback's exception means: HVR_CANCELLED for
        // OperationCanceledException, the status of an HvrException (a failed hvr call made
        // by the callback, which the library then classes as it would its own), else
        // HVR_INTERNAL.
        public static Status StatusOf(Exception e)
        {
            if (e is OperationCanceledException) return Status.Cancelled;
            HvrException hvr = e as HvrException;
            if (hvr != null && hvr.Status != Status.Ok) return hvr.Status;
            return Status.Internal;
        }

        public void Record(Exception e) { Interlocked.CompareExchange(ref first, e, null); }

        // After the native call: a callback's exception first (it explains the failure, and
        // it is what the caller's own code threw), then the call's status.
        public void Check(Status status, string function)
        {
            Exception e = first;
            if (e != null) ExceptionDispatchInfo.Capture(e).Throw();
            Errors.Check(status, function);
        }
    }

    // ---- Loading the library -----------------------------------------------------------------

    // Finds libhvr and binds HvrNative's [DllImport("hvr")] to it, before the first call:
    //   1. the file the HVR_LIBRARY environment variable names;
    //   2. the library file in the module's folder;
    //   3. the system's (hvr.dll on the PATH; libhvr.so.N through the loader's search).
    // .NET Core 3+ (PowerShell 7) maps the import with a DllImport resolver, the .NET
    // Framework (Windows PowerShell 5.1) by loading the file first (the import then finds it
    // loaded). No other runtime hosts PowerShell.
    public static class HvrLibrary
    {
        public const int ExpectedAbiVersion = 0;
        public const string PathVariable = "HVR_LIBRARY";

        private static readonly object gate = new object();
        private static string loaded;

        // Where the library was loaded from, once Initialize or Load ran.
        public static string LoadedPath { get { lock (gate) return loaded; } }

        public static bool IsWindows { get { return Environment.OSVersion.Platform == PlatformID.Win32NT; } }

        // The library's file names on this platform, most specific first.
        public static string[] FileNames
        {
            get
            {
                if (IsWindows) return new[] { "hvr.dll" };
                return new[] { "libhvr.so." + ExpectedAbiVersion, "libhvr.so", "libhvr.dylib" };
            }
        }

        // The library to load: a full path, or a bare file name for the system's search.
        public static string Locate(string moduleFolder)
        {
            string fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                if (!File.Exists(fromEnvironment))
                    throw new FileNotFoundException(PathVariable + " names " + fromEnvironment + ", which does not exist",
                                                    fromEnvironment);
                return Path.GetFullPath(fromEnvironment);
            }
            if (!string.IsNullOrEmpty(moduleFolder))
            {
                foreach (string name in FileNames)
                {
                    string candidate = Path.Combine(moduleFolder, name);
                    if (File.Exists(candidate)) return Path.GetFullPath(candidate);
                }
            }
            return FileNames[0];
        }

        // Locates and loads the library once per process, then checks its ABI version.
        public static void Initialize(string moduleFolder)
        {
            lock (gate)
            {
                if (loaded == null) LoadLocked(Locate(moduleFolder));
            }
            CheckAbi();
        }

        // Binds the imports to the library at `path` (a full path or a bare file name).
        public static void Load(string path)
        {
            lock (gate)
            {
                if (loaded != null && loaded != path)
                    throw new InvalidOperationException("libhvr is already loaded from " + loaded);
                if (loaded == null) LoadLocked(path);
            }
        }

        public static string Version { get { return Utf8.Decode(HvrNative.hvr_version()); } }
        public static int AbiVersion { get { return HvrNative.hvr_abi_version(); } }

        private static void CheckAbi()
        {
            int abi = HvrNative.hvr_abi_version();
            if (abi != ExpectedAbiVersion)
                throw new InvalidOperationException("libhvr at " + LoadedPath + " has ABI version " + abi +
                                                    "; this module was built for ABI version " + ExpectedAbiVersion);
        }

        private static void LoadLocked(string path)
        {
            if (!BindWithResolver(path))
            {
                if (!IsWindows)
                    throw new PlatformNotSupportedException("loading libhvr needs .NET Core 3 or later here");
                if (LoadLibraryW(path) == IntPtr.Zero) throw new Win32Exception(Marshal.GetLastWin32Error(), path);
            }
            loaded = path;
        }

        // .NET Core 3 and later: NativeLibrary, reached by reflection so that the same source
        // compiles for the .NET Framework, which lacks it.
        private static bool BindWithResolver(string path)
        {
            Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary");
            Type resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver");
            if (nativeLibrary == null || resolverType == null) return false;
            MethodInfo load = nativeLibrary.GetMethod("Load", new[] { typeof(string) });
            MethodInfo setResolver = nativeLibrary.GetMethod("SetDllImportResolver");
            IntPtr library;
            try { library = (IntPtr)load.Invoke(null, new object[] { path }); }
            catch (TargetInvocationException e) { ExceptionDispatchInfo.Capture(e.InnerException).Throw(); throw; }
            Resolver resolver = new Resolver(library);
            Delegate callback = Delegate.CreateDelegate(resolverType, resolver, typeof(Resolver).GetMethod("Resolve"));
            setResolver.Invoke(null, new object[] { typeof(HvrNative).Assembly, callback });
            return true;
        }

        private sealed class Resolver
        {
            private readonly IntPtr library;
            public Resolver(IntPtr library) { this.library = library; }
            public IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
            {
                return name == HvrNative.Library ? library : IntPtr.Zero;
            }
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);
    }
}
