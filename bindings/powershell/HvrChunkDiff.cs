// HvrChunkDiff.cs: manifests of chunk hashes and the diffs between disks and manifests.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Hvr
{
    public sealed class ChunkOptions
    {
        public uint ChunkSize { get; set; }  // 0: the manifest's, 256 KiB for a build, 4 KiB disk to disk
        public int Threads { get; set; }     // 0: one per core, at most 256

        // The native options of one call: these settings plus the call's callbacks and
        // token. The callbacks are kept alive by the handle, which the call holds.
        internal static ChunkOptionsHandle Create(ChunkOptions options, Callbacks callbacks, CancelToken cancel,
                                                  ProgressCallback progress, DiffRunCallback onRun)
        {
            ChunkOptionsHandle handle;
            Errors.Check(HvrNative.hvr_chunk_options_create(out handle), "hvr_chunk_options_create");
            try
            {
                if (options != null)
                {
                    Errors.Check(HvrNative.hvr_chunk_options_set_chunk_size(handle, options.ChunkSize),
                                 "hvr_chunk_options_set_chunk_size");
                    Errors.Check(HvrNative.hvr_chunk_options_set_thread_count(handle, options.Threads),
                                 "hvr_chunk_options_set_thread_count");
                }
                CancelToken.SetOn(handle, cancel, callbacks.Progress(progress),
                                  HvrNative.hvr_chunk_options_set_cancel_token, "hvr_chunk_options_set_cancel_token",
                                  HvrNative.hvr_chunk_options_set_progress, "hvr_chunk_options_set_progress");
                if (onRun != null)
                {
                    HvrNative.hvr_diff_run_fn runFn = delegate(IntPtr user, ref HvrNative.hvr_diff_run run)
                    {
                        DiffRun copy = new DiffRun(run.offset, run.length, run.kind);
                        return callbacks.Run(delegate { onRun(copy); });
                    };
                    handle.KeepAlive(runFn);
                    Errors.Check(HvrNative.hvr_chunk_options_set_run_callback(handle, runFn, IntPtr.Zero),
                                 "hvr_chunk_options_set_run_callback");
                }
                // The token's handle must outlive the calls that use these options.
                handle.KeepAlive(cancel);
                return handle;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }

    public struct DiffRun
    {
        public DiffRun(ulong offset, ulong length, DiffKind kind) : this() { Offset = offset; Length = length; Kind = kind; }
        public ulong Offset { get; private set; }
        public ulong Length { get; private set; }
        public DiffKind Kind { get; private set; }
        public override string ToString() { return Kind + " [" + Offset + ", " + (Offset + Length) + ")"; }
    }

    // Receives each run of a diff in disk order as soon as it is final, from worker threads,
    // one call at a time; the diff then keeps none. Throwing stops the diff.
    public delegate void DiffRunCallback(DiffRun run);

    public sealed class ManifestInfo
    {
        public ulong DiskSize { get; internal set; }
        public uint ChunkSize { get; internal set; }
        public ulong ChunkCount { get; internal set; }
        public ulong ZeroChunks { get; internal set; }
        public ulong UnknownChunks { get; internal set; }
    }

    // The chunk hashes of one disk at one point in time. One thread at a time.
    public sealed class Manifest : IDisposable
    {
        internal readonly ManifestHandle Handle;

        private Manifest(ManifestHandle handle) { Handle = handle; }

        public static Manifest Build(string diskPath, ChunkOptions options, CancelToken cancel, ProgressCallback progress)
        {
            Callbacks callbacks = new Callbacks();
            ManifestHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, cancel, progress, null))
                status = HvrNative.hvr_manifest_build(Utf8.Encode(diskPath), native, out handle);
            callbacks.Check(status, "hvr_manifest_build");
            return new Manifest(handle);
        }

        public static Manifest Build(Disk disk, ChunkOptions options, CancelToken cancel, ProgressCallback progress)
        {
            Callbacks callbacks = new Callbacks();
            ManifestHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, cancel, progress, null))
                status = HvrNative.hvr_disk_build_manifest(DiskOf(disk), native, out handle);
            callbacks.Check(status, "hvr_disk_build_manifest");
            return new Manifest(handle);
        }

        public static Manifest Build(string diskPath) { return Build(diskPath, null, null, null); }

        public static Operation<Manifest> StartBuild(string diskPath, ChunkOptions options)
        {
            return Operation<Manifest>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Build(diskPath, options, cancel, progress);
            });
        }

        // A manifest of a disk that reads as zeros; chunkSize 0 is the default (256 KiB).
        public static Manifest Zeros(ulong diskSize, uint chunkSize)
        {
            ManifestHandle handle;
            Errors.Check(HvrNative.hvr_manifest_create_zeros(diskSize, chunkSize, out handle), "hvr_manifest_create_zeros");
            return new Manifest(handle);
        }

        public static Manifest Load(string path)
        {
            ManifestHandle handle;
            Errors.Check(HvrNative.hvr_manifest_load(Utf8.Encode(path), out handle), "hvr_manifest_load");
            return new Manifest(handle);
        }

        // Atomically: a crash leaves the old file or the new one.
        public void Save(string path)
        {
            Errors.Check(HvrNative.hvr_manifest_save(Handle, Utf8.Encode(path)), "hvr_manifest_save");
        }

        public ManifestInfo Info
        {
            get
            {
                HvrNative.hvr_manifest_info info = new HvrNative.hvr_manifest_info();
                info.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_manifest_info)));
                Errors.Check(HvrNative.hvr_manifest_get_info(Handle, ref info), "hvr_manifest_get_info");
                return new ManifestInfo
                {
                    DiskSize = info.disk_size,
                    ChunkSize = info.chunk_size,
                    ChunkCount = info.chunk_count,
                    ZeroChunks = info.zero_chunks,
                    UnknownChunks = info.unknown_chunks,
                };
            }
        }

        // Re-hashes, from the disk at diskPath (the replica after writes), the chunks the
        // changed ranges touch; on failure they are left unknown.
        public void Update(string diskPath, ICollection<ByteRange> changed, ChunkOptions options)
        {
            Callbacks callbacks = new Callbacks();
            HvrNative.hvr_changed_range[] ranges = ByteRange.ToNative(changed);
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, null, null, null))
                status = HvrNative.hvr_manifest_update(Handle, Utf8.Encode(diskPath), ranges,
                                                       new UIntPtr((uint)ranges.Length), native);
            callbacks.Check(status, "hvr_manifest_update");
        }

        public void Update(Disk disk, ICollection<ByteRange> changed, ChunkOptions options)
        {
            Callbacks callbacks = new Callbacks();
            HvrNative.hvr_changed_range[] ranges = ByteRange.ToNative(changed);
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, null, null, null))
                status = HvrNative.hvr_disk_update_manifest(DiskOf(disk), Handle, ranges,
                                                            new UIntPtr((uint)ranges.Length), native);
            callbacks.Check(status, "hvr_disk_update_manifest");
        }

        // Marks the chunks a range touches unknown (before writing them).
        public void Invalidate(ulong offset, ulong length)
        {
            Errors.Check(HvrNative.hvr_manifest_invalidate(Handle, offset, length), "hvr_manifest_invalidate");
        }

        public void Dispose() { Handle.Dispose(); }

        internal static DiskHandle DiskOf(Disk disk)
        {
            if (disk == null) throw new ArgumentNullException("disk");
            return disk.Handle;
        }

        internal static ManifestHandle HandleOf(Manifest manifest, string name)
        {
            if (manifest == null) throw new ArgumentNullException(name);
            return manifest.Handle;
        }
    }

    public sealed class DiffTotals
    {
        public uint ChunkSize { get; internal set; }
        public ulong SourceSize { get; internal set; }
        public ulong TargetSize { get; internal set; }
        public ulong Chunks { get; internal set; }
        public ulong DifferingChunks { get; internal set; }
        public ulong Runs { get; internal set; }
        public ulong DataBytes { get; internal set; }
        public ulong ZeroBytes { get; internal set; }
        public ulong PastSourceEndBytes { get; internal set; }
        public bool Identical { get { return DifferingChunks == 0; } }
    }

    // How to turn a target into a source: runs of bytes to send, to clear or to cut off.
    public sealed class Diff : IDisposable
    {
        private readonly DiffHandle handle;

        private Diff(DiffHandle handle) { this.handle = handle; }

        // Disk against disk, by path (compares bytes; 4 KiB chunks unless options say).
        public static Diff Disks(string sourcePath, string targetPath, ChunkOptions options, CancelToken cancel,
                                 ProgressCallback progress, DiffRunCallback onRun)
        {
            Callbacks callbacks = new Callbacks();
            DiffHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, cancel, progress, onRun))
                status = HvrNative.hvr_diff_disks(Utf8.Encode(sourcePath), Utf8.Encode(targetPath), native, out handle);
            callbacks.Check(status, "hvr_diff_disks");
            return new Diff(handle);
        }

        public static Diff Disks(Disk source, Disk target, ChunkOptions options, CancelToken cancel,
                                 ProgressCallback progress, DiffRunCallback onRun)
        {
            Callbacks callbacks = new Callbacks();
            DiffHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, cancel, progress, onRun))
                status = HvrNative.hvr_disk_diff(Manifest.DiskOf(source), Manifest.DiskOf(target), native, out handle);
            callbacks.Check(status, "hvr_disk_diff");
            return new Diff(handle);
        }

        // Disk against manifest (resynchronization): reads only the source.
        public static Diff DiskToManifest(string sourcePath, Manifest target, ChunkOptions options, CancelToken cancel,
                                          ProgressCallback progress, DiffRunCallback onRun)
        {
            Callbacks callbacks = new Callbacks();
            DiffHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, cancel, progress, onRun))
                status = HvrNative.hvr_diff_disk_manifest(Utf8.Encode(sourcePath), Manifest.HandleOf(target, "target"),
                                                          native, out handle);
            callbacks.Check(status, "hvr_diff_disk_manifest");
            return new Diff(handle);
        }

        public static Diff DiskToManifest(Disk source, Manifest target, ChunkOptions options, CancelToken cancel,
                                          ProgressCallback progress, DiffRunCallback onRun)
        {
            Callbacks callbacks = new Callbacks();
            DiffHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(options, callbacks, cancel, progress, onRun))
                status = HvrNative.hvr_disk_diff_manifest(Manifest.DiskOf(source), Manifest.HandleOf(target, "target"),
                                                          native, out handle);
            callbacks.Check(status, "hvr_disk_diff_manifest");
            return new Diff(handle);
        }

        // Manifest against manifest (same chunk size); only the run callback applies.
        public static Diff Manifests(Manifest source, Manifest target, DiffRunCallback onRun)
        {
            Callbacks callbacks = new Callbacks();
            DiffHandle handle;
            Status status;
            using (ChunkOptionsHandle native = ChunkOptions.Create(null, callbacks, null, null, onRun))
                status = HvrNative.hvr_diff_manifests(Manifest.HandleOf(source, "source"),
                                                      Manifest.HandleOf(target, "target"), native, out handle);
            callbacks.Check(status, "hvr_diff_manifests");
            return new Diff(handle);
        }

        public static Operation<Diff> StartDisks(string sourcePath, string targetPath, ChunkOptions options)
        {
            return Operation<Diff>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Disks(sourcePath, targetPath, options, cancel, progress, null);
            });
        }

        public static Operation<Diff> StartDiskToManifest(string sourcePath, Manifest target, ChunkOptions options)
        {
            return Operation<Diff>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return DiskToManifest(sourcePath, target, options, cancel, progress, null);
            });
        }

        public DiffTotals Totals
        {
            get
            {
                HvrNative.hvr_diff_totals t = new HvrNative.hvr_diff_totals();
                t.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_diff_totals)));
                Errors.Check(HvrNative.hvr_diff_get_totals(handle, ref t), "hvr_diff_get_totals");
                return new DiffTotals
                {
                    ChunkSize = t.chunk_size,
                    SourceSize = t.source_size,
                    TargetSize = t.target_size,
                    Chunks = t.chunks,
                    DifferingChunks = t.differing_chunks,
                    Runs = t.runs,
                    DataBytes = t.data_bytes,
                    ZeroBytes = t.zero_bytes,
                    PastSourceEndBytes = t.past_source_end_bytes,
                };
            }
        }

        // The runs in disk order (none when a run callback received them).
        public DiffRun[] Runs
        {
            get
            {
                IntPtr runs;
                UIntPtr count;
                Errors.Check(HvrNative.hvr_diff_get_runs(handle, out runs, out count), "hvr_diff_get_runs");
                // The runs belong to the diff: read them while this call still holds it.
                int n = checked((int)count.ToUInt64());
                int size = Marshal.SizeOf(typeof(HvrNative.hvr_diff_run));
                DiffRun[] result = new DiffRun[n];
                for (int i = 0; i < n; ++i)
                {
                    HvrNative.hvr_diff_run run = (HvrNative.hvr_diff_run)Marshal.PtrToStructure(
                        IntPtr.Add(runs, i * size), typeof(HvrNative.hvr_diff_run));
                    result[i] = new DiffRun(run.offset, run.length, run.kind);
                }
                GC.KeepAlive(this);
                return result;
            }
        }

        public string ToJson()
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_diff_get_json(handle, out json), "hvr_diff_get_json");
            return Utf8.Take(json);
        }

        public void Dispose() { handle.Dispose(); }
    }
}
