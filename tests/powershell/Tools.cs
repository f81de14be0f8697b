// Independent tools the tests check the module against: qemu-img and qemu-io make and read
// images (Debian's qemu-utils, which scripts/install-deps.sh installs).
using System.Diagnostics;

namespace HvReplication.Tests;

public static class Tools
{
    public const int MiB = 1 << 20;

    public static string Run(string program, params string[] arguments)
    {
        ProcessStartInfo start = new(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
        return output;
    }

    // A dynamic VHDX of `size` bytes in 1 MiB blocks with `pattern` written over
    // [offset, offset + length).
    public static void MakeVhdx(string path, string size, long offset, long length, byte pattern)
    {
        Run("qemu-img", "create", "-q", "-f", "vhdx", "-o", "block_size=1M", path, size);
        Write(path, "vhdx", offset, length, pattern);
    }

    public static void Write(string path, string format, long offset, long length, byte pattern) =>
        Run("qemu-io", "-f", format, "-c", $"write -P {pattern} {offset} {length}", path);

    // qemu-img compare: true when the two images hold the same bytes.
    public static bool SameContent(string a, string formatA, string b, string formatB)
    {
        ProcessStartInfo start = new("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string s in new[] { "compare", "-q", "-f", formatA, "-F", formatB, a, b }) start.ArgumentList.Add(s);
        using Process process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
