// What the replication cmdlets share (docs/session.md): a VM is its state directory, opened
// for the time of the call on a private engine, read-only where the cmdlet only looks (so it
// works while another process runs the VM). Operations show the session's job with
// Write-Progress. -HvrHost takes a host built in C# (an Hvr.Host whose callbacks freeze disks
// and rotate their logs); without it the default host suits disks nothing writes while they
// are protected.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    public abstract class SessionCmdlet : HvrCmdlet
    {
        internal const string ReplicationType = "Hvr.Replication";
        internal const string StateDirHelp = "The VM's state directory; from the pipeline, folders (FullName) or the " +
                                             "objects of Get-HvrReplication, Get-HvrRecoveryPoint -StateDir and Get-HvrJob.";
        internal const string HostHelp = "The host whose callbacks freeze the disks, rotate their logs and start, stop " +
                                         "and create the VM: an Hvr.Host built in C# (default: the library's host, " +
                                         "for disks nothing writes while they are protected).";

        protected Session OpenSession(string stateDir, bool readOnly, Host host)
        {
            var options = new SessionOptions { Host = host };
            return Session.Open(null, ResolvePath(stateDir), options, readOnly);
        }

        // For each VM: a failure is reported and the next VM is handled.
        protected void ForEachVM(string[] stateDirs, Action<string> work)
        {
            foreach (string dir in stateDirs) ForItem(dir, () => work(dir));
        }

        // Asks, opens each VM (read-only when the change only records a request), changes it,
        // and outputs its replication as Get-HvrReplication shows it, once the VM is closed:
        // the next command of the pipeline may open it.
        protected void ChangeEachVM(string[] stateDirs, Host host, string action, bool readOnly,
                                    Action<Session, string> change)
        {
            ForEachVM(stateDirs, dir =>
            {
                if (!ShouldProcess(dir, action)) return;
                PSObject changed;
                using (Session session = OpenSession(dir, readOnly, host))
                {
                    change(session, dir);
                    changed = Replication(session);
                }
                WriteObject(changed);
            });
        }

        // -AsJob: this command for one VM, as a job (CmdletJob) whose cmdlet gets the parameters
        // given here, -StateDir resolved, already confirmed; the job is the output.
        protected void WriteJobFor(string stateDir)
        {
            var parameters = new Hashtable();
            foreach (KeyValuePair<string, object> given in MyInvocation.BoundParameters)
                if (given.Key != "AsJob" && given.Key != "Confirm" && given.Key != "WhatIf")
                    parameters[given.Key] = given.Value;
            parameters["StateDir"] = ResolvePath(stateDir);
            WriteObject(CmdletJob.Start(this, MyInvocation.MyCommand.Name, parameters));
        }

        protected static object ToDate(object unixSeconds)
        {
            if (unixSeconds == null) return null;
            return UnixSeconds.ToDate(Convert.ToInt64(unixSeconds));
        }

        protected static IEnumerable<PSObject> Items(object jsonArray)
        {
            var items = jsonArray as IEnumerable<object>;
            return items == null ? Enumerable.Empty<PSObject>() : items.Select(PSObject.AsPSObject);
        }

        // Waits for a session's operation while showing its job: the step it is at and, when
        // the job measures it, its progress. Once the operation has returned, its job is the
        // last one and is shown as it ended.
        protected T Wait<T>(Operation<T> operation, Session session, string activity)
        {
            return Wait(operation, activity, progress =>
            {
                Job job = session.LastJob;
                if (job == null || (!job.IsRunning && !operation.IsCompleted)) return false;
                string step = string.IsNullOrEmpty(job.Step) ? job.Type : job.Step;
                if (job.ProgressTotal > 0)
                {
                    progress.PercentComplete = job.PercentComplete;
                    progress.StatusDescription = string.Format("{0}: {1:N0} of {2:N0} bytes", step, job.ProgressDone, job.ProgressTotal);
                }
                else
                {
                    progress.PercentComplete = -1;
                    progress.StatusDescription = step;
                }
                return true;
            });
        }

        // A session's status as Get-HvrReplication shows it: the typed status, and what only
        // the JSON document has (names, the store without secrets, the error's message, the disks).
        protected PSObject Replication(Session session)
        {
            SessionStatus status = session.GetStatus();
            PSObject document = FromJson(session.StatusJson()).Single();
            object lastError = Field(document, "last_error");
            var disks = Items(Field(document, "disks")).Select(disk => NewObject("Hvr.ReplicationDisk",
                "Path", Field(disk, "source"),
                "ReplicaDiskName", Field(disk, "replica"),
                "VirtualSize", Convert.ToUInt64(Field(disk, "virtual_size")),
                "SyncDone", Convert.ToUInt64(Field(disk, "sync_done")),
                "SyncTotal", Convert.ToUInt64(Field(disk, "sync_total")),
                "BytesSent", Convert.ToUInt64(Field(disk, "bytes_sent")),
                "PendingLogBytes", Convert.ToUInt64(Field(disk, "pending_log_bytes")))).ToArray();
            return NewObject(ReplicationType,
                "VMName", Field(document, "vm_name"),
                "VMId", new Guid((string)Field(document, "vm_id")),
                "State", status.State,
                "Health", status.Health,
                "SyncPercent", status.SyncPercent,
                "LastReplicationTime", status.LastReplicated,
                "RPO", status.Rpo,
                "RecoveryPoints", status.RecoveryPoints,
                "Cycles", status.Cycles,
                "BytesSent", status.BytesSent,
                "ResyncReason", Field(document, "resync_reason"),
                "LastError", lastError == null ? null : Field(PSObject.AsPSObject(lastError), "message"),
                "LastErrorStatus", status.LastError,
                "FailingSince", status.FailingSince,
                "NextAttempt", status.NextAttempt,
                "SuspendedSince", status.SuspendedSince,
                "ReplicationFrequencySec", Convert.ToInt32(Field(document, "interval_seconds")),
                "RecoveryHistoryHours", Convert.ToInt32(Field(document, "recovery_history_hours")),
                "AppConsistentFrequencyHours", Convert.ToInt32(Field(document, "app_consistent_frequency_hours")),
                "Store", Field(document, "target"),
                "Disks", disks,
                "StateDir", session.StateDir);
        }
    }

    // A cmdlet over the VMs whose state directories come from the pipeline.
    public abstract class VMCmdlet : SessionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp(StateDirHelp)]
        public string[] StateDir { get; set; }

        protected void ForEachVM(Action<string> work) { ForEachVM(StateDir, work); }
    }

    // A cmdlet that changes each VM through its session, whose host callbacks it may run.
    public abstract class VMChangeCmdlet : VMCmdlet
    {
        [Parameter]
        [ParameterHelp(HostHelp)]
        public Host HvrHost { get; set; }

        protected void ChangeEachVM(string action, bool readOnly, Action<Session, string> change)
        {
            ChangeEachVM(StateDir, HvrHost, action, readOnly, change);
        }

        // -AsJob of a change: asks for each VM, then outputs a job per VM that makes the change.
        protected void StartJobForEachVM(string action)
        {
            ForEachVM(dir => { if (ShouldProcess(dir, action)) WriteJobFor(dir); });
        }
    }
}
