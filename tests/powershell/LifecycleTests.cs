// The life of a protection on a local folder: its settings changed, suspended and resumed,
// removed with and without its replicas. -WhatIf changes nothing; a VM that fails in a
// pipeline is reported and the next one handled.
using System.Management.Automation;
using System.Text.RegularExpressions;
using Xunit;
using static HvReplication.Tests.Properties;
using static HvReplication.Tests.Tools;

namespace HvReplication.Tests;

public sealed class LifecycleTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession ps;

    public LifecycleTests(PowerShellSession ps) { this.ps = ps; }

    private PSObject Status(string stateDir) => ps.Run("Get-HvrReplication -StateDir $args[0]", stateDir).Output.Single();

    private string[] ReplicaNames(string store) =>
        ps.Run("Get-HvrReplicaDisk -Target $args[0] | ForEach-Object Name", store).Output
          .Select(o => (string)o.BaseObject).OrderBy(n => n).ToArray();

    private string Folder(string name) => Path.GetDirectoryName(ps.Path(name + "/x"))!;

    // A VM protected every 30 seconds and copied once; returns its state directory.
    private string Protect(string name, string store)
    {
        string work = Folder(name);
        string disk = Path.Combine(work, "disk0.vhdx"), stateDir = Path.Combine(work, "state");
        Tools.MakeVhdx(disk, "8M", 0, MiB, 0x3c);
        // Piped: Enable-HvrReplication lets the VM go before the next command opens it.
        ScriptResult copied = ps.Run("Enable-HvrReplication -VMName $args[0] -Path $args[1] -Target $args[2] " +
                                     "-StateDir $args[3] -ReplicationFrequencySec 30 | Start-HvrInitialReplication",
                                     name, disk, store, stateDir);
        Assert.Empty(copied.Errors);
        Assert.Equal("Replicating", Get<string>(copied.Output.Single(), "State"));
        return stateDir;
    }

    [Fact]
    public void Import_takes_a_vm_over_from_its_replicas_after_its_state_directory_is_lost()
    {
        string store = Folder("import-store"), stateDir = Protect("importvm", store);
        string disk = Path.Combine(Folder("importvm"), "disk0.vhdx");
        Directory.Delete(stateDir, true);
        const string import = "Import-HvrReplication -VMName $args[0] -Path $args[1] -Target $args[2] -StateDir $args[3]";

        ps.Run(import + " -WhatIf", "importvm", disk, store, stateDir);
        Assert.False(Directory.Exists(stateDir));
        // Replicas of another VM name are not found, and nothing is made.
        ps.TryRun(import, out RuntimeException? other, "othervm", disk, store, stateDir);
        Assert.Contains("replica disk 'othervm-disk0'", other!.Message);
        Assert.False(Directory.Exists(stateDir));

        ScriptResult imported = ps.Run(import + " -ReplicationFrequencySec 30", "importvm", disk, store, stateDir);
        Assert.Empty(imported.Errors);
        PSObject status = imported.Output.Single();
        // The library's host keeps no logs, so none proves the replica current: a resync
        // compares it, and sends nothing, the disk being unchanged.
        Assert.Equal("ResyncRequired", Get<string>(status, "State"));
        Assert.Equal(1, Get<int>(status, "RecoveryPoints"));
        ScriptResult resynced = ps.Run("Resume-HvrReplication -StateDir $args[0] -Resynchronize", stateDir);
        Assert.Empty(resynced.Errors);
        status = Status(stateDir);
        Assert.Equal("Replicating", Get<string>(status, "State"));
        Assert.Equal(2, Get<int>(status, "RecoveryPoints"));
        Assert.Equal(0UL, Get<ulong>(status, "BytesSent"));
        Assert.Contains(ps.Run("Get-HvrJob -StateDir $args[0]", stateDir).Output,
                        j => Get<string>(j, "Type") == "enable_protection" && Get<string>(j, "State") == "succeeded");
        // The same import run again (after a kill past its last step) converges on what it
        // made; another VM in that state directory is refused.
        Assert.Empty(ps.Run(import, "importvm", disk, store, stateDir).Errors);
        ps.TryRun(import, out RuntimeException? other2, "othervm", disk, store, stateDir);
        Assert.Contains("holds the relationship of VM 'importvm'", other2!.Message);
    }

    [Fact]
    public void Enable_with_seed_compares_a_copy_the_target_holds()
    {
        string work = Folder("seedvm"), store = Folder("seed-store");
        string disk = Path.Combine(work, "disk0.vhdx"), stateDir = Path.Combine(work, "state");
        Tools.MakeVhdx(disk, "8M", 0, MiB, 0x5e);
        Assert.Empty(ps.Run("Send-HvrDisk -Path $args[0] -Target $args[1] -Name seedvm-disk0", disk, store).Errors);
        const string enable = "Enable-HvrReplication -VMName seedvm -Path $args[0] -Target $args[1] -StateDir $args[2]";

        // Without -Seed, a disk this relationship did not make is refused.
        ps.TryRun(enable, out RuntimeException? refused, disk, store, stateDir);
        Assert.Contains("did not create", refused!.Message);
        ScriptResult seeded = ps.Run(enable + " -Seed | Start-HvrInitialReplication", disk, store, stateDir);
        Assert.Empty(seeded.Errors);
        PSObject status = seeded.Output.Single();
        Assert.Equal("Replicating", Get<string>(status, "State"));
        Assert.Equal(0UL, Get<ulong>(status, "BytesSent"));  // the seed was the disk: nothing differed
    }

    [Fact]
    public void Set_changes_only_the_settings_given()
    {
        string store = Folder("set-store"), stateDir = Protect("setvm", store);
        Assert.Equal(30, Get<int>(Status(stateDir), "ReplicationFrequencySec"));
        Assert.Equal(24, Get<int>(Status(stateDir), "RecoveryHistoryHours"));

        ps.Run("Set-HvrReplication -StateDir $args[0] -ReplicationFrequencySec 900 -WhatIf", stateDir);
        Assert.Equal(30, Get<int>(Status(stateDir), "ReplicationFrequencySec"));

        PSObject changed = ps.Run("Get-Item $args[0] | Set-HvrReplication -ReplicationFrequencySec 900", stateDir)
                             .Output.Single();
        Assert.Equal(900, Get<int>(changed, "ReplicationFrequencySec"));
        PSObject status = Status(stateDir);
        Assert.Equal(900, Get<int>(status, "ReplicationFrequencySec"));
        Assert.Equal(24, Get<int>(status, "RecoveryHistoryHours"));
        Assert.Contains(ps.Run("Get-HvrJob -StateDir $args[0]", stateDir).Output,
                        j => Get<string>(j, "Type") == "change_settings" && Get<string>(j, "State") == "succeeded");

        // A value out of range is the library's error, and nothing changes.
        Assert.Single(ps.Run("Set-HvrReplication -StateDir $args[0] -ReplicationFrequencySec 60", stateDir).Errors);
        Assert.Equal(900, Get<int>(Status(stateDir), "ReplicationFrequencySec"));
        // Nothing to change is refused before any VM is touched.
        ps.TryRun("Set-HvrReplication -StateDir $args[0]", out RuntimeException? nothing, stateDir);
        Assert.NotNull(nothing);
        Assert.Contains("changes nothing", nothing!.Message);
        // A target that is not the replicas' store is refused, and the VM keeps its own.
        string elsewhere = Folder("set-elsewhere");
        ScriptResult moved = ps.Run("Set-HvrReplication -StateDir $args[0] -Target $args[1]", stateDir, elsewhere);
        Assert.Single(moved.Errors);
        Assert.Contains(store, Get<string>(Status(stateDir), "Store"));
        // The same folder, given again, is proven and saved.
        Assert.Empty(ps.Run("Set-HvrReplication -StateDir $args[0] -Target $args[1]", stateDir, store).Errors);
        Assert.Equal("Normal", Get<string>(Status(stateDir), "Health"));
    }

    // The link model as the relationship saved it (STATE/settings.json).
    private static (ulong, uint) SavedLink(string stateDir)
    {
        Match link = Regex.Match(File.ReadAllText(Path.Combine(stateDir, "settings.json")),
                                 "\"link\":\\{\"bytes_per_second\":(\\d+),\"requests_per_second\":(\\d+)\\}");
        Assert.True(link.Success, "settings.json holds no link");
        return (ulong.Parse(link.Groups[1].Value), uint.Parse(link.Groups[2].Value));
    }

    [Fact]
    public void The_link_is_given_to_Enable_and_changed_whole_by_Set()
    {
        string store = Folder("link-store"), work = Folder("linkvm");
        string disk = Path.Combine(work, "disk0.vhdx"), stateDir = Path.Combine(work, "state");
        Tools.MakeVhdx(disk, "8M", 0, MiB, 0x3c);
        Assert.Empty(ps.Run("Enable-HvrReplication -VMName linkvm -Path $args[0] -Target $args[1] -StateDir $args[2] " +
                            "-LinkBytesPerSecond 125000000 -LinkRequestsPerSecond 400", disk, store, stateDir).Errors);
        Assert.Equal((125_000_000UL, 400U), SavedLink(stateDir));

        // Given whole, by the names of the CLI's options too: the rate left out takes its default.
        Assert.Empty(ps.Run("Set-HvrReplication -StateDir $args[0] -LinkRequestRate 250", stateDir).Errors);
        Assert.Equal((12_500_000UL, 250U), SavedLink(stateDir));

        // Out of range: the library's error naming the setting and its range; nothing changes.
        ScriptResult refused = ps.Run("Set-HvrReplication -StateDir $args[0] -LinkBandwidth 1000", stateDir);
        Assert.Contains("link bandwidth must be 125000 to 12500000000 bytes a second", refused.Errors.Single().ToString());
        Assert.Equal((12_500_000UL, 250U), SavedLink(stateDir));
    }

    [Fact]
    public void Set_RemoveDisk_stops_replicating_a_disk_and_deletes_its_replica_when_asked()
    {
        string store = Folder("rmdisk-store"), work = Folder("rmdiskvm");
        string disk0 = Path.Combine(work, "disk0.vhdx"), disk1 = Path.Combine(work, "disk1.vhdx");
        string stateDir = Path.Combine(work, "state");
        Tools.MakeVhdx(disk0, "8M", 0, MiB, 0x3c);
        Tools.MakeVhdx(disk1, "8M", 0, MiB, 0x5a);
        Assert.Empty(ps.Run("Enable-HvrReplication -VMName rmdiskvm -Path $args[0],$args[1] -Target $args[2] " +
                            "-StateDir $args[3] -ReplicationFrequencySec 30 | Start-HvrInitialReplication",
                            disk0, disk1, store, stateDir).Errors);
        Assert.Equal(new[] { "rmdiskvm-disk0", "rmdiskvm-disk1" }, ReplicaNames(store));

        ps.Run("Set-HvrReplication -StateDir $args[0] -RemoveDisk rmdiskvm-disk1 -WhatIf", stateDir);
        Assert.Equal(2, ((object[])Get<object>(Status(stateDir), "Disks")).Length);
        // -DeleteReplica alone is refused before any VM is touched.
        ps.TryRun("Set-HvrReplication -StateDir $args[0] -DeleteReplica", out RuntimeException? alone, stateDir);
        Assert.NotNull(alone);
        Assert.Contains("-RemoveDisk", alone!.Message);

        PSObject changed = ps.Run("Set-HvrReplication -StateDir $args[0] -RemoveDisk rmdiskvm-disk1 -DeleteReplica",
                                  stateDir).Output.Single();
        var disks = (object[])Get<object>(changed, "Disks");
        Assert.Equal("rmdiskvm-disk0", Get<string>(PSObject.AsPSObject(Assert.Single(disks)), "ReplicaDiskName"));
        Assert.Equal(new[] { "rmdiskvm-disk0" }, ReplicaNames(store));
        Assert.Contains(ps.Run("Get-HvrJob -StateDir $args[0]", stateDir).Output,
                        j => Get<string>(j, "Type") == "remove_disk" && Get<string>(j, "State") == "succeeded");
        // The last disk stays: removing protection is Remove-HvrReplication.
        ScriptResult last = ps.Run("Set-HvrReplication -StateDir $args[0] -RemoveDisk $args[1]", stateDir, disk0);
        Assert.Contains("unprotect", Assert.Single(last.Errors).Exception.Message);
        Assert.Empty(ps.Run("Start-HvrReplicationCycle -StateDir $args[0]", stateDir).Errors);
    }

    [Fact]
    public void Set_AddDisk_copies_only_the_new_disk_and_refuses_a_bad_one()
    {
        string store = Folder("adddisk-store"), work = Folder("adddiskvm");
        string disk0 = Path.Combine(work, "disk0.vhdx"), disk1 = Path.Combine(work, "disk1.vhdx");
        string stateDir = Path.Combine(work, "state");
        Tools.MakeVhdx(disk0, "8M", 0, MiB, 0x3c);
        Tools.MakeVhdx(disk1, "8M", 0, MiB, 0x5a);
        Assert.Empty(ps.Run("Enable-HvrReplication -VMName adddiskvm -Path $args[0] -Target $args[1] " +
                            "-StateDir $args[2] -ReplicationFrequencySec 30 | Start-HvrInitialReplication",
                            disk0, store, stateDir).Errors);
        ulong sentBefore = Get<ulong>(Status(stateDir), "BytesSent");

        ps.Run("Set-HvrReplication -StateDir $args[0] -AddDisk $args[1] -WhatIf", stateDir, disk1);
        Assert.Single((object[])Get<object>(Status(stateDir), "Disks"));
        // A disk that does not open is refused, naming it, and nothing changes.
        string missing = Path.Combine(work, "missing.vhdx");
        ScriptResult bad = ps.Run("Set-HvrReplication -StateDir $args[0] -AddDisk $args[1]", stateDir, missing);
        Assert.Contains(missing, Assert.Single(bad.Errors).Exception.Message);
        Assert.Equal(new[] { "adddiskvm-disk0" }, ReplicaNames(store));

        PSObject changed = ps.Run("Set-HvrReplication -StateDir $args[0] -AddDisk $args[1]", stateDir, disk1)
                               .Output.Single();
        var disks = (object[])Get<object>(changed, "Disks");
        Assert.Equal(2, disks.Length);
        Assert.Equal("adddiskvm-disk1", Get<string>(PSObject.AsPSObject(disks[1]), "ReplicaDiskName"));
        Assert.Equal(new[] { "adddiskvm-disk0", "adddiskvm-disk1" }, ReplicaNames(store));
        // All that was sent is the new disk's: one MiB written in it.
        Assert.Equal(sentBefore + (ulong)MiB, Get<ulong>(Status(stateDir), "BytesSent"));
        Assert.Contains(ps.Run("Get-HvrJob -StateDir $args[0]", stateDir).Output,
                        j => Get<string>(j, "Type") == "add_disk" && Get<string>(j, "State") == "succeeded");
        Assert.Empty(ps.Run("Start-HvrReplicationCycle -StateDir $args[0]", stateDir).Errors);
    }

    [Fact]
    public void Suspend_stops_replication_until_resume()
    {
        string store = Folder("suspend-store"), stateDir = Protect("suspvm", store);

        ps.Run("Suspend-HvrReplication -StateDir $args[0] -WhatIf", stateDir);
        Assert.Null(Get<object>(Status(stateDir), "SuspendedSince"));

        PSObject suspended = ps.Run("Get-HvrReplication -StateDir $args[0] | Suspend-HvrReplication", stateDir).Output.Single();
        Assert.NotNull(Get<object>(suspended, "SuspendedSince"));
        Assert.Equal("Warning", Get<string>(Status(stateDir), "Health"));
        ScriptResult refused = ps.Run("Start-HvrReplicationCycle -StateDir $args[0]", stateDir);
        Assert.Empty(refused.Output);
        Assert.Contains("suspended", Assert.Single(refused.Errors).Exception.Message);

        ps.Run("Resume-HvrReplication -StateDir $args[0] -WhatIf", stateDir);
        Assert.NotNull(Get<object>(Status(stateDir), "SuspendedSince"));
        PSObject resumed = ps.Run("Resume-HvrReplication -StateDir $args[0]", stateDir).Output.Single();
        Assert.Null(Get<object>(resumed, "SuspendedSince"));
        Assert.Equal("Normal", Get<string>(Status(stateDir), "Health"));
        ScriptResult cycle = ps.Run("Start-HvrReplicationCycle -StateDir $args[0]", stateDir);
        Assert.Empty(cycle.Errors);
        Assert.Single(cycle.Output);
        var jobs = ps.Run("Get-HvrJob -StateDir $args[0] | ForEach-Object Type", stateDir).Output.Select(o => (string)o.BaseObject);
        Assert.Contains("suspend", jobs);
        Assert.Contains("resume", jobs);
    }

    [Fact]
    public void Remove_deletes_the_state_and_the_replicas_only_when_asked()
    {
        string store = Folder("remove-store");
        string kept = Protect("keptvm", store), deleted = Protect("gonevm", store);
        string[] replicas = ReplicaNames(store);
        Assert.Equal(2, replicas.Length);

        ps.Run("Remove-HvrReplication -StateDir $args[0] -DeleteReplicas -WhatIf", deleted);
        Assert.True(Directory.Exists(deleted), "-WhatIf removes nothing");
        // Removal asks first (ConfirmImpact High); this host cannot answer, so nothing happens.
        ps.TryRun("Remove-HvrReplication -StateDir $args[0]", out RuntimeException? asked, kept);
        Assert.NotNull(asked);
        Assert.Contains("request confirmation", asked!.Message);
        Assert.True(Directory.Exists(kept));

        PSObject before = ps.Run("Get-Item $args[0] | Remove-HvrReplication -PassThru -Confirm:$false", kept).Output.Single();
        Assert.Equal("keptvm", Get<string>(before, "VMName"));
        Assert.False(Directory.Exists(kept), "the state directory is gone");
        Assert.Equal(replicas, ReplicaNames(store));

        // A folder that is not a VM's, piped before the VM, is reported and left; the VM is removed.
        string notVM = Folder("notavm");
        File.WriteAllText(Path.Combine(notVM, "keep.txt"), "not hvr's");
        ScriptResult both = ps.Run("$args | Remove-HvrReplication -DeleteReplicas -Confirm:$false", notVM, deleted);
        Assert.Equal(notVM, Assert.Single(both.Errors).TargetObject);
        Assert.True(File.Exists(Path.Combine(notVM, "keep.txt")));
        Assert.False(Directory.Exists(deleted), "the state directory is gone");
        Assert.Equal(replicas.Where(n => n.StartsWith("keptvm")), ReplicaNames(store));
    }
}
