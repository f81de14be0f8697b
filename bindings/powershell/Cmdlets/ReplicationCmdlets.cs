// Replication, shaped like the Hyper-V module's Enable-VMReplication, Get-VMReplication,
// and Measure-VMReplication (docs/powershell.md, "Replication and failover").
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    // What Enable-HvrReplication and Import-HvrReplication share: the VM, its disks, the
    // target and the settings, and making the relationship they establish.
    public abstract class ProtectionCmdlet : SettingsCmdlet
    {
        private readonly List<string> disks = new List<string>();

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [ParameterHelp("The VM's name.")]
        public string VMName { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The VM's disks, OS disk first; from the pipeline, strings or files (FullName).")]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true)]
        [ParameterHelp(StoreCmdlet.TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true)]
        [ParameterHelp("The state directory that keeps the relationship (created; it must not hold another).")]
        public string StateDir { get; set; }

        [Parameter]
        [ParameterHelp("The RPO past which health turns to warning, in seconds.")]
        public int RpoThresholdSec { get; set; }

        [Parameter]
        [ParameterHelp("Where the change trackers write replica logs: one folder for all disks, or one per disk " +
                       "(default: each disk's folder).")]
        public string[] LogFolderPath { get; set; }

        [Parameter]
        [ParameterHelp("The logs' names, one per disk (default: each disk's file name without extension).")]
        public string[] LogName { get; set; }

        [Parameter]
        [ParameterHelp("The replica disks' names, one per disk (default: the VM's name and the disk's).")]
        public string[] ReplicaDiskName { get; set; }

        [Parameter]
        [ParameterHelp("A file holding the customer-provided AES-256 key the store encrypts pages with.")]
        public string EncryptionKeyFile { get; set; }

        [Parameter]
        [ParameterHelp("The chunk size a resync compares, in bytes.")]
        public uint ChunkSizeBytes { get; set; }

        [Parameter]
        [ParameterHelp("Settings for the VM a failover creates (e.g. @{ size = 'Standard_D2s_v5' }).")]
        public Hashtable FailoverSetting { get; set; }

        [Parameter]
        [ParameterHelp(HostHelp)]
        public Host HvrHost { get; set; }

        protected override ThroughputParameters NewThroughputParameters() { return new StoreConnectionParameters(); }

        protected override void ProcessRecord() { foreach (string path in Path) disks.Add(ResolvePath(path)); }

        protected override void EndProcessing()
        {
            try
            {
                string dir = ResolvePath(StateDir);
                if (LogFolderPath != null && LogFolderPath.Length != 1 && LogFolderPath.Length != disks.Count)
                    throw new ArgumentException("-LogFolderPath takes one folder, or one per disk");
                if (LogName != null && LogName.Length != disks.Count)
                    throw new ArgumentException("-LogName takes one name per disk");
                if (ReplicaDiskName != null && ReplicaDiskName.Length != disks.Count)
                    throw new ArgumentException("-ReplicaDiskName takes one name per disk");
                if (!ShouldProcess(VMName, Action + " of " + disks.Count + " disk(s), state in " + dir)) return;
                using (var protection = new Protection(VMName, ResolveTarget(Target)))
                {
                    Configure(protection);
                    var options = new SessionOptions { Host = HvrHost };
                    // Written once the VM is closed, so that the next command may open it.
                    PSObject established;
                    using (Session session = Establish(dir, protection, options)) established = Replication(session);
                    WriteObject(established);
                }
            }
            catch (Exception e) { ThrowFailure(e, VMName); }
        }

        // What ShouldProcess says is about to happen, and doing it.
        protected abstract string Action { get; }
        protected abstract Session Establish(string dir, Protection protection, SessionOptions options);

        private void Configure(Protection protection)
        {
            for (int i = 0; i < disks.Count; ++i)
            {
                string folder = LogFolderPath == null ? null : ResolvePath(LogFolderPath[Math.Min(i, LogFolderPath.Length - 1)]);
                protection.AddDisk(disks[i], folder, LogName == null ? null : LogName[i],
                                   ReplicaDiskName == null ? null : ReplicaDiskName[i]);
            }
            ApplySettings(protection);
            if (IsBound("RpoThresholdSec")) protection.SetRpoThreshold(TimeSpan.FromSeconds(RpoThresholdSec));
            var connection = (StoreConnectionParameters)Throughput;
            if (connection.SkipCertificateCheck || !string.IsNullOrEmpty(connection.CaFile))
                protection.SetTls(!connection.SkipCertificateCheck,
                                  string.IsNullOrEmpty(connection.CaFile) ? null : ResolvePath(connection.CaFile));
            if (IsBound("Proxy")) protection.SetProxy(connection.Proxy ?? "");
            if (!string.IsNullOrEmpty(EncryptionKeyFile)) protection.SetEncryptionKeyFile(ResolvePath(EncryptionKeyFile));
            if (IsBound("ChunkSizeBytes")) protection.SetChunkSize(ChunkSizeBytes);
            if (FailoverSetting != null)
                foreach (DictionaryEntry setting in FailoverSetting)
                    protection.SetFailoverSetting(Convert.ToString(setting.Key), Convert.ToString(setting.Value));
        }
    }

    [Cmdlet(VerbsLifecycle.Enable, "HvrReplication", SupportsShouldProcess = true)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Enables replication of a VM's disks to a target, like Enable-VMReplication.",
        "Checks the disks and the target (an Azure container or a local folder), creates the replica disks, takes " +
        "their leases and keeps the relationship in -StateDir; Start-HvrInitialReplication copies the disks next. " +
        "Run again on the same -StateDir after a crash, it finishes. -Path lists the disks, OS disk first; their " +
        "change trackers write replica logs to -LogFolderPath named after -LogName. -Target may hold a secret: the " +
        "state directory keeps it owner-only, and it is never part of the output.")]
    [HelpExample("Enable-HvrReplication -VMName sql01 -Path D:\\VMs\\sql01\\disk0.vhdx -Target $store -StateDir D:\\hvr\\sql01 -ReplicationFrequencySec 30",
        "Protects sql01's disk every 30 seconds.")]
    [HelpExample("Get-ChildItem D:\\VMs\\sql01\\*.vhdx | Sort-Object Name | Enable-HvrReplication -VMName sql01 -Target $store -StateDir D:\\hvr\\sql01",
        "Protects every disk of the VM, in name order (the OS disk first).")]
    public sealed class EnableHvrReplicationCommand : ProtectionCmdlet
    {
        [Parameter]
        [ParameterHelp("The target already holds a copy of each disk under its replica disk's name (Send-HvrDisk, " +
                       "or made offline), of the size the disk needs: initial replication compares it and sends " +
                       "only what differs. Without it such a disk is refused.")]
        public SwitchParameter Seed { get; set; }

        protected override string Action { get { return "Enable replication"; } }

        protected override Session Establish(string dir, Protection protection, SessionOptions options)
        {
            return Session.Protect(null, dir, protection, options, Seed);
        }
    }

    [Cmdlet(VerbsData.Import, "HvrReplication", SupportsShouldProcess = true)]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Takes over the replication of a VM from what its replicas hold, into a new state directory.",
        "For a state directory that was lost, or on another host after a host loss or a live migration: -VMName, " +
        "-Path (every disk of the VM), -Target and the settings are as for Enable-HvrReplication. The replicas' " +
        "metadata must show they are the VM's (an error names the disk and the field otherwise, and nothing is " +
        "written); their recovery points are kept. Their leases are taken, and the agent that replicated them " +
        "before never writes them again. Replication continues with delta cycles when the logs since the last " +
        "applied one are all there, otherwise with a resync that sends only the chunks that differ, never a full " +
        "copy. Run again after a crash, it finishes.")]
    [HelpExample("Import-HvrReplication -VMName sql01 -Path D:\\VMs\\sql01\\disk0.vhdx -Target $store -StateDir D:\\hvr\\sql01",
        "Takes sql01 over after its state directory was lost, or on the host it moved to.")]
    [HelpExample("Import-HvrReplication -VMName sql01 -Path D:\\VMs\\sql01\\disk0.vhdx -Target $store -StateDir D:\\hvr\\sql01 -Resynchronize",
        "The same, comparing the replicas with the disks whatever the logs say.")]
    public sealed class ImportHvrReplicationCommand : ProtectionCmdlet
    {
        [Parameter]
        [ParameterHelp("Resynchronize (compare the replicas, send what differs) even when the logs since the last " +
                       "applied one are all there.")]
        public SwitchParameter Resynchronize { get; set; }

        protected override string Action { get { return "Take over replication"; } }

        protected override Session Establish(string dir, Protection protection, SessionOptions options)
        {
            return Session.Adopt(null, dir, protection, options, Resynchronize);
        }
    }

    [Cmdlet(VerbsLifecycle.Start, "HvrInitialReplication", SupportsShouldProcess = true)]
    [OutputType(SessionCmdlet.ReplicationType, "System.Management.Automation.Job")]
    [CmdletHelp("Copies a protected VM's disks to its replica disks, like Start-VMInitialReplication.",
        "A copy from a checkpoint, the logs written meanwhile, then the first recovery point. Ctrl+C stops it at a " +
        "safe point; run again, it resumes where it stopped. A VM that fails is a non-terminating error and the " +
        "next one is copied. -AsJob outputs a job per VM instead (Receive-Job gives the replication; Stop-Job " +
        "stops the copy as Ctrl+C does).")]
    [HelpExample("Start-HvrInitialReplication -StateDir D:\\hvr\\sql01 -HvrHost $hypervisor", "Copies sql01's disks.")]
    [HelpExample("Get-ChildItem D:\\hvr -Directory | Start-HvrInitialReplication -AsJob | Wait-Job | Receive-Job",
        "Copies every VM's disks, each in a job of its own.")]
    public sealed class StartHvrInitialReplicationCommand : VMChangeCmdlet
    {
        private const string Action = "Start initial replication";

        [Parameter]
        [ParameterHelp(CmdletJob.AsJobHelp)]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            if (AsJob)
            {
                StartJobForEachVM(Action);
                return;
            }
            ChangeEachVM(Action, false, (session, dir) =>
                Wait(session.StartReplicateInitially(), session, "Initial replication (" + dir + ")"));
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrReplication")]
    [OutputType(SessionCmdlet.ReplicationType)]
    [CmdletHelp("Shows the replication status of protected VMs, like Get-VMReplication.",
        "State, health, RPO, recovery points, the last error and the disks. Reads the state directory without " +
        "taking it, so it works while another process runs the VM. A directory that cannot be read is a " +
        "non-terminating error and the next one is shown.")]
    [HelpExample("Get-ChildItem D:\\hvr -Directory | Get-HvrReplication | Format-Table VMName, State, Health, RPO",
        "The status of every VM protected under D:\\hvr.")]
    public sealed class GetHvrReplicationCommand : VMCmdlet
    {
        protected override void ProcessRecord()
        {
            ForEachVM(dir =>
            {
                using (Session session = OpenSession(dir, true, null)) WriteObject(Replication(session));
            });
        }
    }

    [Cmdlet(VerbsDiagnostic.Measure, "HvrReplication")]
    [OutputType("Hvr.ReplicationStatistics")]
    [CmdletHelp("Shows replication statistics of protected VMs, like Measure-VMReplication.",
        "With Hyper-V's property names where they mean the same (the names hvrepl stats shows): since the last " +
        "reset (hvrepl stats --reset), or with -SinceProtection since protection was enabled (docs/monitoring.md " +
        "says what each counts). Reads without taking the state directory.")]
    [HelpExample("Get-ChildItem D:\\hvr -Directory | Measure-HvrReplication", "The statistics of every protected VM.")]
    [HelpExample("Measure-HvrReplication D:\\hvr\\sql01 -SinceProtection", "sql01's statistics since it was protected.")]
    public sealed class MeasureHvrReplicationCommand : VMCmdlet
    {
        [Parameter]
        [ParameterHelp("Counts since protection was enabled rather than since the last reset.")]
        public SwitchParameter SinceProtection { get; set; }

        protected override void ProcessRecord()
        {
            ForEachVM(dir =>
            {
                PSObject replication, document;
                using (Session session = OpenSession(dir, true, null))
                {
                    replication = Replication(session);
                    document = FromJson(session.StatusJson()).Single();
                }
                PSObject r = PSObject.AsPSObject(Field(document, SinceProtection ? "lifetime_statistics" : "statistics"));
                object lastCycle = Field(r, "last_cycle_duration_ms");
                WriteObject(NewObject("Hvr.ReplicationStatistics",
                    "VMName", replication.Properties["VMName"].Value,
                    "State", replication.Properties["State"].Value,
                    "Health", replication.Properties["Health"].Value,
                    "LastReplicationTime", replication.Properties["LastReplicationTime"].Value,
                    "RPO", replication.Properties["RPO"].Value,
                    "PendingReplicationSize", Convert.ToUInt64(Field(document, "pending_bytes")),
                    "AverageReplicationLatency", TimeSpan.FromMilliseconds(Convert.ToDouble(Field(r, "average_latency_ms"))),
                    "MaximumReplicationLatency", TimeSpan.FromMilliseconds(Convert.ToDouble(Field(r, "latency_max_ms"))),
                    "AverageReplicationSize", Convert.ToUInt64(Field(r, "average_cycle_bytes")),
                    "MaximumReplicationSize", Convert.ToUInt64(Field(r, "cycle_bytes_max")),
                    "SuccessfulReplicationCount", Convert.ToUInt64(Field(r, "successful_cycles")),
                    "MissedReplicationCount", Convert.ToUInt64(Field(r, "missed_cycles")),
                    "ReplicationFailureCount", Convert.ToUInt64(Field(r, "failed_cycles")),
                    "NetworkFailureCount", Convert.ToUInt64(Field(r, "network_failures")),
                    "AppConsistencyFailures", Convert.ToUInt64(Field(r, "app_consistent_failures")),
                    "ResynchronizationCount", Convert.ToUInt64(Field(r, "resyncs")),
                    "ResynchronizedBytes", Convert.ToUInt64(Field(r, "resync_bytes")),
                    "BytesSent", Convert.ToUInt64(Field(r, "bytes_sent")),
                    "LastCycleDuration", lastCycle == null ? (object)null : TimeSpan.FromMilliseconds(Convert.ToDouble(lastCycle)),
                    "MonitoringStartTime", ToDate(Field(r, "since")),
                    "LastError", replication.Properties["LastError"].Value,
                    "StateDir", replication.Properties["StateDir"].Value));
            });
        }
    }

    [Cmdlet(VerbsLifecycle.Start, "HvrReplicationCycle", SupportsShouldProcess = true)]
    [OutputType("Hvr.ReplicationCycle")]
    [CmdletHelp("Runs one delta replication cycle now.",
        "The host rotates the logs, the closed logs are checked, coalesced and written to the replicas, and a " +
        "recovery point is taken. Tracking failures mark the VM for resync and are reported with their error; " +
        "a VM that fails does not stop the next one.")]
    [HelpExample("Start-HvrReplicationCycle -StateDir D:\\hvr\\sql01 -HvrHost $hypervisor", "One cycle of sql01.")]
    [HelpExample("Get-ChildItem D:\\hvr -Directory | Start-HvrReplicationCycle -HvrHost $hypervisor",
        "One cycle of every VM, going on past one that fails.")]
    public sealed class StartHvrReplicationCycleCommand : VMChangeCmdlet
    {
        protected override void ProcessRecord()
        {
            ForEachVM(dir =>
            {
                if (!ShouldProcess(dir, "Run a replication cycle")) return;
                using (Session session = OpenSession(dir, false, HvrHost))
                {
                    CycleReport cycle = Wait(session.StartRunCycle(), session, "Replication cycle (" + dir + ")");
                    WriteObject(NewObject("Hvr.ReplicationCycle",
                        "Shipped", cycle.Shipped,
                        "Logs", cycle.Logs,
                        "LoggedBytes", cycle.LoggedBytes,
                        "ChangedBytes", cycle.ChangedBytes,
                        "BytesSent", cycle.BytesSent,
                        "PageWrites", cycle.PageWrites,
                        "RecoveryPoint", cycle.RecoveryPoint != 0 ? (object)cycle.RecoveryPoint : null,
                        "Elapsed", cycle.Elapsed,
                        "StateDir", session.StateDir));
                }
            });
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrJob")]
    [OutputType("Hvr.Job")]
    [CmdletHelp("Shows the jobs of protected VMs, oldest first (the last 200).",
        "Enabling protection, initial replication, cycles, resync, failovers, failback; with their steps, progress " +
        "and errors. -Type keeps jobs of those types (e.g. delta_replication); -Running only the running one.")]
    [HelpExample("Get-HvrJob -StateDir D:\\hvr\\sql01 -Type delta_replication | Select-Object -Last 5",
        "sql01's last five cycles.")]
    public sealed class GetHvrJobCommand : VMCmdlet
    {
        [Parameter]
        [ParameterHelp("Keeps jobs of these types: enable_protection, initial_replication, delta_replication, ...")]
        public string[] Type { get; set; }

        [Parameter]
        [ParameterHelp("Keeps only the running job.")]
        public SwitchParameter Running { get; set; }

        protected override void ProcessRecord()
        {
            ForEachVM(dir =>
            {
                Job[] jobs;
                string json, where;
                using (Session session = OpenSession(dir, true, null))
                {
                    jobs = session.Jobs();
                    json = session.JobsJson();
                    where = session.StateDir;
                }
                // A job comes as a struct; only its steps in full are in the JSON, found by id.
                var steps = new Dictionary<string, object>();
                foreach (PSObject described in FromJson(json)) steps[(string)Field(described, "id")] = Field(described, "steps");
                foreach (Job job in jobs)
                {
                    if (Type != null && !Type.Contains(job.Type)) continue;
                    if (Running && !job.IsRunning) continue;
                    object jobSteps;
                    steps.TryGetValue(job.Id, out jobSteps);
                    WriteObject(Describe(job, jobSteps, where));
                }
            });
        }

        private static PSObject Describe(Job job, object jobSteps, string where)
        {
            var steps = Items(jobSteps).Select(step => NewObject("Hvr.JobStep",
                "Name", Field(step, "name"),
                "State", Field(step, "state"),
                "Started", ToDate(Field(step, "started")),
                "Ended", ToDate(Field(step, "ended")),
                "Message", Field(step, "message"))).ToArray();
            return NewObject("Hvr.Job",
                "Id", job.Id,
                "VMName", job.VmName,
                "Type", job.Type,
                "State", job.State,
                "Started", job.Started,
                "Ended", job.Ended,
                "Duration", job.Ended.HasValue ? (object)(job.Ended.Value - job.Started) : null,
                "PercentComplete", job.ProgressTotal > 0 ? (object)job.PercentComplete : null,
                "Summary", job.Summary,
                "Error", job.ErrorMessage,
                "Steps", steps,
                "StateDir", where);
        }
    }
}
