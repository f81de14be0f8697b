// HvrStores.cs: replica stores (Azure page blobs or a local folder): whole-disk uploads and
// downloads, recovery points, and replica disks piece by piece.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Hvr
{
    // Bandwidth for work hours and outside them (bytes per second, 0: unlimited). Work hours
    // are [WorkStartMinute, WorkEndMinute) of the host's local day on WorkDays.
    public sealed class BandwidthSchedule
    {
        public BandwidthSchedule()
        {
            WorkStartMinute = 9 * 60;
            WorkEndMinute = 17 * 60;
            WorkDays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
                               DayOfWeek.Friday };
        }

        public ulong WorkBytesPerSecond { get; set; }
        public ulong NonWorkBytesPerSecond { get; set; }
        public int WorkStartMinute { get; set; }
        public int WorkEndMinute { get; set; }
        public DayOfWeek[] WorkDays { get; set; }

        internal uint DayMask() { return MaskOf(WorkDays); }

        // Days as hvr.h takes them: bit 0 is Sunday.
        internal static uint MaskOf(DayOfWeek[] days)
        {
            uint mask = 0;
            if (days != null)
                foreach (DayOfWeek day in days) mask |= 1u << (int)day;
            return mask;
        }
    }

    public sealed class StoreOptions
    {
        public StoreOptions() { VerifyCertificate = true; }

        public int? MaxInFlight { get; set; }         // requests at once, 1 to 64; default 8
        public TimeSpan? ConnectTimeout { get; set; } // default 30 s (set with IoTimeout)
        public TimeSpan? IoTimeout { get; set; }      // default 60 s
        public bool VerifyCertificate { get; set; }   // false logs a warning
        public string CaFile { get; set; }            // PEM file of CAs to trust instead of the system's
        public string Proxy { get; set; }             // "http://[user:password@]host:port"; "" none; null: environment
        public BandwidthSchedule Bandwidth { get; set; }
        public byte[] EncryptionKey { get; set; }     // a customer-provided AES-256 key (32 bytes); https only
        public LogCallback Log { get; set; }          // called from library threads until the store is closed

        internal StoreOptionsHandle Create(HvrNative.hvr_log_fn logFn)
        {
            StoreOptionsHandle handle;
            Errors.Check(HvrNative.hvr_store_options_create(out handle), "hvr_store_options_create");
            try
            {
                if (MaxInFlight.HasValue)
                    Errors.Check(HvrNative.hvr_store_options_set_max_in_flight(handle, MaxInFlight.Value),
                                 "hvr_store_options_set_max_in_flight");
                if (ConnectTimeout.HasValue || IoTimeout.HasValue)
                    Errors.Check(HvrNative.hvr_store_options_set_timeouts(
                                     handle, (long)(ConnectTimeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds,
                                     (long)(IoTimeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds),
                                 "hvr_store_options_set_timeouts");
                Errors.Check(HvrNative.hvr_store_options_set_tls(handle, VerifyCertificate ? 1 : 0, Utf8.Encode(CaFile)),
                             "hvr_store_options_set_tls");
                if (Proxy != null)
                    Errors.Check(HvrNative.hvr_store_options_set_proxy(handle, Utf8.Encode(Proxy)),
                                 "hvr_store_options_set_proxy");
                if (Bandwidth != null)
                    Errors.Check(HvrNative.hvr_store_options_set_bandwidth(handle, Bandwidth.WorkBytesPerSecond,
                                                                          Bandwidth.NonWorkBytesPerSecond,
                                                                          Bandwidth.WorkStartMinute,
                                                                          Bandwidth.WorkEndMinute, Bandwidth.DayMask()),
                                 "hvr_store_options_set_bandwidth");
                if (EncryptionKey != null)
                    Errors.Check(HvrNative.hvr_store_options_set_encryption_key(handle, EncryptionKey,
                                                                               new UIntPtr((uint)EncryptionKey.Length)),
                                 "hvr_store_options_set_encryption_key");
                if (logFn != null)
                    Errors.Check(HvrNative.hvr_store_options_set_log(handle, logFn, IntPtr.Zero), "hvr_store_options_set_log");
                return handle;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }

    public sealed class TransferStats
    {
        public ulong VirtualSize { get; internal set; }   // of the replica disk
        public ulong BytesRead { get; internal set; }     // read from the source
        public ulong BytesSent { get; internal set; }     // written to the destination
        public ulong BytesSkipped { get; internal set; }  // unallocated or zero: not moved
        public ulong Requests { get; internal set; }
        public TimeSpan Elapsed { get; internal set; }

        internal static HvrNative.hvr_transfer_stats NewNative()
        {
            HvrNative.hvr_transfer_stats s = new HvrNative.hvr_transfer_stats();
            s.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_transfer_stats)));
            return s;
        }

        internal static TransferStats FromNative(HvrNative.hvr_transfer_stats s)
        {
            return new TransferStats
            {
                VirtualSize = s.virtual_size,
                BytesRead = s.bytes_read,
                BytesSent = s.bytes_sent,
                BytesSkipped = s.bytes_skipped,
                Requests = s.requests,
                Elapsed = TimeSpan.FromMilliseconds(s.elapsed_ms),
            };
        }
    }

    public sealed class StoreDiskInfo
    {
        public string Name { get; internal set; }
        public ulong VirtualSize { get; internal set; }
        public DateTimeOffset LastModified { get; internal set; }
        public LeaseState LeaseState { get; internal set; }
    }

    // A store of replica disks, each an Azure-ready fixed VHD. Thread-safe; calls block
    // until done. Messages and log lines never contain keys, SAS signatures, client
    // secrets or tokens.
    public sealed class Store : IDisposable
    {
        internal readonly StoreHandle Handle;

        private Store(StoreHandle handle) { Handle = handle; }

        // target: a connection string with Container= (and an account key, a SAS or an
        // Entra ID service principal), a container URL with a SAS token, or a local folder
        // (created when missing).
        public static Store Open(string target, StoreOptions options)
        {
            Callbacks callbacks = new Callbacks();
            HvrNative.hvr_log_fn logFn = options == null ? null : callbacks.Log(options.Log);
            StoreOptionsHandle native = options == null ? new StoreOptionsHandle() : options.Create(logFn);
            StoreHandle handle;
            Status status;
            using (native)
                status = HvrNative.hvr_store_open(Utf8.Encode(target), native, out handle);
            callbacks.Check(status, "hvr_store_open");
            // The store calls the log callback until it is closed: the handle keeps it.
            handle.KeepAlive(logFn);
            return new Store(handle);
        }

        public static Store Open(string target) { return Open(target, null); }

        // The disks as JSON: {"store": "...", "disks": [{"name", "virtual_size",
        // "recovery_points", "lease_state", "last_modified", "metadata"}]}.
        public string ListJson()
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_store_get_disks_json(Handle, out json), "hvr_store_get_disks_json");
            return Utf8.Take(json);
        }

        // Copies an image to a new replica disk, sending only allocated non-zero data.
        public TransferStats Upload(string imagePath, string name, ProgressCallback progress, CancelToken cancel)
        {
            return Transfer(progress, cancel, "hvr_store_upload_image",
                            delegate(TransferOptionsHandle options, ref HvrNative.hvr_transfer_stats stats)
                            {
                                return HvrNative.hvr_store_upload_image(Handle, Utf8.Encode(imagePath), Utf8.Encode(name),
                                                                        options, ref stats);
                            });
        }

        public TransferStats Upload(Disk disk, string name, ProgressCallback progress, CancelToken cancel)
        {
            return Transfer(progress, cancel, "hvr_store_upload_open_disk",
                            delegate(TransferOptionsHandle options, ref HvrNative.hvr_transfer_stats stats)
                            {
                                return HvrNative.hvr_store_upload_open_disk(Handle, Manifest.DiskOf(disk),
                                                                            Utf8.Encode(name), options, ref stats);
                            });
        }

        public Operation<TransferStats> StartUpload(string imagePath, string name)
        {
            return Operation<TransferStats>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Upload(imagePath, name, progress, cancel);
            });
        }

        // Writes a replica disk, or its recovery point (null or "": as it is), to a new file.
        public TransferStats Download(string name, string recoveryPoint, string outPath, bool withFooter,
                                      ProgressCallback progress, CancelToken cancel)
        {
            return Transfer(progress, cancel, "hvr_store_download_image",
                            delegate(TransferOptionsHandle options, ref HvrNative.hvr_transfer_stats stats)
                            {
                                return HvrNative.hvr_store_download_image(Handle, Utf8.Encode(name),
                                                                          Utf8.EncodeOptional(recoveryPoint),
                                                                          Utf8.Encode(outPath), withFooter ? 1 : 0,
                                                                          options, ref stats);
                            });
        }

        private delegate Status TransferCall(TransferOptionsHandle options, ref HvrNative.hvr_transfer_stats stats);

        // An upload or a download with its progress and token on transfer options.
        private static TransferStats Transfer(ProgressCallback progress, CancelToken cancel, string function,
                                              TransferCall call)
        {
            Callbacks callbacks = new Callbacks();
            HvrNative.hvr_transfer_stats stats = TransferStats.NewNative();
            TransferOptionsHandle options;
            Errors.Check(HvrNative.hvr_transfer_options_create(out options), "hvr_transfer_options_create");
            Status status;
            using (options)
            {
                CancelToken.SetOn(options, cancel, callbacks.Progress(progress),
                                  HvrNative.hvr_transfer_options_set_cancel_token, "hvr_transfer_options_set_cancel_token",
                                  HvrNative.hvr_transfer_options_set_progress, "hvr_transfer_options_set_progress");
                status = call(options, ref stats);
                GC.KeepAlive(cancel);
            }
            callbacks.Check(status, function);
            return TransferStats.FromNative(stats);
        }

        public Operation<TransferStats> StartDownload(string name, string recoveryPoint, string outPath, bool withFooter)
        {
            return Operation<TransferStats>.Start(delegate(CancelToken cancel, ProgressCallback progress)
            {
                return Download(name, recoveryPoint, outPath, withFooter, progress, cancel);
            });
        }

        public void DeleteDisk(string name)
        {
            Errors.Check(HvrNative.hvr_store_delete_disk(Handle, Utf8.Encode(name)), "hvr_store_delete_disk");
        }

        // Takes a recovery point; returns its id.
        public string CreateRecoveryPoint(string name, bool appConsistent)
        {
            IntPtr id;
            Errors.Check(HvrNative.hvr_store_create_recovery_point(Handle, Utf8.Encode(name), appConsistent ? 1 : 0,
                                                                   out id),
                         "hvr_store_create_recovery_point");
            return Utf8.Take(id);
        }

        // [{"id", "created", "app_consistent", "metadata"}], oldest first.
        public string ListRecoveryPointsJson(string name)
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_store_get_recovery_points_json(Handle, Utf8.Encode(name), out json),
                         "hvr_store_get_recovery_points_json");
            return Utf8.Take(json);
        }

        public void DeleteRecoveryPoint(string name, string recoveryPoint)
        {
            Errors.Check(HvrNative.hvr_store_delete_recovery_point(Handle, Utf8.Encode(name), Utf8.Encode(recoveryPoint)),
                         "hvr_store_delete_recovery_point");
        }

        public void CreateDisk(string name, ulong virtualSize)
        {
            Errors.Check(HvrNative.hvr_store_create_disk(Handle, Utf8.Encode(name), virtualSize), "hvr_store_create_disk");
        }

        public void WritePages(string name, ulong offset, byte[] data, int index, int count)
        {
            using (Pinned pinned = new Pinned(data, index, count))
                Errors.Check(HvrNative.hvr_store_write_pages(Handle, Utf8.Encode(name), offset, pinned.Address,
                                                             pinned.Size),
                             "hvr_store_write_pages");
        }

        public void ClearPages(string name, ulong offset, ulong length)
        {
            Errors.Check(HvrNative.hvr_store_clear_pages(Handle, Utf8.Encode(name), offset, length), "hvr_store_clear_pages");
        }

        public void Read(string name, string recoveryPoint, ulong offset, byte[] buffer, int index, int count)
        {
            using (Pinned pinned = new Pinned(buffer, index, count))
                Errors.Check(HvrNative.hvr_store_read(Handle, Utf8.Encode(name), Utf8.EncodeOptional(recoveryPoint),
                                                      offset, pinned.Address, pinned.Size),
                             "hvr_store_read");
        }

        public ByteRange[] AllocatedRanges(string name, string recoveryPoint)
        {
            IntPtr ranges;
            UIntPtr count;
            Errors.Check(HvrNative.hvr_store_get_allocated_ranges(Handle, Utf8.Encode(name),
                                                              Utf8.EncodeOptional(recoveryPoint), out ranges, out count),
                         "hvr_store_get_allocated_ranges");
            return ByteRange.Take(ranges, count);
        }

        // What changed between recovery point `from` and `to` (null: now); may over-report.
        public ByteRange[] ChangedRanges(string name, string from, string to)
        {
            IntPtr ranges;
            UIntPtr count;
            Errors.Check(HvrNative.hvr_store_get_changed_ranges(Handle, Utf8.Encode(name), Utf8.Encode(from),
                                                            Utf8.EncodeOptional(to), out ranges, out count),
                         "hvr_store_get_changed_ranges");
            return ByteRange.Take(ranges, count);
        }

        public void CopyRecoveryPoint(string name, string recoveryPoint, string newName)
        {
            Errors.Check(HvrNative.hvr_store_copy_recovery_point(Handle, Utf8.Encode(name), Utf8.Encode(recoveryPoint),
                                                                 Utf8.Encode(newName)),
                         "hvr_store_copy_recovery_point");
        }

        public StoreDiskInfo GetDisk(string name)
        {
            HvrNative.hvr_store_disk_info info = new HvrNative.hvr_store_disk_info();
            info.struct_size = new UIntPtr((uint)Marshal.SizeOf(typeof(HvrNative.hvr_store_disk_info)));
            Errors.Check(HvrNative.hvr_store_get_disk(Handle, Utf8.Encode(name), ref info), "hvr_store_get_disk");
            return new StoreDiskInfo
            {
                Name = name,
                VirtualSize = info.virtual_size,
                LastModified = UnixTime.ToDate(info.last_modified),
                LeaseState = info.lease_state,
            };
        }

        // Replaces every metadata pair of the disk.
        public void SetMetadata(string name, IDictionary<string, string> metadata)
        {
            List<string> keys = new List<string>();
            List<string> values = new List<string>();
            if (metadata != null)
            {
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    keys.Add(pair.Key);
                    values.Add(pair.Value);
                }
            }
            using (Utf8Array nativeKeys = new Utf8Array(keys))
            using (Utf8Array nativeValues = new Utf8Array(values))
                Errors.Check(HvrNative.hvr_store_set_metadata(Handle, Utf8.Encode(name), nativeKeys.Pointers,
                                                              nativeValues.Pointers, nativeKeys.Count),
                             "hvr_store_set_metadata");
        }

        // {"key": "value", ...}
        public string GetMetadataJson(string name)
        {
            IntPtr json;
            Errors.Check(HvrNative.hvr_store_get_metadata_json(Handle, Utf8.Encode(name), out json),
                         "hvr_store_get_metadata_json");
            return Utf8.Take(json);
        }

        // duration: 15 to 60 seconds, or null for a lease without end. proposedId (a GUID, may
        // be null) takes back a lease held before a restart. Returns the lease id.
        public string AcquireLease(string name, TimeSpan? duration, string proposedId)
        {
            IntPtr id;
            long seconds = duration.HasValue ? (long)duration.Value.TotalSeconds : -1;
            Errors.Check(HvrNative.hvr_store_acquire_lease(Handle, Utf8.Encode(name), seconds, Utf8.Encode(proposedId),
                                                           out id),
                         "hvr_store_acquire_lease");
            return Utf8.Take(id);
        }

        public void RenewLease(string name)
        {
            Errors.Check(HvrNative.hvr_store_renew_lease(Handle, Utf8.Encode(name)), "hvr_store_renew_lease");
        }

        public void ReleaseLease(string name)
        {
            Errors.Check(HvrNative.hvr_store_release_lease(Handle, Utf8.Encode(name)), "hvr_store_release_lease");
        }

        // Ends whoever's lease after breakPeriod (0 to 60 seconds).
        public void BreakLease(string name, TimeSpan breakPeriod)
        {
            Errors.Check(HvrNative.hvr_store_break_lease(Handle, Utf8.Encode(name), (long)breakPeriod.TotalSeconds),
                         "hvr_store_break_lease");
        }

        // Waits for the store's background work, then closes; no log line comes after.
        public void Dispose() { Handle.Dispose(); }
    }
}
