// The Azure store through P/Invoke, against Azurite on loopback: the log callback the
// store keeps is called from library threads after collections, and never after Dispose.
using System;
using System.IO;
using System.Linq;
using System.Threading;
using Hvr;
using HvReplication.Tests;
using Xunit;

namespace HvReplication.Layer.Tests
{
    public sealed class AzuriteTests : LayerTest
    {
        [Fact]
        public void UploadAndDownloadWithLog()
        {
            using (TempDir dir = new TempDir())
            using (Azurite azurite = new Azurite())
                Run(dir, azurite.ConnectionString("replicas"));
        }

        private static void Run(TempDir dir, string target)
        {
            string image = dir.File("image.raw");
            byte[] content = ScenarioTests.Pattern(6 << 20, 21);
            Array.Clear(content, 1 << 20, 2 << 20);  // a hole that is never sent
            File.WriteAllBytes(image, content);
            long lines = 0;
            StoreOptions options = new StoreOptions
            {
                MaxInFlight = 4,
                Log = delegate(LogLevel level, string message)
                {
                    Check.True(!message.Contains(Azurite.AccountKey), "no key in the log");
                    Interlocked.Increment(ref lines);
                },
            };
            Store store = Store.Open(target, options);
            options = null;  // only the store holds the callback now
            for (int i = 0; i < 3; ++i)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            TransferStats stats;
            using (Operation<TransferStats> upload = store.StartUpload(image, "disk0"))
            {
                while (!upload.Wait(5)) GC.Collect();
                stats = upload.Result;
            }
            Check.Equal(6UL << 20, stats.VirtualSize, "virtual size");
            Check.Equal(4UL << 20, stats.BytesSent, "the hole was not sent");
            Check.True(Interlocked.Read(ref lines) > 0, "requests were logged from library threads");
            store.Download("disk0", null, dir.File("back.vhd"), true, null, null);
            byte[] back = File.ReadAllBytes(dir.File("back.vhd"));
            Check.Bytes(content, back.Take(content.Length).ToArray(), "downloaded from Azurite");
            store.DeleteDisk("disk0");
            store.Dispose();
            long closed = Interlocked.Read(ref lines);
            GC.Collect();
            Thread.Sleep(200);
            Check.Equal(closed, Interlocked.Read(ref lines), "no log line after Dispose");
        }
    }
}
