// HvrReplicaLogs.cs: Hyper-V Replica Logs (MS-HRL): reading and verifying logs, tracking a
// disk's writes into logs, and coalescing logs into page writes.
//
// GUIDs in logs are in the on-disk (Microsoft) byte order, which is the order System.Guid's
// byte[] constructor and ToByteArray use.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Hvr
{
    public sealed class ReplicaLogHeader
    {
        public string Path { get; internal set; }
        public uint FormatVersion { get; internal set; }  // 0x00010000 or 0x00020000
        public DateTimeOffset Created { get; internal set; }
        public DateTimeOffset LastModified { get; internal set; }
        public Guid UniqueId { get; internal set; }
        public Guid PreviousUniqueId { get; internal set; }  // Guid.Empty for the first log of a chain
        public Guid? DataWriteGuid { get; internal set; }    // the disk's DataWriteGuid while tracked (version 2)
        public ulong EolLocation { get; internal set; }      // 0: the log was not closed properly
        public ulong OriginalSize { get; internal set; }
        public ulong CurrentSize { get; internal set; }
        public uint MetadataSize { get; internal set; }
        public ulong TotalMetadataEntries { get; internal set; }
        public int ErrorCode { get; internal set; }
        public uint CreatorVersion { get; internal set; }
        public string CreatorApplication { get; internal set; }
        public bool IsClosed { get { return EolLocation != 0; } }

        // The path, so that a header piped to a cmdlet taking log paths stands for its file.
        public override string ToString() { return Path; }

        internal static HvrNative.hvr_hrl_header NewNative()
        {
            HvrNative.hvr_hrl_header h = new HvrNative.hvr_hrl_header();
            h.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_hrl_header)));
            h.unique_id = new byte[16];
            h.previous_unique_id = new byte[16];
            h.vhd2_data_write_guid = new byte[16];
            h.creator_application = new byte[5];
            return h;
        }

        internal static ReplicaLogHeader FromNative(HvrNative.hvr_hrl_header h, string path)
        {
            return new ReplicaLogHeader
            {
                Path = path,
                FormatVersion = h.format_version,
                Created = UnixTime.ToDate(h.created),
                LastModified = UnixTime.ToDate(h.last_modified),
                UniqueId = new Guid(h.unique_id),
                PreviousUniqueId = new Guid(h.previous_unique_id),
                DataWriteGuid = h.has_vhd2_data_write_guid != 0 ? new Guid(h.vhd2_data_write_guid) : (Guid?)null,
                EolLocation = h.eol_location,
                OriginalSize = h.original_size,
                CurrentSize = h.current_size,
                MetadataSize = h.metadata_size,
                TotalMetadataEntries = h.total_metadata_entries,
                ErrorCode = h.error_code,
                CreatorVersion = h.creator_version,
                CreatorApplication = Utf8.DecodeFixed(h.creator_application),
            };
        }
    }

    public sealed class ReplicaLogEntry
    {
        public ulong Index { get; internal set; }
        public ulong DiskOffset { get; internal set; }
        public uint Length { get; internal set; }
        public DateTimeOffset Timestamp { get; internal set; }
        public ulong DataLocation { get; internal set; }  // file offset of the data in the log
        public bool DataChecksumRecorded { get; internal set; }
    }

    public static class ReplicaLog
    {
        // The header of any log, closed or not.
        public static ReplicaLogHeader ReadHeader(string path)
        {
            HvrNative.hvr_hrl_header h = ReplicaLogHeader.NewNative();
            Errors.Check(HvrNative.hvr_hrl_read_header(Utf8.Encode(path), ref h), "hvr_hrl_read_header");
            return ReplicaLogHeader.FromNative(h, path);
        }

        // Throws HvrException(LogChainGap) naming the two logs that do not follow one another.
        public static void CheckChain(ICollection<string> paths, Guid? previousUniqueId)
        {
            using (Utf8Array native = new Utf8Array(paths))
                Errors.Check(HvrNative.hvr_hrl_check_chain(native.Pointers, native.Count, GuidBytes(previousUniqueId)),
                             "hvr_hrl_check_chain");
        }

        // The closed logs of logName (null: "hvr") in a folder, oldest first.
        public static string[] ListClosed(string folder, string logName)
        {
            HrlLogListHandle list;
            Errors.Check(HvrNative.hvr_hrl_log_list_create(Utf8.Encode(folder), Utf8.Encode(logName), out list),
                         "hvr_hrl_log_list_create");
            using (list)
            {
                UIntPtr count;
                Errors.Check(HvrNative.hvr_hrl_log_list_get_count(list, out count), "hvr_hrl_log_list_get_count");
                string[] paths = new string[count.ToUInt64()];
                for (int i = 0; i < paths.Length; ++i)
                {
                    IntPtr path;
                    Errors.Check(HvrNative.hvr_hrl_log_list_get_path(list, new UIntPtr((uint)i), out path),
                                 "hvr_hrl_log_list_get_path");
                    paths[i] = Utf8.Decode(path);  // valid while the list lives
                }
                return paths;
            }
        }

        internal static byte[] GuidBytes(Guid? guid) { return guid.HasValue ? guid.Value.ToByteArray() : null; }
    }

    // Reads one closed log entry by entry, verifying every checksum; memory stays bounded
    // whatever the log's size. One thread at a time.
    public sealed class ReplicaLogReader : IDisposable
    {
        private readonly HrlReaderHandle handle;
        private readonly string path;

        private ReplicaLogReader(HrlReaderHandle handle, string path) { this.handle = handle; this.path = path; }

        public static ReplicaLogReader Open(string path, ulong diskVirtualSize)
        {
            HrlReaderHandle handle;
            Errors.Check(HvrNative.hvr_hrl_reader_open(Utf8.Encode(path), diskVirtualSize, out handle),
                         "hvr_hrl_reader_open");
            return new ReplicaLogReader(handle, path);
        }

        public ReplicaLogHeader Header
        {
            get
            {
                HvrNative.hvr_hrl_header h = ReplicaLogHeader.NewNative();
                Errors.Check(HvrNative.hvr_hrl_reader_get_header(handle, ref h), "hvr_hrl_reader_get_header");
                return ReplicaLogHeader.FromNative(h, path);
            }
        }

        // The next entry in log order, or null after the last. Data of the previous entry
        // that was not read is read and verified here.
        public ReplicaLogEntry Next()
        {
            HvrNative.hvr_hrl_entry e = new HvrNative.hvr_hrl_entry();
            e.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_hrl_entry)));
            int has;
            Errors.Check(HvrNative.hvr_hrl_reader_next(handle, ref e, out has), "hvr_hrl_reader_next");
            if (has == 0) return null;
            return new ReplicaLogEntry
            {
                Index = e.index,
                DiskOffset = e.disk_offset,
                Length = e.length,
                Timestamp = UnixTime.ToDate(e.timestamp),
                DataLocation = e.data_location,
                DataChecksumRecorded = e.data_checksum_recorded != 0,
            };
        }

        // Reads up to count bytes of the current entry's data; 0 once all was read. The call
        // that reads the last byte verifies the data's checksum.
        public int ReadData(byte[] buffer, int index, int count)
        {
            UIntPtr read;
            using (Pinned pinned = new Pinned(buffer, index, count))
                Errors.Check(HvrNative.hvr_hrl_reader_read_data(handle, pinned.Address, pinned.Size, out read),
                             "hvr_hrl_reader_read_data");
            return (int)read.ToUInt64();
        }

        // The rest of the current entry's data, verified.
        public byte[] ReadData(ReplicaLogEntry entry)
        {
            byte[] data = new byte[entry.Length];
            int done = 0;
            while (true)
            {
                int n = ReadData(data, done, data.Length - done);
                if (n == 0) break;
                done += n;
            }
            if (done != data.Length) Array.Resize(ref data, done);
            return data;
        }

        public void Dispose() { handle.Dispose(); }
    }

    public sealed class ChangeTrackerOptions
    {
        public string LogName { get; set; }      // letters, digits, '.', '_', '-'; default "hvr"
        public uint? MetadataSize { get; set; }  // a multiple of 512 from 512 to 1 MiB; default 4096
        public LogCallback Log { get; set; }     // warnings at Open (an interrupted log found)
    }

    // Records a disk's writes into logs <LogName>-<sequence>.hrl in a folder, one log per
    // replication interval. Thread-safe.
    public sealed class ChangeTracker : IDisposable
    {
        private readonly HrlTrackerHandle handle;

        private ChangeTracker(HrlTrackerHandle handle) { this.handle = handle; }

        public static ChangeTracker Open(string folder, ulong diskVirtualSize, Guid dataWriteGuid,
                                         ChangeTrackerOptions options)
        {
            Callbacks callbacks = new Callbacks();
            HrlTrackerOptionsHandle native = new HrlTrackerOptionsHandle();  // NULL: the defaults
            HvrNative.hvr_log_fn logFn = null;
            try
            {
                if (options != null)
                {
                    Errors.Check(HvrNative.hvr_hrl_tracker_options_create(out native), "hvr_hrl_tracker_options_create");
                    if (options.LogName != null)
                        Errors.Check(HvrNative.hvr_hrl_tracker_options_set_log_name(native, Utf8.Encode(options.LogName)),
                                     "hvr_hrl_tracker_options_set_log_name");
                    if (options.MetadataSize.HasValue)
                        Errors.Check(HvrNative.hvr_hrl_tracker_options_set_metadata_size(native, options.MetadataSize.Value),
                                     "hvr_hrl_tracker_options_set_metadata_size");
                    logFn = callbacks.Log(options.Log);
                    if (logFn != null)
                        Errors.Check(HvrNative.hvr_hrl_tracker_options_set_log_callback(native, logFn, IntPtr.Zero),
                                     "hvr_hrl_tracker_options_set_log_callback");
                }
                HrlTrackerHandle handle;
                Status status = HvrNative.hvr_hrl_tracker_create(Utf8.Encode(folder), diskVirtualSize,
                                                                 dataWriteGuid.ToByteArray(), native, out handle);
                GC.KeepAlive(logFn);  // called during create only
                callbacks.Check(status, "hvr_hrl_tracker_create");
                return new ChangeTracker(handle);
            }
            finally
            {
                native.Dispose();
            }
        }

        public void Record(ulong offset, byte[] data, int index, int count)
        {
            using (Pinned pinned = new Pinned(data, index, count))
                Errors.Check(HvrNative.hvr_hrl_tracker_record(handle, offset, pinned.Address, pinned.Size),
                             "hvr_hrl_tracker_record");
        }

        public void Record(ulong offset, byte[] data) { Record(offset, data, 0, data == null ? 0 : data.Length); }

        public void Flush() { Errors.Check(HvrNative.hvr_hrl_tracker_flush(handle), "hvr_hrl_tracker_flush"); }

        // Closes the current log durably and starts the next; returns the closed log's path.
        public string Rotate()
        {
            IntPtr closed;
            Errors.Check(HvrNative.hvr_hrl_tracker_rotate(handle, out closed), "hvr_hrl_tracker_rotate");
            return Utf8.Take(closed);
        }

        public void Close() { Errors.Check(HvrNative.hvr_hrl_tracker_close_log(handle), "hvr_hrl_tracker_close_log"); }

        public string CurrentLog
        {
            get
            {
                IntPtr path;
                Errors.Check(HvrNative.hvr_hrl_tracker_get_current_log(handle, out path), "hvr_hrl_tracker_get_current_log");
                return Utf8.Take(path);
            }
        }

        // The log found unclosed when the tracker opened (the disk needs a resync), or null.
        public string InterruptedLog
        {
            get
            {
                IntPtr path;
                Errors.Check(HvrNative.hvr_hrl_tracker_get_interrupted_log(handle, out path),
                             "hvr_hrl_tracker_get_interrupted_log");
                return path == IntPtr.Zero ? null : Utf8.Take(path);
            }
        }

        // Closes the current log if Close was not called (errors are not reported then).
        public void Dispose() { handle.Dispose(); }
    }

    // Receives one page write: `count` bytes of `data` (valid during the call only) for
    // offset. Both 512-byte aligned.
    public delegate void PageWriteCallback(ulong offset, byte[] data, int count);

    // Fills `count` bytes of `buffer` with the disk's content at offset before the writes.
    public delegate void BaseReadCallback(ulong offset, byte[] buffer, int count);

    // Writes coalesced, the last writer winning, into the fewest 512-aligned page writes of
    // at most maxBytes. One thread at a time.
    public sealed class ExtentMap : IDisposable
    {
        public const ulong MaxPageWriteBytes = 4UL << 20;  // the Azure Put Page limit

        private readonly ExtentMapHandle handle;

        public ExtentMap()
        {
            Errors.Check(HvrNative.hvr_extent_map_create(out handle), "hvr_extent_map_create");
        }

        public void Clear() { Errors.Check(HvrNative.hvr_extent_map_clear(handle), "hvr_extent_map_clear"); }

        // Records a write; the bytes are copied.
        public void Add(ulong offset, byte[] data, int index, int count)
        {
            using (Pinned pinned = new Pinned(data, index, count))
                Errors.Check(HvrNative.hvr_extent_map_add(handle, offset, pinned.Address, pinned.Size),
                             "hvr_extent_map_add");
        }

        public void Add(ulong offset, byte[] data) { Add(offset, data, 0, data == null ? 0 : data.Length); }

        // Reads closed logs, oldest first and chain-checked, into the map, which refers to
        // their data: keep the logs until the page writes are done. Returns the writes read.
        public ulong AddLogs(ICollection<string> paths, ulong diskVirtualSize, Guid? previousUniqueId, CancelToken cancel)
        {
            ulong entries;
            using (ExtentMapOptionsHandle options = OptionsWith(cancel))
            using (Utf8Array native = new Utf8Array(paths))
                Errors.Check(HvrNative.hvr_extent_map_read_logs(handle, native.Pointers, native.Count, diskVirtualSize,
                                                                ReplicaLog.GuidBytes(previousUniqueId), options,
                                                                out entries),
                             "hvr_extent_map_read_logs");
            GC.KeepAlive(cancel);
            return entries;
        }

        public ulong ChangedBytes
        {
            get
            {
                ulong bytes;
                Errors.Check(HvrNative.hvr_extent_map_get_changed_bytes(handle, out bytes), "hvr_extent_map_get_changed_bytes");
                return bytes;
            }
        }

        public ByteRange[] ChangedRanges()
        {
            Callbacks callbacks = new Callbacks();
            List<ByteRange> ranges = new List<ByteRange>();
            HvrNative.hvr_range_fn fn = delegate(IntPtr user, ulong offset, ulong length)
            {
                return callbacks.Run(delegate { ranges.Add(new ByteRange(offset, length)); });
            };
            Status status = HvrNative.hvr_extent_map_get_changed_ranges(handle, fn, IntPtr.Zero);
            GC.KeepAlive(fn);
            callbacks.Check(status, "hvr_extent_map_get_changed_ranges");
            return ranges.ToArray();
        }

        // The page writes in disk order, through managed callbacks. baseRead may be null
        // when every write is 512-byte aligned.
        public void WritePages(ulong maxBytes, BaseReadCallback baseRead, PageWriteCallback write, CancelToken cancel)
        {
            if (write == null) throw new ArgumentNullException("write");
            byte[] buffer = new byte[0];
            WritePages(maxBytes,
                       baseRead == null ? (NativeRead)null : (NativeRead)delegate(IntPtr user, ulong offset, IntPtr data, UIntPtr size)
                       {
                           int n = checked((int)size.ToUInt64());
                           if (buffer.Length < n) buffer = new byte[n];
                           baseRead(offset, buffer, n);
                           Marshal.Copy(buffer, 0, data, n);
                       },
                       delegate(ulong offset, IntPtr data, UIntPtr size)
                       {
                           int n = checked((int)size.ToUInt64());
                           if (buffer.Length < n) buffer = new byte[n];
                           Marshal.Copy(data, buffer, 0, n);
                           write(offset, buffer, n);
                       },
                       cancel, "hvr_extent_map_get_page_writes");
        }

        // Applies the page writes to a writable disk (the base is the disk itself), without
        // copying through managed memory.
        public void ApplyTo(Disk disk, CancelToken cancel)
        {
            DiskHandle target = Manifest.DiskOf(disk);
            WritePages(MaxPageWriteBytes,
                       delegate(IntPtr user, ulong offset, IntPtr data, UIntPtr size)
                       {
                           Errors.Check(HvrNative.hvr_disk_read(target, offset, data, size), "hvr_disk_read");
                       },
                       delegate(ulong offset, IntPtr data, UIntPtr size)
                       {
                           Errors.Check(HvrNative.hvr_disk_write(target, offset, data, size), "hvr_disk_write");
                       },
                       cancel, "hvr_extent_map_get_page_writes");
        }

        // Applies the page writes to replica disk `name` of a store, reading the replica for
        // the unwritten bytes of partly written pages.
        public void ApplyTo(Store store, string name, CancelToken cancel)
        {
            if (store == null) throw new ArgumentNullException("store");
            StoreHandle target = store.Handle;
            byte[] disk = Utf8.Encode(name);
            WritePages(MaxPageWriteBytes,
                       delegate(IntPtr user, ulong offset, IntPtr data, UIntPtr size)
                       {
                           Errors.Check(HvrNative.hvr_store_read(target, disk, null, offset, data, size), "hvr_store_read");
                       },
                       delegate(ulong offset, IntPtr data, UIntPtr size)
                       {
                           Errors.Check(HvrNative.hvr_store_write_pages(target, disk, offset, data, size),
                                        "hvr_store_write_pages");
                       },
                       cancel, "hvr_extent_map_get_page_writes");
        }

        public void Dispose() { handle.Dispose(); }

        // Options carrying `cancel` (none when it is null).
        private static ExtentMapOptionsHandle OptionsWith(CancelToken cancel)
        {
            ExtentMapOptionsHandle options;
            Errors.Check(HvrNative.hvr_extent_map_options_create(out options), "hvr_extent_map_options_create");
            CancelToken.SetOn(options, cancel, null,
                              HvrNative.hvr_extent_map_options_set_cancel_token, "hvr_extent_map_options_set_cancel_token",
                              HvrNative.hvr_extent_map_options_set_progress, "hvr_extent_map_options_set_progress");
            return options;
        }

        private delegate void NativeRead(IntPtr user, ulong offset, IntPtr data, UIntPtr size);
        private delegate void NativeWrite(ulong offset, IntPtr data, UIntPtr size);

        private void WritePages(ulong maxBytes, NativeRead read, NativeWrite write, CancelToken cancel, string function)
        {
            Callbacks callbacks = new Callbacks();
            HvrNative.hvr_read_fn readFn = read == null ? null : (HvrNative.hvr_read_fn)delegate(IntPtr user, ulong offset, IntPtr data, UIntPtr size)
            {
                return callbacks.Run(delegate { read(user, offset, data, size); });
            };
            HvrNative.hvr_page_write_fn writeFn = delegate(IntPtr user, ulong offset, IntPtr data, UIntPtr size)
            {
                return callbacks.Run(delegate { write(offset, data, size); });
            };
            Status status;
            using (ExtentMapOptionsHandle options = OptionsWith(cancel))
                status = HvrNative.hvr_extent_map_get_page_writes(handle, maxBytes, readFn, IntPtr.Zero, writeFn,
                                                                  IntPtr.Zero, options);
            GC.KeepAlive(cancel);
            GC.KeepAlive(readFn);
            GC.KeepAlive(writeFn);
            callbacks.Check(status, function);
        }
    }
}
