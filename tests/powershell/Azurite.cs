// The pinned Azurite of .deps/azurite (the file HVR_TEST_AZURITE names), started on
// 127.0.0.1 on a free port with a temporary workspace, as tests/test_util/azurite.cc starts
// it for the C++ tests; stopped when the tests of the class are done.
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace HvReplication.Tests;

public sealed class Azurite : IDisposable
{
    // The development account's key is public (Azurite's documentation).
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process process;
    private readonly string workspace;

    public int Port { get; }

    public Azurite()
    {
        string executable = Environment.GetEnvironmentVariable("HVR_TEST_AZURITE") ??
            throw new InvalidOperationException("HVR_TEST_AZURITE must name .deps/azurite's azurite-blob");
        workspace = Directory.CreateTempSubdirectory("hvr-pwsh-azurite-").FullName;
        ProcessStartInfo start = new(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", workspace,
                                     "--disableTelemetry", "--silent" })
            start.ArgumentList.Add(a);
        // Node must not inherit a sanitizer runtime preloaded into the test process (asan preset).
        start.Environment.Remove("LD_PRELOAD");
        process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        // Azurite prints the address it listens on once it is ready.
        Regex listening = new(@"listens on https?://127\.0\.0\.1:([0-9]+)");
        Task<int> ready = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                Match m = listening.Match(line);
                if (m.Success) return int.Parse(m.Groups[1].Value);
            }
            throw new InvalidOperationException("Azurite exited during start");
        });
        if (!ready.Wait(TimeSpan.FromSeconds(90)))
        {
            Dispose();
            throw new TimeoutException("Azurite did not start within 90 s");
        }
        Port = ready.Result;
        Task.Run(() => process.StandardOutput.ReadToEnd());
    }

    public string ConnectionString(string container) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;Container={container}";

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10000);
        }
        process.Dispose();
        Directory.Delete(workspace, recursive: true);
    }
}
