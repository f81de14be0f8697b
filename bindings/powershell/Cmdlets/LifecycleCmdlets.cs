// The life of a protection, shaped like the Hyper-V module's Set-VMReplication,
// Suspend-VMReplication, Resume-VMReplication and Remove-VMReplication (docs/session.md,
// "Changing, suspending, removing"; docs/powershell.md, "Replication and failover").
using System;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    [Cmdlet(VerbsCommon.Set, "HvrReplication", SupportsShouldProcess = true, DefaultParameterSetName = SettingsSet)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Changes a replication's settings, or with -Reverse protects a failed-back VM again, like Set-VMReplication.",
        "Changes only the settings given: the target's credential (-Target: a new account key, SAS or service " +
        "principal for the same account and container, or the same folder, proven against the target before it is " +
        "saved, so a wrong key changes nothing; a VM that was Critical because its credential was refused is healthy " +
        "again), the interval, the recovery history, the app-consistent frequency, the bandwidth schedule, the " +
        "resync window and the requests in flight; -RemoveDisk stops replicating disks (their replicas kept, or " +
        "deleted with -DeleteReplica); -AddDisk starts replicating disks of the VM, each copied alone from a " +
        "checkpoint after every check Enable-HvrReplication makes of a disk (a bad one changes nothing), its first " +
        "recovery point the next cycle's. A bandwidth schedule or a resync window is given whole: a " +
        "parameter of one left out takes its default. The change is a job, saved at once and used from the next " +
        "operation on; while a process runs the VM (hvrepl run), that process makes the change at its next step " +
        "and the cmdlet waits for its answer. -Reverse instead protects the VM again from the failback point the replica already holds, " +
        "without a full copy. A VM that fails is a non-terminating error and the next one is changed.")]
    [HelpExample("Set-HvrReplication -StateDir D:\\hvr\\sql01 -ReplicationFrequencySec 30 -RecoveryHistoryHours 48",
        "Replicates sql01 every 30 seconds and keeps two days of recovery points.")]
    [HelpExample("Get-ChildItem D:\\hvr -Directory | Set-HvrReplication -Target \"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$newKey;Container=replicas\"",
        "Gives every VM the storage account's rotated key.")]
    [HelpExample("Set-HvrReplication -StateDir D:\\hvr\\sql01 -RemoveDisk sql01-disk1 -DeleteReplica",
        "Stops replicating sql01's second disk and deletes its replica.")]
    [HelpExample("Set-HvrReplication -StateDir D:\\hvr\\sql01 -AddDisk D:\\VMs\\sql01\\logs.vhdx",
        "Starts replicating the disk sql01 was given: only it is copied.")]
    [HelpExample("Set-HvrReplication -StateDir D:\\hvr\\sql01 -Reverse", "Protects sql01 again after its failback.")]
    public sealed class SetHvrReplicationCommand : SettingsCmdlet
    {
        private const string ReverseSet = "Reverse";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp(StateDirHelp)]
        public string[] StateDir { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ValidateNotNullOrEmpty]
        [ParameterHelp("The target with a new credential, for the same account and container or the same folder " +
                       "(as Enable-HvrReplication's -Target); it may hold a secret, which is never part of the output.")]
        public string Target { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ValidateNotNullOrEmpty]
        [ParameterHelp("Disks to stop replicating, each by its replica's name or its path: the host stops tracking it, " +
                       "its tracking logs are deleted, the recovery points no longer name it, and its replica stays in " +
                       "the target unless -DeleteReplica. The last disk cannot be removed (Remove-HvrReplication). " +
                       "A disk whose addition (-AddDisk) failed or was interrupted: the addition is given up, the " +
                       "host's checkpoint merged and the new replica kept, or deleted with -DeleteReplica.")]
        public string[] RemoveDisk { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("With -RemoveDisk: also deletes the removed disks' replicas with their recovery points.")]
        public SwitchParameter DeleteReplica { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ValidateNotNullOrEmpty]
        [ParameterHelp("Disks of the VM to start replicating (VHDX, VHD or raw), each checked as Enable-HvrReplication " +
                       "checks a disk before anything changes: its replica <vm>-disk<N> is created, the host " +
                       "checkpoints the VM, only this disk is copied, and the next cycle ships its writes since and " +
                       "makes its first recovery point. Recovery points before it do not hold the disk.")]
        public string[] AddDisk { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ReverseSet)]
        [ParameterHelp("Reverses replication from the failback point.")]
        public SwitchParameter Reverse { get; set; }

        [Parameter]
        [ParameterHelp(HostHelp)]
        public Host HvrHost { get; set; }

        protected override void BeginProcessing()
        {
            if (!Reverse && !ChangesSettings() && !IsBound("RemoveDisk") && !IsBound("AddDisk"))
                ThrowFailure(new ArgumentException("Set-HvrReplication changes nothing without a setting to change " +
                                                   "(-Target, -ReplicationFrequencySec, ..., -RemoveDisk, -AddDisk) or " +
                                                   "-Reverse"), null);
            if (DeleteReplica && !IsBound("RemoveDisk"))
                ThrowFailure(new ArgumentException("-DeleteReplica goes with -RemoveDisk"), null);
        }

        protected override void ProcessRecord()
        {
            if (Reverse)
            {
                ChangeEachVM(StateDir, HvrHost, "Reverse replication from the failback point", false,
                             (session, dir) => session.Reverse());
                return;
            }
            // Read-only: the library asks the process running the VM, or changes it here when none does.
            var actions = new System.Collections.Generic.List<string>();
            if (ChangesSettings()) actions.Add("Change the replication settings");
            if (IsBound("RemoveDisk"))
                actions.Add("Stop replicating " + string.Join(", ", RemoveDisk) +
                            (DeleteReplica ? " (deleting the replicas)" : " (keeping the replicas)"));
            string[] added = Array.ConvertAll(AddDisk ?? new string[0], ResolvePath);
            if (added.Length > 0) actions.Add("Start replicating " + string.Join(", ", added));
            string action = string.Join("; ", actions);
            ChangeEachVM(StateDir, HvrHost, action, true, (session, dir) =>
            {
                if (ChangesSettings())
                {
                    using (var change = new SettingsChange())
                    {
                        if (IsBound("Target")) change.SetTarget(ResolveTarget(Target));
                        ApplySettings(change);
                        session.ChangeSettings(change);
                    }
                }
                foreach (string disk in RemoveDisk ?? new string[0]) session.RemoveDisk(disk, DeleteReplica);
                foreach (string disk in added) session.AddDisk(disk, null);
            });
        }

        private bool ChangesSettings() { return IsBound("Target") || AnySettingGiven(); }
    }

    [Cmdlet(VerbsLifecycle.Suspend, "HvrReplication", SupportsShouldProcess = true)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Suspends replication, like Suspend-VMReplication.",
        "The host's logs accumulate and nothing is sent: cycles, initial replication and resyncs refuse to start, " +
        "and a process running the VM skips it, until Resume-HvrReplication. Health is Warning meanwhile and " +
        "Get-HvrReplication shows since when (SuspendedSince); a failover is still possible. The suspension is a " +
        "job (run by the process running the VM, when one does); suspending a suspended VM changes nothing. A VM that fails is a non-terminating error and the next " +
        "one is suspended.")]
    [HelpExample("Suspend-HvrReplication -StateDir D:\\hvr\\sql01", "Stops sending sql01's changes for now.")]
    [HelpExample("Get-ChildItem D:\\hvr -Directory | Suspend-HvrReplication -WhatIf",
        "Shows which VMs would be suspended.")]
    public sealed class SuspendHvrReplicationCommand : VMChangeCmdlet
    {
        protected override void ProcessRecord()
        {
            // Read-only: the library asks the process running the VM, or suspends it here when none does.
            ChangeEachVM("Suspend replication", true, (session, dir) => session.Suspend());
        }
    }

    [Cmdlet(VerbsLifecycle.Resume, "HvrReplication", SupportsShouldProcess = true, DefaultParameterSetName = ResumeSet)]
    [OutputType(SessionCmdlet.ReplicationType, "System.Management.Automation.Job")]
    [CmdletHelp("Resumes replication, like Resume-VMReplication.",
        "Ends a suspension and clears a non-recoverable error once it is dealt with (a job): the logs that " +
        "accumulated ship at the next cycle, due at once, or the VM is resynchronized when they reached half a disk. " +
        "With -Resynchronize it resynchronizes the VM now instead (whatever the resync window; Ctrl+C stops it at a " +
        "safe point and a rerun resumes it). -Resynchronize -Deferred only marks the VM for resync: its resync " +
        "window, or the process that runs it, starts it (this works while another process runs the VM). " +
        "-VerifyReplica makes the resync read the replicas instead of trusting what was recorded of them. -AsJob " +
        "outputs a job per VM instead (Receive-Job gives the replication; Stop-Job stops a resync as Ctrl+C does).")]
    [HelpExample("Resume-HvrReplication -StateDir D:\\hvr\\sql01",
        "Resumes sql01 after a suspension, or clears its error once it is dealt with.")]
    [HelpExample("Resume-HvrReplication -StateDir D:\\hvr\\sql01 -Resynchronize -Deferred -Reason 'disk restored'",
        "Marks sql01 for resync in its resync window.")]
    [HelpExample("Resume-HvrReplication -StateDir D:\\hvr\\sql01 -Resynchronize -AsJob | Wait-Job | Receive-Job",
        "Resynchronizes sql01 in a background job.")]
    public sealed class ResumeHvrReplicationCommand : VMChangeCmdlet
    {
        private const string ResumeSet = "Resume";
        private const string ResynchronizeSet = "Resynchronize";

        [Parameter(Mandatory = true, ParameterSetName = ResynchronizeSet)]
        [ParameterHelp("Resynchronizes the VM instead of resuming it.")]
        public SwitchParameter Resynchronize { get; set; }

        [Parameter(ParameterSetName = ResynchronizeSet)]
        [ParameterHelp("Only marks the VM for resync; its resync window, or the process that runs it, starts it.")]
        public SwitchParameter Deferred { get; set; }

        [Parameter(ParameterSetName = ResynchronizeSet)]
        [ParameterHelp("Why the VM is resynchronized, recorded with the request (-Deferred).")]
        public string Reason { get; set; }

        [Parameter(ParameterSetName = ResynchronizeSet)]
        [ParameterHelp("Reads the replicas rather than trusting what was recorded of them.")]
        public SwitchParameter VerifyReplica { get; set; }

        [Parameter]
        [ParameterHelp(CmdletJob.AsJobHelp)]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            string action = !Resynchronize ? "Resume replication"
                          : Deferred ? "Mark for resynchronization" : "Resynchronize";
            if (AsJob)
            {
                StartJobForEachVM(action);
                return;
            }
            // Resuming and marking for resync work on a read-only session, through the process running
            // the VM or here; a resync now runs here.
            ChangeEachVM(action, !Resynchronize || Deferred, (session, dir) =>
            {
                if (!Resynchronize) session.Resume();
                else if (Deferred) session.RequestResync(string.IsNullOrEmpty(Reason) ? null : Reason, VerifyReplica);
                else Wait(session.StartResynchronize(VerifyReplica), session, "Resynchronizing (" + dir + ")");
            });
        }
    }

    [Cmdlet(VerbsCommon.Remove, "HvrReplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Removes replication of a VM, like Remove-VMReplication.",
        "Releases the replica disks' leases, asks the host to stop tracking the disks, deletes their tracking logs " +
        "and the state directory; with -DeleteReplicas also the replica disks with every recovery point and the " +
        "disks failovers made. Without it the replicas stay in the target, their leases released. While a process " +
        "runs the VM (hvrepl run), that process removes the protection at its next step and stops running the VM, " +
        "and the cmdlet waits until the state directory is gone. Asks for confirmation (ConfirmImpact High; -Confirm:$false does not ask). The " +
        "removal is a job: run again after a crash, it finishes. -PassThru outputs the replication as it stood " +
        "before it was removed. A VM that fails is a non-terminating error and the next one is removed.")]
    [HelpExample("Remove-HvrReplication -StateDir D:\\hvr\\sql01", "Stops protecting sql01 and keeps its replicas.")]
    [HelpExample("Remove-HvrReplication -StateDir D:\\hvr\\sql01 -DeleteReplicas -Confirm:$false",
        "Stops protecting sql01 and deletes its replicas, without asking.")]
    public sealed class RemoveHvrReplicationCommand : VMChangeCmdlet
    {
        [Parameter]
        [ParameterHelp("Also deletes the replica disks with every recovery point, and the disks failovers made.")]
        public SwitchParameter DeleteReplicas { get; set; }

        [Parameter]
        [ParameterHelp("Outputs the replication as it stood before it was removed.")]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            ForEachVM(dir =>
            {
                string action = DeleteReplicas ? "Remove replication and delete the replica disks" : "Remove replication";
                if (!ShouldProcess(dir, action)) return;
                PSObject before = null;
                if (PassThru)
                    using (Session session = OpenSession(dir, true, null)) before = Replication(session);
                Session.Unprotect(null, ResolvePath(dir), DeleteReplicas, HvrHost);
                if (before != null) WriteObject(before);
            });
        }
    }
}
