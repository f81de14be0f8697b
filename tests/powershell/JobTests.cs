// -AsJob: Start-HvrInitialReplication, Start-HvrFailover and Resume-HvrReplication as PowerShell
// jobs. Stop-Job stops a copy (held at 4 MB/s by the VM's bandwidth limit, so that it is still
// running) through the library's cancellation, a rerun resumes it, and Wait-Job and Receive-Job
// give what the cmdlet gives without -AsJob.
using System.Diagnostics;
using System.Management.Automation;
using Xunit;
using static HvReplication.Tests.Properties;
using static HvReplication.Tests.Tools;

namespace HvReplication.Tests;

public sealed class JobTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession ps;

    public JobTests(PowerShellSession ps) { this.ps = ps; }

    private string JobState(PSObject job) => ps.Run("[string]$args[0].JobStateInfo.State", job).Output.Single().ToString();

    [Fact]
    public void Stop_job_cancels_initial_replication_and_jobs_give_the_cmdlets_output()
    {
        string work = Path.GetDirectoryName(ps.Path("jobs/x"))!;
        string disk = Path.Combine(work, "disk0.vhdx"), store = Path.Combine(work, "store");
        string stateDir = Path.Combine(work, "vms", "vm1");
        Directory.CreateDirectory(store);
        Tools.MakeVhdx(disk, "128M", 0, 64 * MiB, 0x5a);
        ps.Run("Enable-HvrReplication -VMName vm1 -Path $args[0] -Target $args[1] -StateDir $args[2] " +
               "-MaxInFlight 2 -WorkHoursBytesPerSecond 4MB -NonWorkHoursBytesPerSecond 4MB", disk, store, stateDir);

        // Sixteen seconds of copying at 4 MB/s, two writes in flight: stopped after the first
        // progress, it ends once the writes in flight are sent.
        PSObject job = ps.Run("Start-HvrInitialReplication -StateDir $args[0] -AsJob", stateDir).Output.Single();
        Assert.Equal("HvrJob", Get<string>(job, "PSJobTypeName"));
        Assert.Contains(Get<int>(job, "Id"), ps.Run("Get-Job").Output.Select(j => Get<int>(j, "Id")));
        var clock = Stopwatch.StartNew();
        while (JobState(job) == "Running" && ps.Run("$args[0].Progress.Count", job).Output.Single().ToString() == "0")
            Thread.Sleep(50);
        Assert.Equal("Running", JobState(job));
        ps.Run("$args[0] | Stop-Job", job);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), "Stop-Job stopped the copy before its end, after " + clock.Elapsed);
        Assert.Equal("Stopped", JobState(job));
        Assert.Equal("InitialReplication", ps.ReplicationState(stateDir));

        // The limit lifted, a job resumes the copy; Receive-Job gives the replication.
        ps.Run("Set-HvrReplication -StateDir $args[0] -WorkHoursBytesPerSecond 0 -NonWorkHoursBytesPerSecond 0", stateDir);
        ScriptResult resumed = ps.Run("Start-HvrInitialReplication -StateDir $args[0] -AsJob | Wait-Job | Receive-Job", stateDir);
        Assert.Empty(resumed.Errors);
        PSObject replication = resumed.Output.Single();
        Assert.Equal("Hvr.Replication", replication.TypeNames[0]);
        Assert.Equal("Replicating", Get<string>(replication, "State"));
        Assert.Equal("Completed", JobState(ps.Run("Get-Job | Select-Object -Last 1").Output.Single()));

        // A test failover as a job, confirmed before it starts.
        PSObject test = ps.Run("Start-HvrFailover -StateDir $args[0] -Test -AsJob -Confirm:$false | Wait-Job | Receive-Job",
                               stateDir).Output.Single();
        Assert.True(Get<bool>(test, "Test"));
        ps.Run("Stop-HvrTestFailover -StateDir $args[0]", stateDir);
        ps.Run("Start-HvrFailover -StateDir $args[0] -Test -AsJob -WhatIf", stateDir);
        Assert.Equal(3, ps.Run("Get-Job").Output.Count);

        // A resync as a job gives the replication, back to Replicating.
        ScriptResult resync = ps.Run("Resume-HvrReplication -StateDir $args[0] -Resynchronize -AsJob | Wait-Job | Receive-Job",
                                     stateDir);
        Assert.Empty(resync.Errors);
        Assert.Equal("Replicating", Get<string>(resync.Output.Single(), "State"));
        Assert.Equal("Completed", JobState(ps.Run("Get-Job | Select-Object -Last 1").Output.Single()));
        ps.Run("Get-Job | Remove-Job");
    }
}
