// HvrDisks.cs: virtual disks (VHDX, VHD, raw; differencing chains), their creation,
// conversion and merging.
using System;

namespace Hvr
{
    public sealed class DiskOpenOptions
    {
        public int? MaxChainDepth { get; set; }             // default 64
        public bool? CheckVhdParentTimestamp { get; set; }  // default true
        public DiskFormat? Format { get; set; }             // default: by extension, then content

        internal static DiskOpenOptionsHandle Create(DiskOpenOptions options)
        {
            if (options == null) return new DiskOpenOptionsHandle();  // NULL: the defaults
            DiskOpenOptionsHandle handle;
            Errors.Check(HvrNative.hvr_disk_open_options_create(out handle), "hvr_disk_open_options_create");
            if (options.MaxChainDepth.HasValue)
                Errors.Check(HvrNative.hvr_disk_open_options_set_max_chain_depth(handle, options.MaxChainDepth.Value),
                             "hvr_disk_open_options_set_max_chain_depth");
            if (options.CheckVhdParentTimestamp.HasValue)
                Errors.Check(HvrNative.hvr_disk_open_options_set_check_vhd_parent_timestamp(
                                 handle, options.CheckVhdParentTimestamp.Value ? 1 : 0),
                             "hvr_disk_open_options_set_check_vhd_parent_timestamp");
            if (options.Format.HasValue)
                Errors.Check(HvrNative.hvr_disk_open_options_set_format(handle, options.Format.Value),
                             "hvr_disk_open_options_set_format");
            return handle;
        }
    }

    public sealed class DiskCreateOptions
    {
        public uint? BlockSize { get; set; }           // a power of two from 1 MiB to 256 MiB; default 32 MiB
        public uint? LogicalSectorSize { get; set; }   // 512 (default) or 4096
        public uint? PhysicalSectorSize { get; set; }  // 512 or 4096 (default)

        internal static DiskCreateOptionsHandle Create(DiskCreateOptions options)
        {
            if (options == null) return new DiskCreateOptionsHandle();  // NULL: the defaults
            DiskCreateOptionsHandle handle;
            Errors.Check(HvrNative.hvr_disk_create_options_create(out handle), "hvr_disk_create_options_create");
            if (options.BlockSize.HasValue)
                Errors.Check(HvrNative.hvr_disk_create_options_set_block_size(handle, options.BlockSize.Value),
                             "hvr_disk_create_options_set_block_size");
            if (options.LogicalSectorSize.HasValue || options.PhysicalSectorSize.HasValue)
                Errors.Check(HvrNative.hvr_disk_create_options_set_sector_sizes(
                                 handle, options.LogicalSectorSize ?? 512, options.PhysicalSectorSize ?? 4096),
                             "hvr_disk_create_options_set_sector_sizes");
            return handle;
        }
    }

    public sealed class ConvertOptions
    {
        public uint? BlockSize { get; set; }  // VHDX targets; default 32 MiB
        public int? Threads { get; set; }     // 0: one per core, at most 4
        public bool? Sync { get; set; }       // default true: durable when the call returns
        public bool? Overwrite { get; set; }  // default false: an existing destination is a conflict

        internal static ConvertOptionsHandle Create(ConvertOptions options)
        {
            if (options == null) return new ConvertOptionsHandle();  // NULL: the defaults
            ConvertOptionsHandle handle;
            Errors.Check(HvrNative.hvr_convert_options_create(out handle), "hvr_convert_options_create");
            if (options.BlockSize.HasValue)
                Errors.Check(HvrNative.hvr_convert_options_set_block_size(handle, options.BlockSize.Value),
                             "hvr_convert_options_set_block_size");
            if (options.Threads.HasValue)
                Errors.Check(HvrNative.hvr_convert_options_set_threads(handle, options.Threads.Value),
                             "hvr_convert_options_set_threads");
            if (options.Sync.HasValue)
                Errors.Check(HvrNative.hvr_convert_options_set_sync(handle, options.Sync.Value ? 1 : 0),
                             "hvr_convert_options_set_sync");
            if (options.Overwrite.HasValue)
                Errors.Check(HvrNative.hvr_convert_options_set_overwrite(handle, options.Overwrite.Value ? 1 : 0),
                             "hvr_convert_options_set_overwrite");
            return handle;
        }
    }

    // What Disk.Info reports; GUIDs in their usual text order (Guid.Empty where the format
    // has no such identity).
    public sealed class DiskInfo
    {
        public string Path { get; internal set; }
        public DiskFormat Format { get; internal set; }
        public DiskType Type { get; internal set; }
        public ulong VirtualSize { get; internal set; }
        public uint LogicalSectorSize { get; internal set; }
        public uint PhysicalSectorSize { get; internal set; }
        public uint BlockSize { get; internal set; }
        public Guid DataWriteGuid { get; internal set; }
        public Guid FileWriteGuid { get; internal set; }
        public Guid Page83Id { get; internal set; }
        public Guid UniqueId { get; internal set; }
        public Guid ParentIdentity { get; internal set; }
        public bool LogReplayed { get; internal set; }
        public string ParentPath { get; internal set; }
    }

    // An open image. A read-only disk may be read from many threads at once; a writable one
    // too, its calls running one at a time.
    public sealed class Disk : IDisposable
    {
        internal readonly DiskHandle Handle;

        private Disk(DiskHandle handle) { Handle = handle; }

        public static Disk Open(string path, DiskOpenOptions options)
        {
            DiskHandle handle;
            using (DiskOpenOptionsHandle native = DiskOpenOptions.Create(options))
                Errors.Check(HvrNative.hvr_disk_open(Utf8.Encode(path), native, out handle), "hvr_disk_open");
            return new Disk(handle);
        }

        public static Disk Open(string path) { return Open(path, null); }

        public static Disk OpenWritable(string path, DiskOpenOptions options)
        {
            DiskHandle handle;
            using (DiskOpenOptionsHandle native = DiskOpenOptions.Create(options))
                Errors.Check(HvrNative.hvr_disk_open_writable(Utf8.Encode(path), native, out handle),
                             "hvr_disk_open_writable");
            return new Disk(handle);
        }

        public static Disk OpenWritable(string path) { return OpenWritable(path, null); }

        public static DiskFormat DetectFormat(string path)
        {
            DiskFormat format;
            Errors.Check(HvrNative.hvr_disk_detect_format(Utf8.Encode(path), out format), "hvr_disk_detect_format");
            return format;
        }

        public DiskInfo Info
        {
            get
            {
                HvrNative.hvr_disk_info info = NewInfo();
                Errors.Check(HvrNative.hvr_disk_get_info(Handle, ref info), "hvr_disk_get_info");
                // path and parent_path live as long as the handle, which this call held.
                DiskInfo result = new DiskInfo
                {
                    Path = Utf8.Decode(info.path),
                    Format = info.format,
                    Type = info.type,
                    VirtualSize = info.virtual_size,
                    LogicalSectorSize = info.logical_sector_size,
                    PhysicalSectorSize = info.physical_sector_size,
                    BlockSize = info.block_size,
                    DataWriteGuid = new Guid(info.data_write_guid_raw),
                    FileWriteGuid = new Guid(info.file_write_guid_raw),
                    Page83Id = new Guid(info.page83_id_raw),
                    UniqueId = new Guid(info.unique_id_raw),
                    ParentIdentity = new Guid(info.parent_identity_raw),
                    LogReplayed = info.log_replayed != 0,
                    ParentPath = Utf8.Decode(info.parent_path),
                };
                GC.KeepAlive(this);
                return result;
            }
        }

        public void Read(ulong offset, byte[] buffer, int index, int count)
        {
            using (Pinned pinned = new Pinned(buffer, index, count))
                Errors.Check(HvrNative.hvr_disk_read(Handle, offset, pinned.Address, pinned.Size), "hvr_disk_read");
        }

        public byte[] Read(ulong offset, int count)
        {
            byte[] buffer = new byte[count];
            Read(offset, buffer, 0, count);
            return buffer;
        }

        // The sorted, disjoint ranges that may hold non-zero data.
        public ByteRange[] AllocatedRanges()
        {
            IntPtr ranges;
            UIntPtr count;
            Errors.Check(HvrNative.hvr_disk_get_allocated_ranges(Handle, out ranges, out count), "hvr_disk_get_allocated_ranges");
            return ByteRange.Take(ranges, count);
        }

        public void Write(ulong offset, byte[] data, int index, int count)
        {
            using (Pinned pinned = new Pinned(data, index, count))
                Errors.Check(HvrNative.hvr_disk_write(Handle, offset, pinned.Address, pinned.Size), "hvr_disk_write");
        }

        public void Write(ulong offset, byte[] data) { Write(offset, data, 0, data == null ? 0 : data.Length); }

        public void WriteZeros(ulong offset, ulong length)
        {
            Errors.Check(HvrNative.hvr_disk_write_zeros(Handle, offset, length), "hvr_disk_write_zeros");
        }

        public void Flush() { Errors.Check(HvrNative.hvr_disk_flush(Handle), "hvr_disk_flush"); }

        // Writes this disk's content to a new image (only allocated ranges are read).
        public void ConvertTo(string destination, ConvertTarget target, ConvertOptions options, CancelToken cancel,
                              ProgressCallback progress)
        {
            Callbacks callbacks = new Callbacks();
            Status status;
            using (ConvertOptionsHandle native = ConvertOptions.Create(options ?? new ConvertOptions()))
            {
                CancelToken.SetOn(native, cancel, callbacks.Progress(progress),
                                  HvrNative.hvr_convert_options_set_cancel_token, "hvr_convert_options_set_cancel_token",
                                  HvrNative.hvr_convert_options_set_progress, "hvr_convert_options_set_progress");
                status = HvrNative.hvr_disk_convert_to(Handle, Utf8.Encode(destination), target, native);
                GC.KeepAlive(cancel);
            }
            callbacks.Check(status, "hvr_disk_convert_to");
        }

        public Operation<string> StartConvertTo(string destination, ConvertTarget target, ConvertOptions options)
        {
            return Operation<string>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                ConvertTo(destination, target, options, cancel, progress);
                return destination;
            });
        }

        public void Dispose() { Handle.Dispose(); }

        public static void CreateVhdx(string path, ulong virtualSize, DiskType type, DiskCreateOptions options)
        {
            using (DiskCreateOptionsHandle native = DiskCreateOptions.Create(options))
                Errors.Check(HvrNative.hvr_disk_create_vhdx(Utf8.Encode(path), virtualSize, type, native),
                             "hvr_disk_create_vhdx");
        }

        public static void CreateDifferencing(string childPath, string parentPath, DiskCreateOptions options)
        {
            using (DiskCreateOptionsHandle native = DiskCreateOptions.Create(options))
                Errors.Check(HvrNative.hvr_disk_create_differencing(Utf8.Encode(childPath), Utf8.Encode(parentPath),
                                                                    native),
                             "hvr_disk_create_differencing");
        }

        public static void CreateVhdFixed(string path, ulong virtualSize)
        {
            Errors.Check(HvrNative.hvr_disk_create_vhd_fixed(Utf8.Encode(path), virtualSize), "hvr_disk_create_vhd_fixed");
        }

        public static void CreateRaw(string path, ulong virtualSize)
        {
            Errors.Check(HvrNative.hvr_disk_create_raw(Utf8.Encode(path), virtualSize), "hvr_disk_create_raw");
        }

        // Merges a differencing VHDX into its parent; returns the parent's new DataWriteGuid.
        public static Guid Merge(string childPath, bool keepChild, CancelToken cancel, ProgressCallback progress)
        {
            Callbacks callbacks = new Callbacks();
            MergeOptionsHandle options;
            Errors.Check(HvrNative.hvr_merge_options_create(out options), "hvr_merge_options_create");
            using (options)
            {
                Errors.Check(HvrNative.hvr_merge_options_set_keep_child(options, keepChild ? 1 : 0),
                             "hvr_merge_options_set_keep_child");
                CancelToken.SetOn(options, cancel, callbacks.Progress(progress),
                                  HvrNative.hvr_merge_options_set_cancel_token, "hvr_merge_options_set_cancel_token",
                                  HvrNative.hvr_merge_options_set_progress, "hvr_merge_options_set_progress");
                byte[] guid = new byte[16];
                Status status = HvrNative.hvr_disk_merge_child(Utf8.Encode(childPath), options, guid);
                GC.KeepAlive(cancel);
                callbacks.Check(status, "hvr_disk_merge_child");
                return new Guid(guid);
            }
        }

        public static Operation<Guid> StartMerge(string childPath, bool keepChild)
        {
            return Operation<Guid>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Merge(childPath, keepChild, cancel, progress);
            });
        }

        private static HvrNative.hvr_disk_info NewInfo()
        {
            HvrNative.hvr_disk_info info = new HvrNative.hvr_disk_info();
            info.struct_size = new UIntPtr((uint)System.Runtime.InteropServices.Marshal.SizeOf(typeof(HvrNative.hvr_disk_info)));
            info.data_write_guid = new byte[37];
            info.file_write_guid = new byte[37];
            info.page83_id = new byte[37];
            info.unique_id = new byte[37];
            info.parent_identity = new byte[37];
            info.data_write_guid_raw = new byte[16];
            info.file_write_guid_raw = new byte[16];
            info.page83_id_raw = new byte[16];
            info.unique_id_raw = new byte[16];
            info.parent_identity_raw = new byte[16];
            return info;
        }
    }
}
