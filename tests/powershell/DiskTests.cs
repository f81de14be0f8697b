// Virtual disks, manifests and chunk diffs, and replica logs, on images qemu-img made.
using System.Management.Automation;
using Xunit;
using static HvReplication.Tests.Properties;
using static HvReplication.Tests.Tools;

namespace HvReplication.Tests;

public sealed class DiskTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession ps;

    public DiskTests(PowerShellSession ps) { this.ps = ps; }


    [Fact]
    public void Reads_and_tests_disks_from_the_pipeline()
    {
        string a = ps.Path("read/a.vhdx"), b = ps.Path("read/b.vhdx");
        Tools.MakeVhdx(a, "8M", 0, MiB, 0x5a);
        Tools.MakeVhdx(b, "16M", 4 * MiB, MiB, 7);

        var disks = ps.Run("Get-ChildItem -Path $args[0] -Filter *.vhdx | Get-HvrDisk", Path.GetDirectoryName(a)!).Output;
        Assert.Equal(new[] { a, b }, disks.Select(d => Get<string>(d, "Path")));
        Assert.Equal(new ulong[] { 8 * MiB, 16 * MiB }, disks.Select(d => Get<ulong>(d, "Size")));
        Assert.All(disks, d => Assert.Equal("Vhdx", Get<string>(d, "VhdFormat")));
        Assert.Equal((ulong)MiB, Get<ulong>(disks[0], "AllocatedSize"));
        Views.AssertTableView(ps, disks[0]);

        Assert.Equal(new[] { true, true },
                     ps.Run("Get-ChildItem -Path $args[0] -Filter *.vhdx | Test-HvrDisk", Path.GetDirectoryName(a)!)
                         .Output.Select(o => (bool)o.BaseObject));
        // A file whose name says VHDX but is not one.
        string bad = ps.Path("read/bad.vhdx");
        File.WriteAllText(bad, "not a disk");
        Assert.False((bool)ps.Run("Test-HvrDisk -Path $args[0]", bad).Output.Single().BaseObject);
        // An image that does not open is reported, and the pipeline goes on, as Get-VHD does.
        ScriptResult listed = ps.Run("$args | Get-HvrDisk", a, bad, b);
        Assert.Equal(new[] { a, b }, listed.Output.Select(d => Get<string>(d, "Path")));
        ErrorRecord error = Assert.Single(listed.Errors);
        Assert.StartsWith("Hvr.", error.FullyQualifiedErrorId);
        Assert.Contains(bad, error.Exception.Message);
        Assert.Equal(bad, error.TargetObject);
    }

    [Fact]
    public void Creates_converts_and_merges_disks()
    {
        string dynamic = ps.Path("make/new.vhdx");
        ps.Run("New-HvrDisk -Path $args[0] -SizeBytes 4MB -WhatIf", dynamic);
        Assert.False(File.Exists(dynamic), "-WhatIf creates nothing");
        PSObject made = ps.Run("New-HvrDisk -Path $args[0] -SizeBytes 4MB", dynamic).Output.Single();
        Assert.Equal("Dynamic", Get<string>(made, "VhdType"));
        Assert.Contains("virtual size: 4 MiB", Tools.Run("qemu-img", "info", "-f", "vhdx", dynamic));

        string fixedVhd = ps.Path("make/fixed.vhd");
        PSObject fixedDisk = ps.Run("New-HvrDisk -Path $args[0] -SizeBytes 4MB -Fixed -VhdFormat VHD", fixedVhd).Output.Single();
        Assert.Equal("Vhd", Get<string>(fixedDisk, "VhdFormat"));
        Assert.Equal("Fixed", Get<string>(fixedDisk, "VhdType"));
        Assert.Contains("virtual size: 4 MiB", Tools.Run("qemu-img", "info", "-f", "vpc", fixedVhd));

        // A child of a written parent, written again, merged back: the parent then holds both.
        string parent = ps.Path("make/parent.vhdx"), child = ps.Path("make/child.avhdx");
        Tools.MakeVhdx(parent, "8M", 0, MiB, 1);
        PSObject childDisk = ps.Run("New-HvrDisk -Path $args[0] -ParentPath $args[1] -Differencing", child, parent).Output.Single();
        Assert.Equal(parent, Get<string>(childDisk, "ParentPath"));
        // qemu cannot write differencing VHDX: the guest's write goes through the library.
        ps.Run("$d = [Hvr.Disk]::OpenWritable($args[0]); try { $d.Write(2MB, [byte[]]@(2) * 1MB); $d.Flush() } " +
               "finally { $d.Dispose() }", child);
        string expected = ps.Path("make/expected.raw");
        Tools.Run("qemu-img", "convert", "-f", "vhdx", "-O", "raw", parent, expected);
        using (FileStream f = File.OpenWrite(expected))
        {
            f.Position = 2 * MiB;
            f.Write(Enumerable.Repeat((byte)2, MiB).ToArray());
        }

        string raw = ps.Path("make/child.raw");
        PSObject converted = ps.Run("Get-Item $args[0] | Convert-HvrDisk -DestinationPath $args[1] -Passthru", child, raw).Output.Single();
        Assert.Equal("Raw", Get<string>(converted, "VhdFormat"));
        Assert.True(Tools.SameContent(raw, "raw", expected, "raw"), "the converted chain holds the child's bytes");

        ps.Run("Merge-HvrDisk -Path $args[0] -WhatIf", child);
        Assert.True(File.Exists(child), "-WhatIf merges nothing");
        PSObject merged = ps.Run("Merge-HvrDisk -Path $args[0] -Passthru", child).Output.Single();
        Assert.Equal(parent, Get<string>(merged, "Path"));
        Assert.False(File.Exists(child), "the child is gone once merged");
        Assert.True(Tools.SameContent(parent, "vhdx", expected, "raw"), "the parent holds the merged bytes");
    }

    [Fact]
    public void Builds_manifests_and_compares_disks()
    {
        string a = ps.Path("diff/a.vhdx"), b = ps.Path("diff/b.vhdx"), manifest = ps.Path("diff/a.manifest");
        Tools.MakeVhdx(a, "8M", 0, MiB, 0x5a);
        Tools.MakeVhdx(b, "8M", 0, MiB, 0x5a);
        Tools.Write(b, "vhdx", 4 * MiB, 64 * 1024, 7);

        PSObject built = ps.Run("New-HvrManifest -Path $args[0] -DestinationPath $args[1] -ChunkSizeBytes 256KB", a, manifest)
            .Output.Single();
        Assert.Equal(32UL, Get<ulong>(built, "ChunkCount"));
        Assert.Equal(28UL, Get<ulong>(built, "ZeroChunks"));
        PSObject read = ps.Run("Get-Item $args[0] | Get-HvrManifest", manifest).Output.Single();
        Assert.Equal(262144UL, Get<ulong>(read, "ChunkSize"));
        Assert.Equal(8UL * MiB, Get<ulong>(read, "DiskSize"));
        Views.AssertTableView(ps, read);
        // A manifest that does not load is reported and the next one is still read.
        string missing = ps.Path("diff/missing.manifest");
        ScriptResult both = ps.Run("$args | Get-HvrManifest", missing, manifest);
        Assert.Equal(manifest, Get<string>(both.Output.Single(), "Path"));
        Assert.Equal(missing, Assert.Single(both.Errors).TargetObject);

        PSObject disks = ps.Run("Compare-HvrDisk -Path $args[0] -TargetPath $args[1] -ChunkSizeBytes 64KB", a, b).Output.Single();
        Assert.False(Get<bool>(disks, "Identical"));
        Assert.Equal(1UL, Get<ulong>(disks, "DifferingChunks"));
        Views.AssertTableView(ps, disks);

        PSObject toManifest = ps.Run("Compare-HvrDisk -Path $args[0] -ManifestPath $args[1] -IncludeRuns", b, manifest).Output.Single();
        Assert.Equal(1UL, Get<ulong>(toManifest, "DifferingChunks"));
        Assert.Equal("Data [4194304, 4456448)", ps.Run("$args[0].Runs | ForEach-Object { [string]$_ }", toManifest)
                                                     .Output.Single().ToString());

        string other = ps.Path("diff/b.manifest");
        ps.Run("New-HvrManifest -Path $args[0] -DestinationPath $args[1] -ChunkSizeBytes 256KB", b, other);
        PSObject manifests = ps.Run("Compare-HvrDisk -SourceManifestPath $args[0] -ManifestPath $args[1]", other, manifest)
            .Output.Single();
        Assert.Equal(1UL, Get<ulong>(manifests, "DifferingChunks"));
        PSObject same = ps.Run("Compare-HvrDisk -SourceManifestPath $args[0] -ManifestPath $args[0]", manifest).Output.Single();
        Assert.True(Get<bool>(same, "Identical"));
    }

    // Logs written by the library's change tracker (through the module's own C# layer, as a
    // product's host would), then read, checked and applied by the cmdlets.
    [Fact]
    public void Reads_checks_and_applies_replica_logs()
    {
        string folder = ps.Path("logs/hrl/x");
        folder = Path.GetDirectoryName(folder)!;
        string disk = ps.Path("logs/disk.raw");
        File.WriteAllBytes(disk, new byte[8 * MiB]);
        ps.Run(@"
            $options = New-Object Hvr.ChangeTrackerOptions -Property @{ LogName = 'disk0' }
            $tracker = [Hvr.ChangeTracker]::Open($args[0], 8MB, [guid]::NewGuid(), $options)
            try {
                $tracker.Record(0, [byte[]]@(1) * 4096); $null = $tracker.Rotate()
                $tracker.Record(1MB, [byte[]]@(2) * 512); $null = $tracker.Rotate()
                $tracker.Close()
            } finally { $tracker.Dispose() }", folder);

        var logs = ps.Run("Get-HvrReplicaLog -FolderPath $args[0] -LogName disk0", folder).Output;
        Assert.Equal(3, logs.Count);
        Assert.All(logs, l => Assert.True(Get<bool>(l, "IsClosed")));
        Assert.Equal(Get<Guid>(logs[0], "UniqueId"), Get<Guid>(logs[1], "PreviousUniqueId"));
        Views.AssertTableView(ps, logs[0]);

        PSObject entry = ps.Run("Get-HvrReplicaLog -FolderPath $args[0] -LogName disk0 | Select-Object -First 1 | Get-HvrReplicaLogEntry",
                                folder).Output.Single();
        Assert.Equal(0UL, Get<ulong>(entry, "DiskOffset"));
        Assert.Equal(4096UL, Get<ulong>(entry, "Length"));
        Views.AssertTableView(ps, entry);

        Assert.True((bool)ps.Run("Get-HvrReplicaLog -FolderPath $args[0] -LogName disk0 | Test-HvrReplicaLog", folder)
                        .Output.Single().BaseObject);
        // Out of order: $false and the reason as a non-terminating error.
        ScriptResult gap = ps.Run("Get-ChildItem -Path $args[0] -Filter *.hrl | Sort-Object Name -Descending | Test-HvrReplicaLog", folder);
        Assert.False((bool)gap.Output.Single().BaseObject);
        ErrorRecord reason = Assert.Single(gap.Errors);
        Assert.Equal("Hvr.log_chain_gap", reason.FullyQualifiedErrorId.Split(',')[0]);

        ps.Run("Get-HvrReplicaLog -FolderPath $args[0] -LogName disk0 | Update-HvrDisk -Path $args[1] -WhatIf", folder, disk);
        Assert.All(File.ReadAllBytes(disk), b => Assert.Equal(0, b));
        ps.Run("Get-HvrReplicaLog -FolderPath $args[0] -LogName disk0 | Update-HvrDisk -Path $args[1]", folder, disk);
        byte[] bytes = File.ReadAllBytes(disk);
        Assert.All(bytes.Take(4096), b => Assert.Equal(1, b));
        Assert.All(bytes.Skip(MiB).Take(512), b => Assert.Equal(2, b));
        Assert.Equal(0, bytes[4096]);
    }
}
