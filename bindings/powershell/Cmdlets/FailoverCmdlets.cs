// Failover and failback, shaped like the Hyper-V module's Start-VMFailover,
// Complete-VMFailover and Stop-VMFailover, and the VM's recovery points Start-HvrFailover
// takes (Set-HvrReplication -Reverse is in LifecycleCmdlets.cs).
using System;
using System.Linq;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    [Cmdlet(VerbsLifecycle.Start, "HvrFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
            DefaultParameterSetName = UnplannedSet)]
    [OutputType("Hvr.FailoverVM", "System.Management.Automation.Job")]
    [CmdletHelp("Fails a protected VM over to Azure, like Start-VMFailover.",
        "Copies a recovery point to new disks and has the host create the VM. Unplanned by default (-RecoveryPoint: " +
        "an Id from Get-HvrRecoveryPoint -StateDir, 'latest' or 'latest-app-consistent'); -Planned has the host " +
        "shut the VM down and ships its last writes first; -Test creates a test VM while replication goes on " +
        "(Stop-HvrTestFailover removes it). Asks first (ConfirmImpact High; -Confirm:$false in scripts). A " +
        "failover is never cancelled half way: Ctrl+C waits for it, and a crash resumes it. -AsJob outputs a job " +
        "instead, once confirmed; Receive-Job gives the failover VM.")]
    [HelpExample("Start-HvrFailover -StateDir D:\\hvr\\sql01 -Test", "A test VM from the latest point.")]
    [HelpExample("Start-HvrFailover -StateDir D:\\hvr\\sql01 -Test -AsJob -Confirm:$false | Wait-Job | Receive-Job",
        "The same as a background job.")]
    [HelpExample("Start-HvrFailover -StateDir D:\\hvr\\sql01 -RecoveryPoint latest-app-consistent",
        "Fails over to the latest application-consistent point, after asking.")]
    public sealed class StartHvrFailoverCommand : SessionCmdlet
    {
        private const string UnplannedSet = "Unplanned";
        private const string PlannedSet = "Planned";
        private const string TestSet = "Test";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp(StateDirHelp)]
        public string StateDir { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = PlannedSet)]
        [ParameterHelp("A planned failover: the host shuts the VM down and its last writes are shipped first.")]
        public SwitchParameter Planned { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = TestSet)]
        [ParameterHelp("A test failover: a test VM while replication goes on.")]
        public SwitchParameter Test { get; set; }

        [Parameter(ParameterSetName = UnplannedSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = TestSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ParameterHelp("The recovery point: an Id, 'latest' (default) or 'latest-app-consistent'; from the pipeline, a point's Id.")]
        public string RecoveryPoint { get { return point; } set { point = value; } }
        private string point = "latest";

        [Parameter]
        [ParameterHelp(HostHelp)]
        public Host HvrHost { get; set; }

        [Parameter]
        [ParameterHelp(CmdletJob.AsJobHelp)]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            string what = Planned ? "Planned failover"
                        : (Test ? "Test failover" : "Failover") + " to recovery point " + RecoveryPoint;
            ForItem(StateDir, () =>
            {
                if (!ShouldProcess(StateDir, what)) return;
                if (AsJob)
                {
                    WriteJobFor(StateDir);
                    return;
                }
                using (Session session = OpenSession(StateDir, false, HvrHost))
                {
                    Operation<string> operation = Test ? session.StartTestFailover(RecoveryPoint)
                                                       : session.StartFailover(Planned ? null : RecoveryPoint, Planned);
                    WriteObject(FailoverVM(Wait(operation, session, what + " (" + StateDir + ")"), session.StateDir));
                }
            });
        }

        private PSObject FailoverVM(string json, string stateDir)
        {
            PSObject vm = FromJson(json).Single();
            var disks = Items(Field(vm, "disks")).Select(disk => NewObject("Hvr.FailoverDisk",
                "Name", Field(disk, "name"),
                "Location", Field(disk, "location"),
                "VirtualSize", Convert.ToUInt64(Field(disk, "virtual_size")))).ToArray();
            return NewObject("Hvr.FailoverVM",
                "VMName", Field(vm, "vm_name"),
                "RecoveryPointId", Field(vm, "point_id"),
                "RecoveryPointTime", ToDate(Field(vm, "point_time")),
                "ApplicationConsistent", Field(vm, "app_consistent"),
                "Test", Field(vm, "test"),
                "Planned", Field(vm, "planned"),
                "Disks", disks,
                "Settings", Field(vm, "settings"),
                "StateDir", stateDir);
        }
    }

    [Cmdlet(VerbsLifecycle.Complete, "HvrFailover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Commits a failover, or with -Failback a failback, like Complete-VMFailover.",
        "A failover: the VM's recovery points are deleted and it runs from the failed-over disks for good. A " +
        "completed failback (-Failback): the host deletes the Azure VM and the failed-over disks are deleted. " +
        "Each is committed only when named: a VM that failed back is refused without -Failback, and a VM that " +
        "failed over is refused with it, so a script never deletes what it did not mean to. Asks first " +
        "(ConfirmImpact High).")]
    [HelpExample("Complete-HvrFailover -StateDir D:\\hvr\\sql01", "Commits sql01's failover, after asking.")]
    [HelpExample("Complete-HvrFailover -StateDir D:\\hvr\\sql01 -Failback -Confirm:$false",
        "Commits sql01's failback: the Azure VM and the failed-over disks go.")]
    public sealed class CompleteHvrFailoverCommand : VMChangeCmdlet
    {
        [Parameter]
        [ParameterHelp("Commits a completed failback (the VM failed back, or protected again since) rather than a failover.")]
        public SwitchParameter Failback { get; set; }

        protected override void ProcessRecord()
        {
            ForEachVM(dir =>
            {
                RefuseTheOtherCommit(dir);
                if (!ShouldProcess(dir, Failback ? "Commit the failback: delete the Azure VM and the failed-over disks"
                                                 : "Commit the failover: delete the recovery points")) return;
                using (Session session = OpenSession(dir, false, HvrHost))
                {
                    if (Failback) session.CommitFailback();
                    else session.CommitFailover();
                    WriteObject(Replication(session));
                }
            });
        }

        // A failover and a failback both end in this cmdlet, and each deletes something else:
        // the state the VM is in must be the one the command names. Looked up read-only, so
        // that -WhatIf changes nothing; the library refuses every other state with its reason.
        private void RefuseTheOtherCommit(string dir)
        {
            ReplicationState state;
            using (Session reader = OpenSession(dir, true, null)) state = reader.GetStatus().State;
            if (Failback && state == ReplicationState.FailedOver)
                throw new HvrException(Status.InvalidReplicaState, dir + ": the VM is failed over, not failed back; " +
                                       "Complete-HvrFailover without -Failback commits the failover", "Complete-HvrFailover");
            if (!Failback && state == ReplicationState.FailedBack)
                throw new HvrException(Status.InvalidReplicaState, dir + ": the VM has failed back; " +
                                       "Complete-HvrFailover -Failback commits the failback", "Complete-HvrFailover");
        }
    }

    [Cmdlet(VerbsLifecycle.Stop, "HvrTestFailover", SupportsShouldProcess = true)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Removes a test failover's VM and disks, like Stop-VMFailover.",
        "The host deletes the test VM and its disks are deleted; replication, which went on, is not touched.")]
    [HelpExample("Stop-HvrTestFailover -StateDir D:\\hvr\\sql01", "Cleans up sql01's test failover.")]
    public sealed class StopHvrTestFailoverCommand : VMChangeCmdlet
    {
        protected override void ProcessRecord()
        {
            ChangeEachVM("Remove the test failover VM and its disks", false, (session, dir) => session.CleanupTestFailover());
        }
    }

    [Cmdlet(VerbsLifecycle.Start, "HvrFailback", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType("Hvr.Failback")]
    [CmdletHelp("Fails a failed-over VM back on premises.",
        "To its original disks, or (-DestinationPath) to new VHDX files in a folder. -SyncOnly brings the disks up " +
        "to date while the Azure VM runs (repeatable, each run moving what changed since the last); without it " +
        "the host stops the Azure VM, a last sync follows, the replica becomes the failback point and the host " +
        "starts the VM on premises. Then Set-HvrReplication -Reverse protects it again, and Complete-HvrFailover " +
        "deletes the failed-over disks.")]
    [HelpExample("Start-HvrFailback -StateDir D:\\hvr\\sql01 -DestinationPath D:\\VMs\\sql01-back -SyncOnly",
        "Synchronises new disks in D:\\VMs\\sql01-back while the Azure VM runs.")]
    public sealed class StartHvrFailbackCommand : SessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp(StateDirHelp)]
        public string StateDir { get; set; }

        [Parameter]
        [ParameterHelp("A folder for new VHDX files (default: the original disks).")]
        public string DestinationPath { get; set; }

        [Parameter]
        [ParameterHelp("Only synchronises the disks while the Azure VM runs; repeatable.")]
        public SwitchParameter SyncOnly { get; set; }

        [Parameter]
        [ParameterHelp(HostHelp)]
        public Host HvrHost { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(StateDir, () =>
            {
                string folder = string.IsNullOrEmpty(DestinationPath) ? null : ResolvePath(DestinationPath);
                string to = folder ?? "the original disks";
                string what = SyncOnly ? "Synchronise " + to + " with the failed-over disks" : "Fail back to " + to;
                if (!ShouldProcess(StateDir, what)) return;
                using (Session session = OpenSession(StateDir, false, HvrHost))
                {
                    Operation<string> operation = SyncOnly ? session.StartFailbackSync(folder) : session.StartFailbackComplete(folder);
                    PSObject report = FromJson(Wait(operation, session, what + " (" + StateDir + ")")).Single();
                    var disks = Items(Field(report, "disks")).Select(disk => NewObject("Hvr.FailbackDisk",
                        "Destination", Field(disk, "destination"),
                        "Method", Field(disk, "method"),
                        "BytesRead", Convert.ToUInt64(Field(disk, "bytes_read")),
                        "BytesWritten", Convert.ToUInt64(Field(disk, "bytes_written")))).ToArray();
                    WriteObject(NewObject("Hvr.Failback",
                        "Completed", Field(report, "completed"),
                        "Disks", disks,
                        "State", session.GetStatus().State,
                        "StateDir", session.StateDir));
                }
            });
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrRecoveryPoint", DefaultParameterSetName = DiskSet)]
    [OutputType(StoreCmdlet.RecoveryPointType, "Hvr.VMRecoveryPoint")]
    [CmdletHelp("Shows the recovery points of replica disks in a store, or (-StateDir) of a protected VM, oldest first.",
        "A VM's points are its disks' points taken together; their Id is what Start-HvrFailover -RecoveryPoint " +
        "takes. A disk or VM that cannot be read is a non-terminating error and the next one is shown.")]
    [HelpExample("Get-HvrReplicaDisk -Target $store | Get-HvrRecoveryPoint -Target $store", "Every point of every disk.")]
    [HelpExample("Get-HvrRecoveryPoint -StateDir /var/lib/hvr/sql01 | Where-Object ApplicationConsistent | Select-Object -Last 1 |\n" +
                 "    Start-HvrFailover -Test",
        "A test failover to sql01's latest application-consistent point.")]
    public sealed class GetHvrRecoveryPointCommand : SessionCmdlet
    {
        private const string DiskSet = "Disk";
        private const string VMSet = "VM";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DiskSet)]
        [ParameterHelp(StoreCmdlet.TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = DiskSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ParameterHelp("The replica disks; from the pipeline, Name or DiskName.")]
        public string[] DiskName { get; set; }

        [Parameter(ParameterSetName = DiskSet)]
        [ParameterHelp(StoreCmdlet.StoreOptionHelp)]
        public StoreOptions StoreOption { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = VMSet, ValueFromPipelineByPropertyName = true)]
        [ParameterHelp(StateDirHelp)]
        public string[] StateDir { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == VMSet)
            {
                foreach (string dir in StateDir) ForItem(dir, () => WriteVMPoints(dir));
                return;
            }
            foreach (string name in DiskName)
                ForItem(name, () =>
                {
                    using (Store store = OpenStore(Target, StoreOption))
                        WriteObject(StoreCmdlet.RecoveryPoints(this, store, name), true);
                });
        }

        private void WriteVMPoints(string dir)
        {
            using (Session session = OpenSession(dir, true, null))
            {
                object vmName = Field(FromJson(session.StatusJson()).Single(), "vm_name");
                foreach (PSObject point in FromJson(session.RecoveryPointsJson()))
                    WriteObject(NewObject("Hvr.VMRecoveryPoint",
                        "VMName", vmName,
                        "Id", Field(point, "id"),
                        "Sequence", Convert.ToUInt64(Field(point, "sequence")),
                        "Created", ToDate(Field(point, "created")),
                        "SourceTime", ToDate(Field(point, "source_time")),
                        "ApplicationConsistent", Field(point, "app_consistent"),
                        "Snapshots", Items(Field(point, "snapshots")).ToArray(),
                        "StateDir", session.StateDir));
            }
        }
    }
}
