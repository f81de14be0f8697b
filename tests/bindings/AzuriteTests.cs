// The Azure store through P/Invoke, against Azurite on loopback: the log callback the
// store keeps is called from library threads after collections, and never after Dispose.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Hvr;

namespace HvrBindingsTest
{
    internal static class AzuriteTests
    {
        // The development account's key is public (Azurite's documentation).
        public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

        public static void UploadAndDownload(Options o)
        {
            if (o.Azurite == null || !File.Exists(o.Azurite))
                throw new Exception("Azurite is not installed in .deps/azurite: run scripts/install-deps.sh");
            using (TempDir dir = new TempDir())
            using (Process azurite = Start(o.Azurite, dir))
            {
                try
                {
                    Run(dir, Port(azurite, dir));
                }
                finally
                {
                    if (!azurite.HasExited) azurite.Kill();
                    azurite.WaitForExit();
                }
            }
        }

        private static void Run(TempDir dir, int port)
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
                    Check.True(!message.Contains(Key), "no key in the log");
                    Interlocked.Increment(ref lines);
                },
            };
            string target = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Key +
                             ";BlobEndpoint=http://127.0.0.1:" + port + "/devstoreaccount1;Container=replicas";
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

        private static Process Start(string executable, TempDir dir)
        {
            Directory.CreateDirectory(dir.File("azurite"));
            ProcessStartInfo start = new ProcessStartInfo(executable,
                "--blobHost 127.0.0.1 --blobPort 0 --location \"" + dir.File("azurite") + "\" --disableTelemetry --silent");
            start.UseShellExecute = false;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            // Node must not inherit a sanitizer runtime preloaded for this process.
            start.EnvironmentVariables.Remove("LD_PRELOAD");
            return Process.Start(start);
        }

        // Azurite prints the address it listens on once ready; loaded machines take a while.
        private static int Port(Process azurite, TempDir dir)
        {
            Regex listening = new Regex(@"listens on https?://127\.0\.0\.1:([0-9]+)");
            DateTime deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                string line = azurite.StandardOutput.ReadLine();
                if (line == null) throw new Exception("Azurite exited: " + azurite.StandardError.ReadToEnd());
                Match match = listening.Match(line);
                if (match.Success) return int.Parse(match.Groups[1].Value);
            }
            throw new Exception("Azurite did not start within 90 s");
        }
    }
}
