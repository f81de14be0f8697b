// The wrappers through P/Invoke against the real library: disks, manifests and diffs,
// replica logs, a local store; errors as HvrException with the native message; callbacks
// under garbage collection; cancellation. Results are checked against bytes written and
// read back with System.IO, not against the library's own view.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hvr;
using HvReplication.Tests;
using Xunit;

namespace HvReplication.Layer.Tests
{
    public sealed class ScenarioTests : LayerTest
    {
        private const ulong MiB = 1UL << 20;

        [Fact]
        public void StatusNamesAndClasses()
        {
            foreach (Status status in Enum.GetValues(typeof(Status)))
                Check.True(Errors.NameOf(status) != "unknown", "hvr_status_name knows " + status);
            Check.Equal("broken_chain", Errors.NameOf(Status.BrokenChain), "name");
            Check.Equal(ErrorClass.Recoverable, Errors.ClassOf(Status.Throttled), "throttled");
            Check.Equal(ErrorClass.NonRecoverable, Errors.ClassOf(Status.AuthFailed), "auth");
            Check.Equal(ErrorClass.ResyncRequired, Errors.ClassOf(Status.LogChainGap), "gap");
            Check.True(Errors.IsRecoverable(Status.Network) && !Errors.IsRecoverable(Status.CorruptData), "recoverable");
            Check.Equal(ErrorClass.NonRecoverable, Errors.ClassOf((Status)1000), "a code from a newer library");
        }

        [Fact]
        public void RetryPolicy()
        {
            using (RetryPolicy policy = new RetryPolicy())
            {
                Check.Equal("1,2,4,8,10", string.Join(",", policy.Backoff.Select(t => t.TotalMinutes)), "default back-off");
                Check.Equal(TimeSpan.FromMinutes(30), policy.SteadyInterval, "steady interval");
                // Every 30 s, then every 5 min: docs/retry-policy.md.
                Check.Equal("1,2,4,8,10,40,70,100",
                            string.Join(",", policy.Schedule(TimeSpan.FromSeconds(30), Status.Network, 8).Select(t => t.TotalMinutes)),
                            "30 s schedule");
                Check.Equal("5,10,15,20,25,40,70",
                            string.Join(",", policy.Schedule(TimeSpan.FromMinutes(5), Status.Throttled, 7).Select(t => t.TotalMinutes)),
                            "5 min schedule");
                Check.Equal(0, policy.Schedule(TimeSpan.FromSeconds(30), Status.BrokenChain, 3).Length, "never retried");
                DateTimeOffset t0 = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
                RetryDecision resync = policy.NextAttempt(t0, t0, 0, Status.LogNotClosed, TimeSpan.FromSeconds(30));
                Check.Equal(RetryAction.Resync, resync.Action, "resync");
                Check.True(!resync.At.HasValue, "no time for a resync");
                RetryDecision at = policy.NextAttempt(t0, t0, 0, Status.Network, TimeSpan.FromSeconds(30));
                Check.Equal(t0.AddMinutes(1), at.At.Value, "first retry");
                Check.Fails(Status.InvalidArgument, "interval_seconds",
                            delegate { policy.NextAttempt(t0, t0, 0, Status.Network, TimeSpan.Zero); });
            }
            using (RetryPolicy custom = new RetryPolicy(new[] { TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3) },
                                                        TimeSpan.FromMinutes(10)))
            {
                Check.Equal("1,3", string.Join(",", custom.Backoff.Select(t => t.TotalMinutes)), "custom back-off");
                Check.Equal(TimeSpan.FromMinutes(10), custom.SteadyInterval, "custom steady");
            }
            Check.Fails(Status.InvalidArgument, "backoff[1]", delegate
            {
                new RetryPolicy(new[] { TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1) }, TimeSpan.FromMinutes(10));
            });
            Check.Throws<ArgumentException>(delegate { new RetryPolicy(new[] { TimeSpan.FromMilliseconds(1500) }, TimeSpan.FromMinutes(1)); });
        }

        [Fact]
        public void DisksCreateWriteReadConvertMerge()
        {
            using (TempDir dir = new TempDir())
            {
                string parent = dir.File("parent.vhdx"), child = dir.File("child.avhdx"), raw = dir.File("flat.raw");
                byte[] first = Pattern(8192, 1), second = Pattern(4096, 2);
                Disk.CreateVhdx(parent, 16 * MiB, DiskType.Dynamic, new DiskCreateOptions { BlockSize = 1 << 20 });
                Check.Equal(DiskFormat.Vhdx, Disk.DetectFormat(parent), "detected format");
                Guid written;
                using (Disk disk = Disk.OpenWritable(parent))
                {
                    DiskInfo before = disk.Info;
                    Check.Equal(DiskType.Dynamic, before.Type, "type");
                    Check.Equal(16 * MiB, before.VirtualSize, "virtual size");
                    Check.Equal(1u << 20, before.BlockSize, "block size");
                    Check.Equal(parent, before.Path, "path, decoded from the library's UTF-8");
                    disk.Write(3 * MiB + 100, first);
                    disk.Flush();
                    written = disk.Info.DataWriteGuid;
                    Check.True(written != before.DataWriteGuid && written != Guid.Empty, "the first write gave a new DataWriteGuid");
                }
                using (Disk disk = Disk.Open(parent))
                {
                    Check.Bytes(first, disk.Read(3 * MiB + 100, first.Length), "read back");
                    ByteRange[] ranges = disk.AllocatedRanges();
                    Check.Equal(1, ranges.Length, "allocated ranges");
                    Check.Equal(3 * MiB, ranges[0].Offset, "allocated offset");
                    Check.Equal(MiB, ranges[0].Length, "allocated length");
                }

                Disk.CreateDifferencing(child, parent, null);
                using (Disk disk = Disk.OpenWritable(child)) disk.Write(2048, second);
                using (Disk disk = Disk.Open(child, new DiskOpenOptions { MaxChainDepth = 2 }))
                {
                    DiskInfo info = disk.Info;
                    Check.Equal(DiskType.Differencing, info.Type, "child type");
                    Check.Equal(parent, info.ParentPath, "parent found");
                    int calls = 0;
                    disk.ConvertTo(raw, ConvertTarget.Raw, new ConvertOptions { Threads = 2 }, null,
                                   delegate { Interlocked.Increment(ref calls); });
                    Check.True(calls > 0, "convert reported progress");
                }
                // The raw file, read with System.IO: the chain's content.
                byte[] flat = File.ReadAllBytes(raw);
                Check.Equal((long)(16 * MiB), flat.LongLength, "raw size");
                Check.Bytes(second, flat.Skip(2048).Take(second.Length).ToArray(), "child data in the raw image");
                Check.Bytes(first, flat.Skip((int)(3 * MiB + 100)).Take(first.Length).ToArray(), "parent data in the raw image");
                Check.True(flat.Take(2048).All(b => b == 0), "zeros before the child's data");

                Check.Fails(Status.BrokenChain, child, delegate
                {
                    using (Disk.Open(child, new DiskOpenOptions { MaxChainDepth = 1 })) { }
                });
                Guid merged = Disk.Merge(child, false, null, null);
                Check.True(!File.Exists(child), "the child is gone after the merge");
                using (Disk disk = Disk.Open(parent))
                {
                    Check.Equal(merged, disk.Info.DataWriteGuid, "the merge returned the parent's new DataWriteGuid");
                    Check.Bytes(second, disk.Read(2048, second.Length), "merged data");
                }

                Disk.CreateVhdFixed(dir.File("azure.vhd"), 2 * MiB);
                Check.Equal(DiskFormat.Vhd, Disk.DetectFormat(dir.File("azure.vhd")), "fixed VHD");
                byte[] vhd = File.ReadAllBytes(dir.File("azure.vhd"));
                Check.Equal((long)(2 * MiB + 512), vhd.LongLength, "fixed VHD: the disk, then a 512-byte footer");
                Check.Equal("conectix", System.Text.Encoding.ASCII.GetString(vhd, (int)(2 * MiB), 8), "footer cookie");
                Disk.CreateRaw(dir.File("plain.raw"), MiB);
                Check.Equal((long)MiB, new FileInfo(dir.File("plain.raw")).Length, "raw size");
            }
        }

        [Fact]
        public void DiskErrorsCarryTheNativeMessage()
        {
            using (TempDir dir = new TempDir())
            {
                string missing = dir.File("missing é.vhdx");
                HvrException e = Check.Fails(Status.NotFound, "missing é.vhdx", delegate { Disk.Open(missing); });
                Check.Equal("ObjectNotFound", e.ErrorCategory, "PowerShell category");
                Check.Equal(ErrorClass.NonRecoverable, e.ErrorClass, "class");
                Check.Equal("not_found", e.StatusName, "status name");
                Check.Equal("hvr_disk_open", e.Function, "function");
                Check.Fails(Status.InvalidArgument, "MiB", delegate { Disk.CreateVhdFixed(dir.File("odd.vhd"), MiB + 512); });
                Disk.CreateRaw(dir.File("r.raw"), MiB);
                e = Check.Fails(Status.Conflict, "r.raw", delegate { Disk.CreateRaw(dir.File("r.raw"), MiB); });
                Check.Equal("ResourceExists", e.ErrorCategory, "conflict category");
                using (Disk disk = Disk.Open(dir.File("r.raw")))
                {
                    Check.Fails(Status.InvalidArgument, "read-only", delegate { disk.Write(0, new byte[512]); });
                    Check.Throws<ArgumentOutOfRangeException>(delegate { disk.Read(0, new byte[4], 2, 4); });
                }
                Check.Throws<ArgumentException>(delegate { Disk.Open("bad\0name"); });
            }
        }

        [Fact]
        public void ManifestsAndDiffs()
        {
            const uint Chunk = 64 * 1024;
            using (TempDir dir = new TempDir())
            {
                string source = dir.File("source.raw"), target = dir.File("target.raw");
                byte[] bytes = Pattern(16 * (int)Chunk + 100, 7);
                File.WriteAllBytes(target, bytes);
                // The source: chunk 1 changed, chunk 3 zeroed, the short last chunk changed.
                bytes[Chunk + 5] ^= 0xff;
                Array.Clear(bytes, 3 * (int)Chunk, (int)Chunk);
                bytes[bytes.Length - 1] ^= 0xff;
                File.WriteAllBytes(source, bytes);
                DiffRun[] expected =
                {
                    new DiffRun(Chunk, Chunk, DiffKind.Data), new DiffRun(3 * Chunk, Chunk, DiffKind.Zero),
                    new DiffRun(16 * Chunk, 100, DiffKind.Data),
                };
                ChunkOptions options = new ChunkOptions { ChunkSize = Chunk, Threads = 2 };

                using (Manifest targetManifest = Manifest.Build(target, options, null, null))
                using (Manifest sourceManifest = Manifest.Build(source, options, null, null))
                {
                    ManifestInfo info = targetManifest.Info;
                    Check.Equal((ulong)bytes.Length, info.DiskSize, "disk size");
                    Check.Equal(Chunk, info.ChunkSize, "chunk size");
                    Check.Equal(17UL, info.ChunkCount, "chunks");
                    Check.Equal(1UL, sourceManifest.Info.ZeroChunks, "zero chunks");
                    targetManifest.Save(dir.File("target.hvrm"));
                    using (Manifest loaded = Manifest.Load(dir.File("target.hvrm")))
                    using (Diff byManifests = Diff.Manifests(sourceManifest, loaded, null))
                    using (Diff byPaths = Diff.Disks(source, target, options, null, null, null))
                    using (Diff byManifest = Diff.DiskToManifest(source, loaded, null, null, null, null))
                    using (Disk s = Disk.Open(source))
                    using (Disk t = Disk.Open(target))
                    using (Diff byHandles = Diff.Disks(s, t, options, null, null, null))
                    using (Diff byHandleManifest = Diff.DiskToManifest(s, loaded, null, null, null, null))
                    {
                        foreach (Diff diff in new[] { byManifests, byPaths, byManifest, byHandles, byHandleManifest })
                        {
                            Check.Equal(string.Join(" ", expected), string.Join(" ", diff.Runs), "runs");
                            DiffTotals totals = diff.Totals;
                            Check.Equal(3UL, totals.DifferingChunks, "differing chunks");
                            Check.Equal(Chunk + 100, totals.DataBytes, "data bytes");
                            Check.Equal((ulong)Chunk, totals.ZeroBytes, "zero bytes");
                            Check.True(!totals.Identical, "not identical");
                        }
                        Check.True(byPaths.ToJson().Contains("{\"offset\":196608,\"length\":65536,\"kind\":\"zero\"}"),
                                   "JSON holds the zero run");
                        using (Manifest fromHandle = Manifest.Build(s, options, null, null))
                        using (Diff same = Diff.Manifests(fromHandle, sourceManifest, null))
                            Check.True(same.Totals.Identical, "a manifest from a handle equals one from the path");
                    }

                    // Runs streamed to a callback are not kept.
                    List<DiffRun> streamed = new List<DiffRun>();
                    using (Diff diff = Diff.Disks(source, target, options, null, null, delegate(DiffRun run) { streamed.Add(run); }))
                    {
                        Check.Equal(string.Join(" ", expected), string.Join(" ", streamed), "streamed runs");
                        Check.Equal(0, diff.Runs.Length, "nothing kept");
                        Check.Equal(3UL, diff.Totals.Runs, "runs counted");
                    }
                }

                // A replica's manifest follows writes through its writable handle.
                string replica = dir.File("replica.raw");
                Disk.CreateRaw(replica, (ulong)bytes.Length);
                using (Manifest zeros = Manifest.Zeros((ulong)bytes.Length, 0))
                using (Disk disk = Disk.OpenWritable(replica))
                {
                    Check.Equal(256u * 1024, zeros.Info.ChunkSize, "default chunk size");
                    disk.Write(300000, Pattern(100, 3));
                    zeros.Update(disk, new[] { new ByteRange(300000, 100) }, null);
                    using (Manifest fresh = Manifest.Build(disk, null, null, null))
                    using (Diff diff = Diff.Manifests(zeros, fresh, null))
                        Check.True(diff.Totals.Identical, "the updated manifest equals a fresh build");
                    zeros.Invalidate(0, 1);
                    Check.Equal(1UL, zeros.Info.UnknownChunks, "an invalidated chunk is unknown");
                }
                Check.Fails(Status.InvalidArgument, "different chunk sizes", delegate
                {
                    using (Manifest a = Manifest.Zeros(MiB, 0))
                    using (Manifest b = Manifest.Zeros(MiB, Chunk))
                        Diff.Manifests(a, b, null);
                });
                File.WriteAllBytes(dir.File("short.hvrm"), new byte[100]);
                Check.Fails(Status.CorruptData, "short.hvrm", delegate { Manifest.Load(dir.File("short.hvrm")); });
            }
        }

        [Fact]
        public void ReplicaLogsTrackedReadAndApplied()
        {
            const ulong Size = MiB;
            Guid dataWriteGuid = new Guid("b9be5c57-f8be-5503-98bb-6c44faf9ac87");
            byte[] expected = new byte[Size];
            using (TempDir dir = new TempDir())
            {
                List<string> warnings = new List<string>();
                string folder = dir.File("logs");
                Directory.CreateDirectory(folder);
                string closed;
                ChangeTrackerOptions options = new ChangeTrackerOptions
                {
                    LogName = "disk0",
                    Log = delegate(LogLevel level, string message) { warnings.Add(level + ": " + message); },
                };
                using (ChangeTracker tracker = ChangeTracker.Open(folder, Size, dataWriteGuid, options))
                {
                    Check.True(tracker.InterruptedLog == null, "no interrupted log");
                    Record(tracker, expected, 4096, Pattern(8192, 1));
                    Record(tracker, expected, 1000, Pattern(100, 2));  // not 512-aligned
                    Record(tracker, expected, 6144, Pattern(512, 3));  // overwrites part of the first
                    closed = tracker.Rotate();
                    Check.True(closed.EndsWith("disk0-0000000000000001.hrl"), "closed log name " + closed);
                    Record(tracker, expected, 65536, Pattern(4096, 4));
                    Check.True(tracker.CurrentLog.EndsWith("disk0-0000000000000002.hrl"), "current log");
                    Check.Fails(Status.InvalidArgument, "beyond", delegate { tracker.Record(Size - 10, new byte[100]); });
                    tracker.Close();
                }
                Check.Equal(0, warnings.Count, "no warning for a clean folder");

                string[] logs = ReplicaLog.ListClosed(folder, "disk0");
                Check.Equal(2, logs.Length, "closed logs");
                Check.Equal(closed, logs[0], "oldest first");
                ReplicaLogHeader h0 = ReplicaLog.ReadHeader(logs[0]), h1 = ReplicaLog.ReadHeader(logs[1]);
                Check.Equal(0x00020000u, h0.FormatVersion, "version");
                Check.True(h0.IsClosed && h0.TotalMetadataEntries == 3, "closed, three entries");
                Check.Equal(dataWriteGuid, h0.DataWriteGuid.Value, "the DataWriteGuid, in .NET's byte order");
                Check.Equal(Guid.Empty, h0.PreviousUniqueId, "the first log of a chain");
                Check.Equal(h0.UniqueId, h1.PreviousUniqueId, "the second follows the first");
                Check.Equal("hvr ", h0.CreatorApplication, "creator");
                Check.True(Math.Abs((h0.Created - DateTimeOffset.UtcNow).TotalHours) < 1, "created now");
                ReplicaLog.CheckChain(logs, null);
                ReplicaLog.CheckChain(new[] { logs[1] }, h0.UniqueId);
                HvrException gap = Check.Fails(Status.LogChainGap, "does not follow",
                                               delegate { ReplicaLog.CheckChain(new[] { logs[1], logs[0] }, null); });
                Check.Equal(ErrorClass.ResyncRequired, gap.ErrorClass, "a gap needs a resync");

                using (ReplicaLogReader reader = ReplicaLogReader.Open(logs[0], Size))
                {
                    Check.Equal(h0.UniqueId, reader.Header.UniqueId, "reader header");
                    ReplicaLogEntry entry = reader.Next();
                    Check.True(entry.Index == 0 && entry.DiskOffset == 4096 && entry.Length == 8192, "first entry");
                    Check.True(entry.DataChecksumRecorded, "checksum recorded");
                    Check.Bytes(Pattern(8192, 1), reader.ReadData(entry), "first entry's data");
                    entry = reader.Next();
                    Check.Equal(1000UL, entry.DiskOffset, "second entry");
                    Check.True(reader.Next() != null && reader.Next() == null, "three entries");
                }
                Check.Fails(Status.NotFound, "absent.hrl", delegate { ReplicaLogReader.Open(dir.File("absent.hrl"), Size); });

                // Coalesced into a raw image: its bytes, read with System.IO, are the disk.
                string image = dir.File("replica.raw");
                Disk.CreateRaw(image, Size);
                using (ExtentMap map = new ExtentMap())
                {
                    Check.Equal(4UL, map.AddLogs(logs, Size, null, null), "entries read");
                    Check.Equal(8192UL + 100 + 4096, map.ChangedBytes, "changed bytes");
                    Check.Equal("[1000, 1100) [4096, 12288) [65536, 69632)", string.Join(" ", map.ChangedRanges()), "changed ranges");
                    using (Disk disk = Disk.OpenWritable(image)) map.ApplyTo(disk, null);
                    Check.Bytes(expected, File.ReadAllBytes(image), "the replica built from the logs");

                    // The same through managed callbacks, 4 KiB at most per page write.
                    byte[] copy = new byte[Size];
                    int pages = 0;
                    map.WritePages(4096, delegate(ulong offset, byte[] buffer, int count) { Array.Clear(buffer, 0, count); },
                                   delegate(ulong offset, byte[] data, int count)
                                   {
                                       Check.True(offset % 512 == 0 && count % 512 == 0 && count <= 4096, "aligned pages");
                                       Array.Copy(data, 0, copy, (long)offset, count);
                                       ++pages;
                                   },
                                   null);
                    Check.Bytes(expected, copy, "page writes through callbacks");
                    Check.Equal(1 + 2 + 1, pages, "page writes");
                    map.Clear();
                    map.Add(10, new byte[] { 1, 2, 3 });
                    Check.Equal(3UL, map.ChangedBytes, "copied write");
                    Check.Fails(Status.LogChainGap, "does not follow", delegate { map.AddLogs(new[] { logs[1], logs[0] }, Size, null, null); });
                }
            }
        }

        [Fact]
        public void LocalStoreUploadDownloadPoints()
        {
            using (TempDir dir = new TempDir())
            {
                string image = dir.File("image.raw");
                byte[] content = new byte[3 * MiB];
                Array.Copy(Pattern(65536, 9), 0, content, (int)MiB, 65536);
                File.WriteAllBytes(image, content);
                using (Store store = Store.Open(dir.File("store"), new StoreOptions { MaxInFlight = 4 }))
                {
                    ulong last = 0, total = 0;
                    int calls = 0;
                    TransferStats stats = store.Upload(image, "disk0", delegate(ulong done, ulong all)
                    {
                        Check.True(done >= last, "progress moves forward");
                        last = done;
                        total = all;
                        ++calls;
                    }, null);
                    Check.Equal(3 * MiB, stats.VirtualSize, "virtual size");
                    Check.Equal(65536UL, stats.BytesSent, "only the data was sent");
                    Check.Equal(stats.VirtualSize, stats.BytesSent + stats.BytesSkipped, "sent and skipped");
                    Check.True(calls > 0 && last == total && total == stats.VirtualSize, "progress reached the end");
                    HvrException conflict = Check.Fails(Status.Conflict, "already exists",
                                                        delegate { store.Upload(image, "disk0", null, null); });
                    Check.Equal(ErrorClass.Recoverable, conflict.ErrorClass, "a conflict may clear");

                    string json = store.ListJson();
                    Check.True(json.Contains("\"name\":\"disk0\"") && json.Contains("\"virtual_size\":3145728"), json);
                    string point = store.CreateRecoveryPoint("disk0", true);
                    string points = store.ListRecoveryPointsJson("disk0");
                    Check.True(points.Contains(point) && points.Contains("\"app_consistent\":true"), points);

                    store.Download("disk0", point, dir.File("point.vhd"), true, null, null);
                    store.Download("disk0", null, dir.File("now.raw"), false, null, null);
                    byte[] vhd = File.ReadAllBytes(dir.File("point.vhd"));
                    Check.Bytes(content, vhd.Take(content.Length).ToArray(), "the recovery point as a VHD");
                    Check.Equal((long)content.Length + 512, vhd.LongLength, "with its footer");
                    Check.Bytes(content, File.ReadAllBytes(dir.File("now.raw")), "the disk as raw");
                    Check.Fails(Status.Conflict, "now.raw", delegate { store.Download("disk0", null, dir.File("now.raw"), false, null, null); });

                    using (Disk disk = Disk.Open(image))
                    {
                        TransferStats again = store.Upload(disk, "from-handle", null, null);
                        Check.Equal(65536UL, again.BytesSent, "upload from a handle");
                    }
                    store.DeleteRecoveryPoint("disk0", point);
                    Check.Fails(Status.NotFound, point, delegate { store.DeleteRecoveryPoint("disk0", point); });
                    store.DeleteDisk("disk0");
                    store.DeleteDisk("from-handle");
                    Check.Fails(Status.NotFound, "disk0", delegate { store.DeleteDisk("disk0"); });
                }
                Check.Fails(Status.InvalidArgument, "Container", delegate { Store.Open("UseDevelopmentStorage=true"); });
                Check.Fails(Status.InvalidArgument, "32 bytes", delegate
                {
                    Store.Open(dir.File("other"), new StoreOptions { EncryptionKey = new byte[5] });
                });
                Check.Fails(Status.InvalidArgument, "", delegate
                {
                    Store.Open(dir.File("other"), new StoreOptions
                    {
                        Bandwidth = new BandwidthSchedule { WorkStartMinute = 17 * 60, WorkEndMinute = 9 * 60 },
                    });
                });
            }
        }

        [Fact]
        public void StoreDisksPieceByPiece()
        {
            using (TempDir dir = new TempDir())
            using (Store store = Store.Open(dir.File("store")))
            using (Store other = Store.Open(dir.File("store")))
            {
                byte[] page = Pattern(4096, 5);
                store.CreateDisk("pieces", 2 * MiB);
                store.WritePages("pieces", MiB, page, 0, page.Length);
                Check.Fails(Status.InvalidArgument, "", delegate { store.WritePages("pieces", 100, page, 0, 512); });
                byte[] back = new byte[100];
                store.Read("pieces", null, MiB + 1, back, 0, back.Length);
                Check.Bytes(page.Skip(1).Take(100).ToArray(), back, "read at any offset");
                Check.Equal("[1048576, 1052672)", string.Join(" ", store.AllocatedRanges("pieces", null)), "allocated");
                StoreDiskInfo info = store.GetDisk("pieces");
                Check.Equal(2 * MiB, info.VirtualSize, "size");
                Check.Equal(LeaseState.Available, info.LeaseState, "lease");
                Check.True(Math.Abs((info.LastModified - DateTimeOffset.UtcNow).TotalHours) < 1, "modified now");

                string point = store.CreateRecoveryPoint("pieces", false);
                store.WritePages("pieces", 0, page, 0, 512);
                store.ClearPages("pieces", MiB, 4096);
                Check.Equal("[0, 512) [1048576, 1052672)", string.Join(" ", store.ChangedRanges("pieces", point, null)), "changed since");
                store.CopyRecoveryPoint("pieces", point, "pieces-test");
                byte[] old = new byte[4096];
                store.Read("pieces-test", null, MiB, old, 0, old.Length);
                Check.Bytes(page, old, "the copy holds the recovery point");
                store.Read("pieces", point, MiB, old, 0, old.Length);
                Check.Bytes(page, old, "reading the recovery point itself");

                store.SetMetadata("pieces", new Dictionary<string, string> { { "vm", "sql-01" }, { "disk_index", "0" } });
                string metadata = store.GetMetadataJson("pieces");
                Check.True(metadata.Contains("\"vm\":\"sql-01\"") && metadata.Contains("\"disk_index\":\"0\""), metadata);
                Check.Fails(Status.InvalidArgument, "hvr",
                            delegate { store.SetMetadata("pieces", new Dictionary<string, string> { { "hvr_x", "1" } }); });

                string lease = store.AcquireLease("pieces", null, null);
                Check.Equal(LeaseState.Leased, store.GetDisk("pieces").LeaseState, "leased");
                store.RenewLease("pieces");
                store.WritePages("pieces", 0, page, 0, 512);
                Check.Fails(Status.Conflict, "", delegate { other.WritePages("pieces", 0, page, 0, 512); });
                other.BreakLease("pieces", TimeSpan.Zero);
                Check.Fails(Status.Conflict, "", delegate { store.WritePages("pieces", 0, page, 0, 512); });
                Check.Equal(lease, other.AcquireLease("pieces", TimeSpan.FromSeconds(15), lease), "the lease taken back");
                other.ReleaseLease("pieces");
                // The first store writes again only once it holds a lease again.
                Check.Fails(Status.Conflict, "", delegate { store.WritePages("pieces", 0, page, 0, 512); });
                store.AcquireLease("pieces", TimeSpan.FromSeconds(15), null);
                store.ReleaseLease("pieces");

                // Replica logs applied to a store disk through the extent map.
                string folder = dir.File("logs");
                Directory.CreateDirectory(folder);
                byte[] expected = new byte[2 * MiB];
                store.Read("pieces", null, 0, expected, 0, expected.Length);
                using (ChangeTracker tracker = ChangeTracker.Open(folder, 2 * MiB, Guid.NewGuid(), null))
                {
                    Record(tracker, expected, 700, Pattern(3000, 6));
                    Record(tracker, expected, MiB + 10, Pattern(10, 8));
                    tracker.Close();
                }
                using (ExtentMap map = new ExtentMap())
                {
                    map.AddLogs(ReplicaLog.ListClosed(folder, null), 2 * MiB, null, null);
                    map.ApplyTo(store, "pieces", null);
                }
                byte[] actual = new byte[2 * MiB];
                store.Read("pieces", null, 0, actual, 0, actual.Length);
                Check.Bytes(expected, actual, "the store disk after the logs");
                store.DeleteDisk("pieces-test");
                store.DeleteDisk("pieces");
            }
        }

        // The log callback: an https store without certificate checks warns at open.
        [Fact]
        public void LogCallback()
        {
            List<string> lines = new List<string>();
            StoreOptions options = new StoreOptions
            {
                VerifyCertificate = false,
                Log = delegate(LogLevel level, string message) { lock (lines) lines.Add(level + " " + message); },
            };
            using (Store.Open("DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=" + Azurite.AccountKey +
                              ";BlobEndpoint=https://127.0.0.1:9/devstoreaccount1;Container=replicas", options))
            {
                Check.Equal(1, lines.Count, "one line");
                Check.True(lines[0].StartsWith("Warning ") && lines[0].Contains("not authenticated"), lines[0]);
                Check.True(!lines[0].Contains(Azurite.AccountKey), "no key in the log");
            }
        }

        // Callbacks run while the collector runs on another thread: the delegates native
        // code holds must stay alive (a collected one crashes the process or throws).
        [Fact]
        public async Task CallbacksSurviveGarbageCollection()
        {
            using (TempDir dir = new TempDir())
            {
                string image = dir.File("big.raw");
                File.WriteAllBytes(image, Pattern(32 << 20, 11));
                ChunkOptions options = new ChunkOptions { ChunkSize = 64 * 1024, Threads = 2 };
                long progressCalls = 0, runs = 0;
                Task<ManifestInfo> build = Task.Factory.StartNew(delegate
                {
                    using (Manifest m = Manifest.Build(image, options, null, delegate
                    {
                        Interlocked.Increment(ref progressCalls);
                        Thread.Sleep(20);
                    }))
                        return m.Info;
                }, TaskCreationOptions.LongRunning);
                Task<ulong> diff = Task.Factory.StartNew(delegate
                {
                    using (Manifest zeros = Manifest.Zeros(32 << 20, 64 * 1024))
                    using (Diff d = Diff.DiskToManifest(image, zeros, null, null, null, delegate
                    {
                        Interlocked.Increment(ref runs);
                        Thread.Sleep(200);
                    }))
                        return d.Totals.Runs;
                }, TaskCreationOptions.LongRunning);
                int collections = 0;
                while (!build.IsCompleted || !diff.IsCompleted)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    ++collections;
                }
                // Both are done: the awaits only take their results.
                Check.Equal(512UL, (await build).ChunkCount, "chunks");
                Check.True(Interlocked.Read(ref progressCalls) >= 16, "progress calls: " + progressCalls);
                Check.Equal(1UL, await diff, "one data run against zeros");
                Check.Equal(1L, Interlocked.Read(ref runs), "run callback");
                Check.True(collections > 10, "collections during the calls: " + collections);
            }
        }

        private sealed class CallerException : Exception
        {
            public CallerException() : base("thrown by the caller's callback") { }
        }

        // An exception thrown by managed code inside a callback never unwinds through the
        // library: the call stops and the caller gets that exception back.
        [Fact]
        public void CallbackExceptionsReachTheCaller()
        {
            using (TempDir dir = new TempDir())
            {
                string image = dir.File("disk.raw");
                File.WriteAllBytes(image, Pattern(1 << 20, 12));
                Check.Throws<CallerException>(delegate
                {
                    using (Manifest zeros = Manifest.Zeros(1 << 20, 0))
                        Diff.DiskToManifest(image, zeros, null, null, null, delegate { throw new CallerException(); });
                });
                Check.Throws<CallerException>(delegate
                {
                    Manifest.Build(image, null, null, delegate { throw new CallerException(); });
                });
                using (ExtentMap map = new ExtentMap())
                {
                    map.Add(0, new byte[512]);
                    Check.Throws<CallerException>(delegate
                    {
                        map.WritePages(4096, null, delegate { throw new CallerException(); }, null);
                    });
                    // OperationCanceledException from a callback stops the call as cancelled.
                    Check.Throws<OperationCanceledException>(delegate
                    {
                        map.WritePages(4096, null, delegate { throw new OperationCanceledException(); }, null);
                    });
                }
            }
        }

        [Fact]
        public void Cancellation()
        {
            using (TempDir dir = new TempDir())
            {
                string image = dir.File("disk.raw");
                File.WriteAllBytes(image, Pattern(8 << 20, 13));
                using (CancelToken token = new CancelToken())
                {
                    Check.True(!token.IsCancelled, "fresh token");
                    HvrException e = Check.Fails(Status.Cancelled, "", delegate
                    {
                        Manifest.Build(image, new ChunkOptions { ChunkSize = 64 * 1024, Threads = 1 }, token,
                                       delegate { token.Cancel(); });
                    });
                    Check.True(token.IsCancelled, "cancelled");
                    Check.Equal(ErrorClass.Recoverable, e.ErrorClass, "cancelled is recoverable");
                    Check.Equal("OperationStopped", e.ErrorCategory, "PowerShell category");
                    using (Store store = Store.Open(dir.File("store")))
                        Check.Fails(Status.Cancelled, "", delegate { store.Upload(image, "d", null, token); });
                    Check.Fails(Status.Cancelled, "", delegate
                    {
                        using (Disk disk = Disk.Open(image)) disk.ConvertTo(dir.File("out.vhdx"), ConvertTarget.Vhdx, null, token, null);
                    });
                    Check.True(!File.Exists(dir.File("out.vhdx")), "no half-converted image");
                }
            }
        }

        // Long calls as operations: progress seen from the starting thread, Cancel stopping
        // a call in flight, failures rethrown as HvrException.
        [Fact]
        public void OperationsReportProgressAndStop()
        {
            using (TempDir dir = new TempDir())
            {
                string image = dir.File("disk.raw");
                File.WriteAllBytes(image, Pattern(16 << 20, 14));
                using (Operation<Manifest> build = Manifest.StartBuild(image, new ChunkOptions { ChunkSize = 64 * 1024 }))
                {
                    while (!build.Wait(10)) { }
                    Check.True(build.Reports > 0, "progress reports");
                    Check.Equal(100, build.PercentComplete, "percent at the end");
                    Check.Equal(256UL, build.Result.Info.ChunkCount, "result");
                    build.Result.Dispose();
                }
                // A call in flight stops when the operation is cancelled.
                int rounds = 0;
                Operation<int> forever = Operation<int>.Start(delegate(CancelToken cancel, ProgressCallback progress)
                {
                    while (true)
                    {
                        using (Manifest.Build(image, new ChunkOptions { ChunkSize = 64 * 1024, Threads = 1 }, cancel, progress)) { }
                        Interlocked.Increment(ref rounds);
                    }
                });
                while (forever.Reports == 0) Thread.Sleep(1);
                forever.Cancel();
                HvrException e = Check.Throws<HvrException>(delegate { forever.Wait(-1); });
                Check.Equal(Status.Cancelled, e.Status, "the operation ended cancelled");
                forever.Dispose();

                using (Store store = Store.Open(dir.File("store")))
                {
                    using (Operation<TransferStats> upload = store.StartUpload(image, "disk0"))
                        Check.Equal(16 * MiB, upload.Result.BytesSent, "uploaded");
                    using (Operation<TransferStats> upload = store.StartUpload(image, "disk0"))
                    {
                        e = Check.Throws<HvrException>(delegate { upload.Wait(-1); });
                        Check.Equal(Status.Conflict, e.Status, "the failure comes back from the worker thread");
                    }
                    using (Operation<TransferStats> download = store.StartDownload("disk0", null, dir.File("back.raw"), false))
                        download.Wait(-1);
                    Check.Bytes(File.ReadAllBytes(image), File.ReadAllBytes(dir.File("back.raw")), "downloaded");
                }
            }
        }

        // ---- Replication ------------------------------------------------------------------

        // What the C# host of the replication scenarios saw.
        private sealed class HostLog
        {
            public int Checkpoints, Rotations, AzureCreated, AzureStopped, AzureDeleted, Started, RunningAsked;
            public HostCheckpoint Lent;
            public volatile bool ThrowFromJobs;
            public readonly List<Job> Jobs = new List<Job>();
            public readonly List<string> Plan = new List<string>();
        }

        // A guest write, the way a hypervisor does it: to the disk, and into the log.
        private static void GuestWrites(Disk disk, ChangeTracker tracker, int count, byte fill)
        {
            byte[] block = new byte[4096];
            for (int i = 0; i < block.Length; ++i) block[i] = fill;
            for (int i = 0; i < count; ++i)
            {
                ulong offset = (ulong)((i * 131) % 4096) * 4096;
                disk.Write(offset, block);
                tracker.Record(offset, block);
            }
            disk.Flush();
        }

        // A whole session through P/Invoke, as an embedder writes it in C#: a raw disk and its
        // change tracker, a Host whose callbacks rotate the tracker's logs and report the
        // checkpoint, a session protecting the disk to a local folder store; initial
        // replication, two cycles of guest writes, verification, status and documents,
        // callbacks that throw, a test failover, a scheduler, a recovery plan, a failover and
        // its commit, failback to a folder (read back with System.IO), its commit, reverse.
        [Fact]
        public void ReplicationSessionProtectCycleFailoverFailback()
        {
            const ulong Size = 16 * MiB;
            using (TempDir dir = new TempDir())
            {
                string folder = dir.File("vm"), diskPath = dir.File("vm/cs-disk.img"), state = dir.File("state");
                Directory.CreateDirectory(folder);
                Disk.CreateRaw(diskPath, Size);
                HostLog seen = new HostLog();
                using (Disk disk = Disk.OpenWritable(diskPath))
                using (ChangeTracker tracker = ChangeTracker.Open(folder, Size, Guid.NewGuid(), null))
                using (Host host = new Host())
                using (Engine engine = new Engine(new EngineOptions { MaxActiveSessions = 2 }))
                using (Protection protection = new Protection("cs-vm", dir.File("store")))
                {
                    GuestWrites(disk, tracker, 100, (byte)'x');
                    Check.Fails(Status.InvalidArgument, "", delegate { new Engine(new EngineOptions { IoThreads = 0 }); });
                    host.Checkpoint = delegate(HostVm vm, HostCheckpoint checkpoint)
                    {
                        Check.Equal("cs-vm", vm.Name, "the VM's name");
                        Check.Equal(1, vm.Disks.Length, "its disks");
                        Check.Equal(diskPath, vm.Disks[0], "the disk's path, decoded from UTF-8");
                        Check.True(vm.Id != Guid.Empty, "the relationship's id");
                        Check.Equal(1, checkpoint.DiskCount, "disks to freeze");
                        Check.Fails(Status.InvalidArgument, "1 disks", delegate { checkpoint.SetDisk(1, diskPath); });
                        // The guest stays still while the copy runs: the disk itself is the frozen view.
                        checkpoint.SetDisk(0, diskPath, null);
                        seen.Lent = checkpoint;
                        ++seen.Checkpoints;
                    };
                    host.RotateLogs = delegate(HostVm vm, bool quiesce)
                    {
                        // The delegates native code holds survive a collection while it holds them.
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        tracker.Rotate();
                        ++seen.Rotations;
                        return quiesce;
                    };
                    host.CreateAzureVm = delegate(string json)
                    {
                        Check.True(json.Contains("\"disks\":[{\"name\":\"cs-vm-disk0-"), json);
                        ++seen.AzureCreated;
                    };
                    host.ShutdownAzureVm = delegate { ++seen.AzureStopped; };
                    host.DeleteAzureVm = delegate { ++seen.AzureDeleted; };
                    host.StartVm = delegate(HostVm vm) { ++seen.Started; };
                    // The VM still runs on premises (an unplanned failover left it as it was).
                    host.VmRunning = delegate(HostVm vm)
                    {
                        Check.Equal("cs-vm", vm.Name, "the VM asked about");
                        ++seen.RunningAsked;
                        return true;
                    };
                    host.PlanAction = delegate(string plan, string action)
                    {
                        seen.Plan.Add(plan + ":" + action);
                    };

                    // Settings are checked as they are set, with messages naming them.
                    Check.Fails(Status.InvalidArgument, "", delegate { protection.SetInterval(60); });
                    protection.AddDisk(diskPath, folder, "hvr", null);
                    protection.SetInterval(30);
                    protection.SetRecoveryHistory(2);
                    protection.SetAppConsistentFrequency(1);
                    protection.SetResyncWindow(true, 8 * 60, 18 * 60, new[] { DayOfWeek.Monday, DayOfWeek.Tuesday,
                                               DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday });
                    protection.SetFailoverSetting("size", "Standard_D2s_v5");

                    SessionOptions options = new SessionOptions
                    {
                        Host = host,
                        Job = delegate(Job job)
                        {
                            lock (seen.Jobs) seen.Jobs.Add(job);
                            if (seen.ThrowFromJobs) throw new CallerException();
                        },
                    };
                    using (Session session = Session.Protect(engine, state, protection, options))
                    {
                        SessionStatus s = session.GetStatus();
                        Check.Equal(ReplicationState.Enabled, s.State, "state after protection");
                        Check.Equal("enabled", s.StateName, "hvr_replication_state_name");
                        Check.True(!s.Rpo.HasValue && !s.LastReplicated.HasValue, "no recovery point yet");
                        Check.True(seen.Jobs.Any(j => j.Type == "enable_protection" && j.State == "succeeded"),
                                   "the job callback saw protection enabled");

                        // A second opener may look, but not run it.
                        Check.Fails(Status.Conflict, "", delegate { Session.Open(engine, state, null, false); });
                        using (Session reader = Session.Open(engine, state, null, true))
                        {
                            Check.True(reader.ReadOnly, "read-only");
                            Check.Fails(Status.Conflict, "read-only", delegate { reader.ReplicateInitially(null); });
                            Check.Equal(ReplicationState.Enabled, reader.GetStatus().State, "the reader reads the state");
                        }

                        using (Operation<SessionStatus> initial = session.StartReplicateInitially())
                        {
                            s = initial.Result;
                            Check.Equal(ReplicationState.Replicating, s.State, "state after initial replication");
                        }
                        Check.Equal(1, seen.Checkpoints, "one checkpoint");
                        Check.True(seen.Rotations >= 1, "the logs were rotated");
                        Check.Throws<ObjectDisposedException>(delegate { seen.Lent.SetDisk(0, diskPath); });
                        Check.Equal(1UL, s.RecoveryPoints, "the first point");
                        Check.Equal(Health.Normal, s.Health, "health");
                        Check.Equal("normal", s.HealthName, "hvr_health_name");
                        Check.Equal(100.0, s.SyncPercent, "synced");
                        Check.Equal("initial_replication", session.LastJob.Type, "the last job");
                        Check.Equal("succeeded", session.LastJob.State, "it succeeded");

                        for (int i = 0; i < 2; ++i)
                        {
                            GuestWrites(disk, tracker, 20, (byte)('a' + i));
                            CycleReport cycle;
                            if (i == 0)
                            {
                                cycle = session.RunCycle(null);
                            }
                            else
                            {
                                using (Operation<CycleReport> op = session.StartRunCycle()) cycle = op.Result;
                            }
                            Check.True(cycle.Shipped, "cycle " + i + " shipped logs");
                            Check.Equal((ulong)(2 + i), cycle.RecoveryPoint, "cycle " + i + "'s recovery point");
                            Check.Equal(20UL * 4096, cycle.ChangedBytes, "cycle " + i + "'s changed bytes");
                            Check.True(cycle.BytesSent >= cycle.ChangedBytes && cycle.PageWrites > 0, "sent");
                        }
                        VerifyResult verified = session.Verify(null, null);
                        Check.True(verified.Identical, "the latest point equals the disk");
                        Check.True(verified.Json.Contains("\"identical\":true"), verified.Json);
                        // Point 2 (the first cycle's, app-consistent) lacks the second cycle's writes.
                        using (Operation<VerifyResult> op = session.StartVerify("latest-app-consistent"))
                        {
                            Check.True(!op.Result.Identical, "point 2 differs from the disk now");
                            Check.True(op.Result.Json.Contains("\"differing_bytes\":81920"), op.Result.Json);
                        }

                        s = session.GetStatus();
                        Check.Equal(ReplicationState.Replicating, s.State, "replicating");
                        Check.Equal(3UL, s.RecoveryPoints, "three recovery points");
                        Check.Equal(Health.Normal, s.Health, "health normal");
                        Check.Equal(2UL, s.Cycles, "two cycles");
                        Check.True(s.BytesSent >= (100 + 2 * 20) * 4096UL, "bytes sent: " + s.BytesSent);
                        Check.True(s.Rpo.HasValue && s.Rpo.Value < TimeSpan.FromMinutes(5), "an RPO");
                        Check.Equal(Status.Ok, s.LastError, "no error");
                        Check.True(session.StatusJson().Contains("\"state\":\"replicating\""), "status JSON");
                        string points = session.RecoveryPointsJson();
                        Check.True(points.Contains("\"app_consistent\":true"), "the first cycle quiesced: " + points);
                        Check.True(session.JobsJson().Contains("\"type\":\"delta_replication\""), "jobs JSON");
                        lock (seen.Jobs)
                        {
                            Check.True(seen.Jobs.All(j => j.VmName == "cs-vm"), "every job is the VM's");
                            Check.True(seen.Jobs.Any(j => j.Type == "delta_replication" && j.Step != null), "steps reported");
                            // The callback's struct agrees with the JSON beside it.
                            Check.True(seen.Jobs.All(j => j.Json.Contains("\"id\":\"" + j.Id + "\"") &&
                                                          j.Json.Contains("\"state\":\"" + j.State + "\"")),
                                       "each update's struct is its JSON's job");
                            // The list holds the jobs the callback reported, ended, oldest first.
                            Job[] listed = session.Jobs();
                            Check.True(listed.Length > 1 && listed.All(j => !j.IsRunning && j.Ended.HasValue && j.Json == null),
                                       "the jobs listed have ended");
                            Check.True(seen.Jobs.Where(j => !j.IsRunning)
                                               .All(j => listed.Any(l => l.Id == j.Id && l.State == j.State && l.Ended == j.Ended)),
                                       "the list has each job the callback saw end, as it ended");
                            Check.True(listed.Any(j => j.Type == "delta_replication" && j.Step != null), "a cycle listed");
                        }
                        Check.True(session.NextDue().HasValue, "a cycle is due by itself");
                        Check.True(!session.RunDue(null), "nothing due yet: the next cycle is half a minute away");

                        // A callback's exception never unwinds into the library: the call gets a
                        // failure status, the session records it, the caller gets the exception.
                        HostRotateCallback rotate = host.RotateLogs;
                        host.RotateLogs = delegate { throw new CallerException(); };
                        Check.Throws<CallerException>(delegate { session.RunCycle(null); });
                        s = session.GetStatus();
                        Check.Equal(Status.Internal, s.LastError, "the library saw a failed callback");
                        Check.Equal(Health.Critical, s.Health, "an administrator must act");
                        Check.True(session.StatusJson().Contains("rotate logs callback"), "the message names the callback");
                        session.ClearError();
                        Check.Equal(Health.Normal, session.GetStatus().Health, "cleared");
                        // An HvrException from a callback tells the library its status, which it classes.
                        host.RotateLogs = delegate { throw new HvrException(Status.Network, "link down", "test"); };
                        HvrException network = Check.Throws<HvrException>(delegate { session.RunCycle(null); });
                        Check.Equal("link down", network.Message, "the callback's own exception");
                        s = session.GetStatus();
                        Check.Equal(Status.Network, s.LastError, "recorded as a network failure");
                        Check.True(s.FailingSince.HasValue && s.Health == Health.Warning, "retried: health warning");
                        host.RotateLogs = rotate;
                        // A job callback's exception comes back the same way once the call is done:
                        // this cycle ships the empty log the rotation closed, and succeeds.
                        seen.ThrowFromJobs = true;
                        Check.Throws<CallerException>(delegate { session.RunCycle(null); });
                        seen.ThrowFromJobs = false;
                        s = session.GetStatus();
                        Check.True(s.LastError == Status.Ok && s.Health == Health.Normal, "recovered");
                        Check.Equal(4UL, s.RecoveryPoints, "a point for the empty log");
                        Check.Equal(3UL, s.Cycles, "three cycles");

                        // Test failover and its cleanup.
                        string test = session.TestFailover(null);
                        Check.True(test.Contains("\"test\":true"), test);
                        Check.Equal(1, seen.AzureCreated, "the host created the test VM");
                        Check.Equal(ReplicationState.Replicating, session.GetStatus().State, "replication goes on");
                        session.CleanupTestFailover();
                        Check.Equal(1, seen.AzureDeleted, "the host deleted the test VM");

                        // A scheduler that finds nothing due.
                        using (Scheduler scheduler = new Scheduler(engine))
                        {
                            scheduler.Add(session);
                            scheduler.Remove(session);
                        }

                        // A test failover by recovery plan, with its actions around the group.
                        using (Plan plan = new Plan("cs-plan"))
                        {
                            int group = plan.AddGroup();
                            plan.AddVm(group, session);
                            plan.AddAction(group, false, "before");
                            plan.AddAction(group, true, "after");
                            Check.Fails(Status.InvalidArgument, "no group 7", delegate { plan.AddVm(7, session); });
                            string outcome = plan.Run(PlanFailover.Test, null, host);
                            Check.True(outcome.Contains("\"succeeded\":true"), outcome);
                            Check.Equal("cs-plan:before,cs-plan:after", string.Join(",", seen.Plan), "the plan's actions");
                            Check.Equal(2, seen.AzureCreated, "the plan's test VM");
                            session.CleanupTestFailover();
                        }

                        // Fail over, commit.
                        string failedOver;
                        using (Operation<string> op = session.StartFailover("latest-app-consistent", false))
                            failedOver = op.Result;
                        Check.True(failedOver.Contains("\"point_id\":\"2\""), failedOver);
                        Check.True(failedOver.Contains("\"size\":\"Standard_D2s_v5\""), failedOver);
                        Check.Equal(3, seen.AzureCreated, "the host created the VM");
                        Check.Equal(ReplicationState.FailedOver, session.GetStatus().State, "failed over");
                        Check.Fails(Status.InvalidReplicaState, "failed_over", delegate { session.RunCycle(null); });
                        session.CommitFailover();
                        s = session.GetStatus();
                        Check.Equal(ReplicationState.FailoverCommitted, s.State, "failover committed");
                        Check.Equal("failover_committed", s.StateName, "its name");
                        Check.Equal(0UL, s.RecoveryPoints, "the points are gone");

                        // Not into the disks of the VM that runs; to a folder, whether it runs or not.
                        byte[] untouched = File.ReadAllBytes(diskPath);
                        Check.Fails(Status.Conflict, "shut it down", delegate { session.FailbackSync(null); });
                        Check.Equal(1, seen.RunningAsked, "the host was asked whether the VM runs");
                        Check.Bytes(untouched, File.ReadAllBytes(diskPath), "the running VM's disk is untouched");

                        // Fail back to a folder, commit, protect again.
                        string back = dir.File("back");
                        string report = session.FailbackSync(back);
                        Check.True(report.Contains("\"completed\":false"), report);
                        using (Operation<string> op = session.StartFailbackComplete(back))
                            report = op.Result;
                        Check.True(report.Contains("\"completed\":true"), report);
                        Check.Equal(1, seen.AzureStopped, "the host stopped the Azure VM");
                        Check.Equal(1, seen.Started, "the host started the VM on premises");
                        Check.Equal(1, seen.RunningAsked, "failback to a folder does not ask");
                        Check.Equal(ReplicationState.FailedBack, session.GetStatus().State, "failed back");
                        // The failed-over point was the first cycle's: the 'x' and 'a' writes.
                        byte[] expected = File.ReadAllBytes(diskPath);
                        GuestWritesInto(expected, 20, (byte)'a');
                        using (Disk returned = Disk.Open(Path.Combine(back, "cs-vm-disk0.vhdx")))
                            Check.Bytes(expected, returned.Read(0, (int)Size), "the failed-back disk holds point 2");
                        session.CommitFailback();
                        Check.Equal(3, seen.AzureDeleted, "the Azure VM deleted (after the two test VMs)");
                        session.Reverse();
                        s = session.GetStatus();
                        Check.Equal(ReplicationState.Replicating, s.State, "protected again");
                        Check.Equal(1UL, s.RecoveryPoints, "from the failback point");
                    }
                }
            }
        }

        // The 'b' writes of the second cycle undone: what point 2 holds, from the disk as it is.
        private static void GuestWritesInto(byte[] disk, int count, byte fill)
        {
            for (int i = 0; i < count; ++i)
            {
                int offset = ((i * 131) % 4096) * 4096;
                for (int k = 0; k < 4096; ++k) disk[offset + k] = fill;
            }
        }

        // The defaults the module relies on: a private engine, the default host (disks
        // nothing writes), handles disposed in any order.
        [Fact]
        public void ReplicationDefaultsAndLifetimes()
        {
            using (TempDir dir = new TempDir())
            {
                string diskPath = dir.File("d.raw"), state = dir.File("state");
                Disk.CreateRaw(diskPath, 4 * MiB);
                using (Disk disk = Disk.OpenWritable(diskPath)) disk.Write(MiB, Pattern(4096, 21));
                Session session;
                Host host = new Host();
                Engine engine = new Engine();
                using (Protection protection = new Protection("defaults-vm", dir.File("store")))
                {
                    protection.AddDisk(diskPath);
                    session = Session.Protect(engine, state, protection, new SessionOptions { Host = host });
                }
                // The session keeps its engine and host until it is closed.
                engine.Dispose();
                host.Dispose();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                using (session)
                {
                    session.ReplicateInitially(null);
                    Check.True(!session.RunCycle(null).Shipped, "the default host rotates nothing: no logs");
                    Check.True(session.Verify("latest", null).Identical, "identical");
                    // PowerShell passes $null to a string parameter as "": both mean the C API's NULL.
                    Check.True(session.Verify("", null).Identical, "an empty point is the latest");
                }
                using (Store store = Store.Open(dir.File("store")))
                {
                    store.Download("defaults-vm-disk0", "", dir.File("back.raw"), false, null, null);
                    byte[] back = File.ReadAllBytes(dir.File("back.raw"));
                    Check.Bytes(File.ReadAllBytes(diskPath), back.Take((int)(4 * MiB)).ToArray(),
                                "the replica, downloaded without a point (\"\")");
                }
                // A private engine per session, as the cmdlets open them.
                using (Session again = Session.Open(state, false))
                using (Session reader = Session.Open(null, state, null, true))
                {
                    Check.Equal(ReplicationState.Replicating, reader.GetStatus().State, "read through a second engine");
                    Check.True(again.RecoveryPointsJson().Contains("\"sequence\":1"), "the first point");
                    Check.Fails(Status.Conflict, "read-only", delegate { reader.RunDue(null); });
                }
                Check.Fails(Status.NotFound, "", delegate { Session.Open(dir.File("nowhere"), true); });
            }
        }

        // ---- helpers ----------------------------------------------------------------------

        internal static byte[] Pattern(int length, int seed)
        {
            byte[] bytes = new byte[length];
            uint x = (uint)seed * 2654435761u + 1u;
            for (int i = 0; i < length; ++i)
            {
                x = x * 1664525u + 1013904223u;
                bytes[i] = (byte)((x >> 24) | 1);  // never zero, so data never reads as a hole
            }
            return bytes;
        }

        private static void Record(ChangeTracker tracker, byte[] disk, ulong offset, byte[] data)
        {
            tracker.Record(offset, data);
            Array.Copy(data, 0, disk, (long)offset, data.Length);
        }
    }
}
