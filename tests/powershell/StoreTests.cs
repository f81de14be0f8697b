// Replica stores, a local folder and Azurite on 127.0.0.1: upload, list, recovery points,
// download, copy, logs applied to a replica, deletion.
using System.Management.Automation;
using Xunit;
using static HvReplication.Tests.Properties;
using static HvReplication.Tests.Tools;

namespace HvReplication.Tests;

public sealed class StoreTests : IClassFixture<PowerShellSession>, IClassFixture<Azurite>
{
    private readonly PowerShellSession ps;
    private readonly Azurite azurite;

    public StoreTests(PowerShellSession ps, Azurite azurite)
    {
        this.ps = ps;
        this.azurite = azurite;
    }


    private string Target(string kind, string name) =>
        kind == "azurite" ? azurite.ConnectionString(name) : Path.GetDirectoryName(ps.Path($"stores/{name}/x"))!;

    [Theory]
    [InlineData("folder")]
    [InlineData("azurite")]
    public void Sends_checkpoints_receives_copies_and_removes_replica_disks(string kind)
    {
        string work = Path.GetDirectoryName(ps.Path($"{kind}/x"))!;
        string target = Target(kind, kind + "-disks");
        string image = Path.Combine(work, "disk0.vhdx");
        Tools.MakeVhdx(image, "8M", 0, MiB, 0x5a);

        PSObject options = ps.Run("New-HvrStoreOption -MaxInFlight 4 -IoTimeoutSec 60").Output.Single();
        Views.AssertTableView(ps, options);
        ps.Run("Get-Item $args[0] | Send-HvrDisk -Target $args[1] -WhatIf", image, target);
        Assert.Empty(ps.Run("Get-HvrReplicaDisk -Target $args[0]", target).Output);

        // A piped file is sent under its base name.
        PSObject sent = ps.Run("Get-Item $args[0] | Send-HvrDisk -Target $args[1] -StoreOption $args[2]", image, target, options)
            .Output.Single();
        Assert.Equal("disk0", Get<string>(sent, "Name"));
        Assert.Equal((ulong)MiB, Get<ulong>(sent, "BytesSent"));
        // Write-Progress shows the bytes the library reports, then completes.
        ScriptResult again = ps.Run("Send-HvrDisk -Path $args[0] -Target $args[1] -Name progress0", image, target);
        ProgressRecord shown = again.Progress.Last(p => p.RecordType == ProgressRecordType.Processing);
        Assert.StartsWith("Uploading " + image, shown.Activity);
        Assert.Equal(100, shown.PercentComplete);
        Assert.Equal(ProgressRecordType.Completed, again.Progress.Last().RecordType);
        ps.Run("Remove-HvrReplicaDisk -Target $args[0] -Name progress0 -Confirm:$false", target);
        Views.AssertTableView(ps, sent);
        Assert.DoesNotContain("AccountKey", ps.Run("Get-HvrReplicaDisk -Target $args[0] | Out-String", target).Output.Single().ToString());

        // One disk found, one missing: the missing one is a non-terminating error.
        ScriptResult listed = ps.Run("'disk0', 'nope' | ForEach-Object { [pscustomobject]@{ Name = $_ } } | " +
                                     "Get-HvrReplicaDisk -Target $args[0]", target);
        Assert.Equal("disk0", Get<string>(listed.Output.Single(), "Name"));
        Views.AssertTableView(ps, listed.Output.Single());
        Assert.Contains("no replica disk 'nope'", Assert.Single(listed.Errors).ToString());

        PSObject point = ps.Run("Checkpoint-HvrReplicaDisk -Target $args[0] -Name disk0 -ApplicationConsistent", target)
            .Output.Single();
        string id = Get<string>(point, "Id");
        Assert.True(Get<bool>(point, "ApplicationConsistent"));
        PSObject listedPoint = ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0", target).Output.Single();
        Assert.Equal(id, Get<string>(listedPoint, "Id"));
        Views.AssertTableView(ps, listedPoint);

        // The point, piped: downloaded as a fixed VHD, and copied to a new replica disk.
        string restored = Path.Combine(work, "restored.vhd");
        ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0 | Receive-HvrDisk -Target $args[0] -DestinationPath $args[1]",
               target, restored);
        Assert.True(Tools.SameContent(restored, "vpc", image, "vhdx"), "the recovery point holds the disk");
        PSObject copy = ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0 | " +
                               "Copy-HvrReplicaDisk -Target $args[0] -DestinationName copy0", target).Output.Single();
        Assert.Equal("copy0", Get<string>(copy, "Name"));
        string copied = Path.Combine(work, "copy0.raw");
        ps.Run("Receive-HvrDisk -Target $args[0] -Name copy0 -DestinationPath $args[1] -NoFooter", target, copied);
        Assert.True(Tools.SameContent(copied, "raw", image, "vhdx"), "the copy holds the point");

        // Logs applied to the replica disk, with a new recovery point.
        string logs = Path.Combine(work, "logs");
        Directory.CreateDirectory(logs);
        ps.Run(@"
            $tracker = [Hvr.ChangeTracker]::Open($args[0], 8MB, [guid]::NewGuid(), $null)
            try { $tracker.Record(2MB, [byte[]]@(9) * 4096); $tracker.Close() } finally { $tracker.Dispose() }", logs);
        ps.Run("Get-ChildItem -Path $args[0] -Filter *.hrl | Update-HvrReplicaDisk -Target $args[1] -Name disk0 -Checkpoint",
               logs, target);
        Assert.Equal(2, ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0", target).Output.Count);
        Tools.Write(image, "vhdx", 2 * MiB, 4096, 9);
        string updated = Path.Combine(work, "updated.raw");
        ps.Run("Receive-HvrDisk -Target $args[0] -Name disk0 -DestinationPath $args[1] -NoFooter", target, updated);
        Assert.True(Tools.SameContent(updated, "raw", image, "vhdx"), "the replica holds the logged write");

        // Deletions confirm by default; -Confirm:$false goes ahead.
        ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0 | Remove-HvrRecoveryPoint -Target $args[0] -WhatIf", target);
        Assert.Equal(2, ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0", target).Output.Count);
        ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0 | Remove-HvrRecoveryPoint -Target $args[0] -Confirm:$false",
               target);
        Assert.Empty(ps.Run("Get-HvrRecoveryPoint -Target $args[0] -DiskName disk0", target).Output);
        ps.Run("Get-HvrReplicaDisk -Target $args[0] | Remove-HvrReplicaDisk -Target $args[0] -Confirm:$false", target);
        Assert.Empty(ps.Run("Get-HvrReplicaDisk -Target $args[0]", target).Output);
    }

    [Fact]
    public void A_failure_names_the_store_and_keeps_the_key_secret()
    {
        string target = azurite.ConnectionString("errors");
        // One disk missing among those piped in: a non-terminating error for it, and the
        // command goes on to the next (which is missing too here, so both are reported).
        ScriptResult result = ps.Run("@{ DiskName = 'missing' }, @{ DiskName = 'absent' } | ForEach-Object { [pscustomobject]$_ } | " +
                                     "Receive-HvrDisk -Target $args[0] -DestinationPath $args[1]",
                                     target, ps.Path("errors/missing.vhd"));
        Assert.Equal(new object[] { "missing", "absent" }, result.Errors.Select(e => e.TargetObject));
        foreach (ErrorRecord error in result.Errors)
        {
            Assert.Equal("Hvr.not_found", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.DoesNotContain("Eby8vdM02", error.ToString());
        }
    }
}
