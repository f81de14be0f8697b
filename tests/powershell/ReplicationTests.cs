// A protected VM on a local folder, with the library's default host: enable, initial
// replication, a cycle, status, statistics, jobs, resync, a test failover and its cleanup,
// failover and commit, failback and its commit, reverse replication. The cmdlets take each
// VM's -StateDir from the pipeline, as Get-ChildItem -Directory and their own objects give it.
using System.Management.Automation;
using System.Text.RegularExpressions;
using Xunit;
using static HvReplication.Tests.Properties;
using static HvReplication.Tests.Tools;

namespace HvReplication.Tests;

public sealed class ReplicationTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession ps;

    public ReplicationTests(PowerShellSession ps) { this.ps = ps; }


    [Fact]
    public void Protects_replicates_fails_over_and_back_and_reverses()
    {
        string work = Path.GetDirectoryName(ps.Path("vm/x"))!;
        string disk = Path.Combine(work, "disk0.vhdx"), store = Path.Combine(work, "store");
        string vms = Path.Combine(work, "vms"), stateDir = Path.Combine(vms, "vm1");
        Directory.CreateDirectory(store);
        Tools.MakeVhdx(disk, "8M", 0, MiB, 0x5a);

        ps.Run("Get-Item $args[0] | Enable-HvrReplication -VMName vm1 -Target $args[1] -StateDir $args[2] -WhatIf",
               disk, store, stateDir);
        Assert.False(Directory.Exists(stateDir), "-WhatIf protects nothing");
        ps.Run("Get-Item $args[0] | Enable-HvrReplication -VMName vm1 -Target $args[1] -StateDir $args[2] " +
               "-ReplicationFrequencySec 30 -RecoveryHistoryHours 2", disk, store, stateDir);
        Assert.Equal("Enabled", ps.ReplicationState(stateDir));

        // Write-Progress shows the session's job as the library reports it, then completes.
        ScriptResult initial = ps.Run("Get-ChildItem -Path $args[0] -Directory | Start-HvrInitialReplication", vms);
        string activity = "Initial replication (" + stateDir + ")";
        // Each record names a step of the job (and its bytes while the library counts them);
        // the last step is shown even when the whole copy took less than a tick.
        Assert.All(initial.Progress, p => Assert.Equal(activity, p.Activity));
        var steps = ps.Run("Get-HvrJob -StateDir $args[0] -Type initial_replication | ForEach-Object { $_.Steps.Name }", stateDir)
            .Output.Select(o => o.ToString()).ToList();
        var shown = initial.Progress.Where(p => p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, p => Assert.Contains(Regex.Replace(p.StatusDescription, @": [\d,]+ of [\d,]+ bytes$", ""), steps));
        Assert.Equal(steps.Last(), shown.Last().StatusDescription);
        Assert.Equal(ProgressRecordType.Completed, initial.Progress.Last().RecordType);
        Assert.Equal(activity, initial.Progress.Last().Activity);
        PSObject cycle = ps.Run("Get-ChildItem -Path $args[0] -Directory | Start-HvrReplicationCycle", vms).Output.Single();
        Assert.Equal(stateDir, Get<string>(cycle, "StateDir"));
        Views.AssertTableView(ps, cycle);

        PSObject status = ps.Run("Get-ChildItem -Path $args[0] -Directory | Get-HvrReplication", vms).Output.Single();
        Assert.Equal("vm1", Get<string>(status, "VMName"));
        Assert.Equal("Replicating", Get<string>(status, "State"));
        Assert.Equal("Normal", Get<string>(status, "Health"));
        // Get-VMReplication's columns, and the disks nested in the status.
        Assert.Equal(new[] { "VMName", "State", "Health", "FrequencySec", "LastReplicationTime", "RPO", "RecoveryPoints", "Store" },
                     Views.AssertTableView(ps, status));
        Views.AssertTableView(ps, PSObject.AsPSObject(Get<object[]>(status, "Disks").Single()));
        Assert.DoesNotContain(store, ps.Run("$args[0] | Format-List * | Out-String", status).Output.Single().ToString()
                                       .Replace("local:" + store, ""));
        PSObject measured = ps.Run("Get-HvrReplication -StateDir $args[0] | Measure-HvrReplication", stateDir).Output.Single();
        Assert.Equal("vm1", Get<string>(measured, "VMName"));
        // Measure-VMReplication's columns.
        Assert.Equal(new[] { "VMName", "State", "Health", "LReplTime", "PReplSize(M)", "AvgLatency", "AvgReplSize(M)", "Failures" },
                     Views.AssertTableView(ps, measured));
        var jobs = ps.Run("Get-HvrReplication -StateDir $args[0] | Get-HvrJob", stateDir).Output;
        Assert.Contains(jobs, j => Get<string>(j, "Type") == "initial_replication" && Get<string>(j, "State") == "succeeded");
        Views.AssertTableView(ps, jobs[0]);
        Views.AssertTableView(ps, PSObject.AsPSObject(Get<object[]>(jobs[0], "Steps").First()));
        var points = ps.Run("Get-HvrRecoveryPoint -StateDir $args[0]", stateDir).Output;
        Assert.NotEmpty(points);
        Views.AssertTableView(ps, points[0]);

        ps.Run("Resume-HvrReplication -StateDir $args[0] -Resynchronize -WhatIf", stateDir);
        Assert.DoesNotContain(ps.Run("Get-HvrJob -StateDir $args[0]", stateDir).Output, j => Get<string>(j, "Type") == "resynchronization");
        ps.Run("Resume-HvrReplication -StateDir $args[0] -Resynchronize -Reason 'checked by hand'", stateDir);
        Assert.Contains(ps.Run("Get-HvrJob -StateDir $args[0]", stateDir).Output, j => Get<string>(j, "Type") == "resynchronization");
        ps.Run("Resume-HvrReplication -StateDir $args[0]", stateDir);
        Assert.Equal("Replicating", ps.ReplicationState(stateDir));
        // A directory that is not a VM's, piped before this one: reported, and this one shown.
        ScriptResult both = ps.Run("$args | Get-HvrReplication", Path.GetDirectoryName(ps.Path("notavm/x"))!, stateDir);
        Assert.Equal("Replicating", Get<string>(both.Output.Single(), "State"));
        Assert.Single(both.Errors);

        // A test failover from the last point, piped, and its cleanup: replication goes on.
        PSObject test = ps.Run("Get-HvrRecoveryPoint -StateDir $args[0] | Select-Object -Last 1 | Start-HvrFailover -Test -Confirm:$false",
                               stateDir).Output.Single();
        Assert.True(Get<bool>(test, "Test"));
        Assert.Equal("vm1-test", Get<string>(test, "VMName"));
        Views.AssertTableView(ps, test);
        Views.AssertTableView(ps, PSObject.AsPSObject(Get<object[]>(test, "Disks").Single()));
        ps.Run("Stop-HvrTestFailover -StateDir $args[0]", stateDir);
        Assert.Equal("Replicating", ps.ReplicationState(stateDir));

        ps.Run("Start-HvrFailover -StateDir $args[0] -WhatIf", stateDir);
        Assert.Equal("Replicating", ps.ReplicationState(stateDir));
        // A failover asks first (ConfirmImpact High), with or without -Confirm; this host
        // cannot answer, so nothing happens.
        foreach (string asking in new[] { "Start-HvrFailover -StateDir $args[0]", "Start-HvrFailover -StateDir $args[0] -Confirm" })
        {
            ps.TryRun(asking, out RuntimeException? refused, stateDir);
            Assert.NotNull(refused);
            Assert.Contains("request confirmation", refused!.Message);
            Assert.Equal("Replicating", ps.ReplicationState(stateDir));
        }
        PSObject failover = ps.Run("Start-HvrFailover -StateDir $args[0] -Confirm:$false", stateDir).Output.Single();
        Assert.False(Get<bool>(failover, "Test"));
        // A failover is committed only as one: -Failback is refused, and nothing goes.
        AssertRefusedCommit("Complete-HvrFailover -StateDir $args[0] -Failback -Confirm:$false", stateDir, "without -Failback");
        Assert.Equal("FailedOver", ps.ReplicationState(stateDir));
        Assert.NotEmpty(ps.Run("Get-HvrRecoveryPoint -StateDir $args[0]", stateDir).Output);
        ps.Run("Complete-HvrFailover -StateDir $args[0] -Confirm:$false", stateDir);
        Assert.Equal("FailoverCommitted", ps.ReplicationState(stateDir));
        Assert.Empty(ps.Run("Get-HvrRecoveryPoint -StateDir $args[0]", stateDir).Output);

        // Failback to the original disk, synchronised first, then completed and committed.
        Assert.False(Get<bool>(ps.Run("Start-HvrFailback -StateDir $args[0] -SyncOnly", stateDir).Output.Single(), "Completed"));
        PSObject failback = ps.Run("Start-HvrFailback -StateDir $args[0]", stateDir).Output.Single();
        Assert.True(Get<bool>(failback, "Completed"));
        Views.AssertTableView(ps, failback);
        Views.AssertTableView(ps, PSObject.AsPSObject(Get<object[]>(failback, "Disks").Single()));
        // A failback is committed only with -Failback.
        AssertRefusedCommit("Complete-HvrFailover -StateDir $args[0] -Confirm:$false", stateDir, "-Failback commits the failback");
        ps.Run("Set-HvrReplication -StateDir $args[0] -Reverse -WhatIf", stateDir);
        Assert.Equal("FailedBack", ps.ReplicationState(stateDir));
        ps.Run("Set-HvrReplication -StateDir $args[0] -Reverse", stateDir);
        Assert.Equal("Replicating", ps.ReplicationState(stateDir));
        ps.Run("Complete-HvrFailover -StateDir $args[0] -Failback -Confirm:$false", stateDir);
        Assert.Contains(ps.Run("Get-HvrJob -StateDir $args[0] -Type commit_failback", stateDir).Output,
                        j => Get<string>(j, "State") == "succeeded");
        Assert.Equal("Replicating", ps.ReplicationState(stateDir));
    }

    // The wrong commit: an Hvr.invalid_replica_state error naming the VM and the right call.
    private void AssertRefusedCommit(string script, string stateDir, string hint)
    {
        ErrorRecord refused = Assert.Single(ps.Run(script, stateDir).Errors);
        Assert.Equal("Hvr.invalid_replica_state", refused.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains(stateDir, refused.Exception.Message);
        Assert.Contains(hint, refused.Exception.Message);
    }

    // A failing VM's error has the library's message and status and names the state
    // directory; in a pipeline it is non-terminating, so the next VM is still handled.
    [Fact]
    public void A_failure_is_an_error_with_the_library_status()
    {
        string missing = Path.GetDirectoryName(ps.Path("novm/x"))!;
        string other = Path.GetDirectoryName(ps.Path("novm2/x"))!;
        ScriptResult result = ps.Run("$args | Start-HvrReplicationCycle", missing, other);
        Assert.Empty(result.Output);
        Assert.Equal(new object[] { missing, other }, result.Errors.Select(e => e.TargetObject));
        foreach (ErrorRecord error in result.Errors)
        {
            Assert.StartsWith("Hvr.", error.FullyQualifiedErrorId);
            Assert.Contains((string)error.TargetObject, error.Exception.Message);
        }
    }
}
