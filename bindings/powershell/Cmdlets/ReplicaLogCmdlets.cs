// Hyper-V Replica Logs (.hrl): their headers, their entries, their chain, and applying them.
using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    [Cmdlet(VerbsCommon.Get, "HvrReplicaLog", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ReplicaLogHeader))]
    [CmdletHelp("Shows the headers of replica log (.hrl) files, or of the closed logs in a folder, oldest first.",
        "Reads each log's header: its unique id, the id of the log before it, its sequence and sizes. " +
        "-FolderPath lists the closed logs of one disk (-LogName) in the order they apply. A log whose header " +
        "does not read is a non-terminating error naming it, and the pipeline goes on.")]
    [HelpExample("Get-HvrReplicaLog -FolderPath D:\\VMs\\sql01 -LogName disk0 | Test-HvrReplicaLog",
        "Checks that the closed logs of disk0 follow one another.")]
    [HelpExample("Get-ChildItem *.hrl | Get-HvrReplicaLog", "The header of every log in the current folder.")]
    public sealed class GetHvrReplicaLogCommand : HvrCmdlet
    {
        private const string PathSet = "Path";
        private const string FolderSet = "Folder";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true,
                   ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The log files; from the pipeline, strings or files (FullName).")]
        public string[] Path { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = FolderSet)]
        [ParameterHelp("A folder whose closed logs are listed, oldest first.")]
        public string FolderPath { get; set; }

        [Parameter(ParameterSetName = FolderSet)]
        [ParameterHelp("The name the disk's logs start with (default hvr).")]
        public string LogName { get { return logName; } set { logName = value; } }
        private string logName = "hvr";

        protected override void ProcessRecord()
        {
            IEnumerable<string> paths = Path;
            if (ParameterSetName == FolderSet)
            {
                try { paths = ReplicaLog.ListClosed(ResolvePath(FolderPath), LogName); }
                catch (Exception e) { ThrowFailure(e, FolderPath); }
            }
            foreach (string path in paths)
                ForItem(path, () => WriteObject(ReplicaLog.ReadHeader(ResolvePath(path))));
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrReplicaLogEntry")]
    [OutputType(typeof(ReplicaLogEntry))]
    [CmdletHelp("Shows the writes a closed replica log records, every checksum verified.",
        "Reads each entry of the log in order: its offset, length and kind. A log that fails a check is a " +
        "non-terminating error naming it, after the entries read before the failure.")]
    [HelpExample("Get-HvrReplicaLog -FolderPath .\\logs -LogName disk0 | Get-HvrReplicaLogEntry | Measure-Object -Property Length -Sum",
        "How many bytes the closed logs of disk0 write.")]
    public sealed class GetHvrReplicaLogEntryCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ParameterHelp("The log file; from the pipeline, the Path of Get-HvrReplicaLog's headers.")]
        public string Path { get; set; }

        [Parameter]
        [ParameterHelp("The virtual size of the disk the log belongs to, in bytes: entries past it are refused " +
                       "(default: no limit).")]
        public ulong VirtualDiskSizeBytes { get { return size; } set { size = value; } }
        private ulong size = ulong.MaxValue;

        protected override void ProcessRecord()
        {
            ForItem(Path, () =>
            {
                using (ReplicaLogReader reader = ReplicaLogReader.Open(ResolvePath(Path), VirtualDiskSizeBytes))
                {
                    ReplicaLogEntry entry;
                    while ((entry = reader.Next()) != null) WriteObject(entry);
                }
            });
        }
    }

    // The logs a cmdlet collects from the pipeline before checking them as one chain.
    public abstract class ReplicaLogChainCmdlet : HvrCmdlet
    {
        protected readonly List<string> Logs = new List<string>();

        [Parameter]
        [ParameterHelp("The unique id of the last log already applied, which the first log must follow.")]
        public Guid PreviousUniqueId { get; set; }

        protected Guid? Previous { get { return IsBound("PreviousUniqueId") ? (Guid?)PreviousUniqueId : null; } }

        protected void Collect(IEnumerable<string> paths)
        {
            foreach (string path in paths) Logs.Add(ResolvePath(path));
        }
    }

    [Cmdlet(VerbsDiagnostic.Test, "HvrReplicaLog")]
    [OutputType(typeof(bool))]
    [CmdletHelp("Verifies closed replica logs: that they follow one another, and every checksum of every entry.",
        "Collects the logs from the pipeline and checks them as one chain, in the order given: each follows " +
        "the one before it (and the first follows -PreviousUniqueId, the last log applied). Outputs $true, or " +
        "$false with the reason as a non-terminating error.")]
    [HelpExample("Get-HvrReplicaLog -FolderPath .\\logs -LogName disk0 | Test-HvrReplicaLog",
        "Checks the closed logs of disk0 before they are applied.")]
    public sealed class TestHvrReplicaLogCommand : ReplicaLogChainCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The log files, oldest first; from the pipeline, strings or files (FullName).")]
        public string[] Path { get; set; }

        [Parameter]
        [ParameterHelp("The virtual size of the disk the logs belong to, in bytes (default: no limit).")]
        public ulong VirtualDiskSizeBytes { get { return size; } set { size = value; } }
        private ulong size = ulong.MaxValue;

        protected override void ProcessRecord() { Collect(Path); }

        protected override void EndProcessing()
        {
            using (var map = new ExtentMap())
            {
                try
                {
                    map.AddLogs(Logs, VirtualDiskSizeBytes, Previous, null);
                    WriteObject(true);
                }
                catch (PipelineStoppedException) { throw; }
                catch (Exception e)
                {
                    WriteItemError(e, null);
                    WriteObject(false);
                }
            }
        }
    }

    [Cmdlet(VerbsData.Update, "HvrDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [CmdletHelp("Applies closed replica logs to a disk image, oldest first and chain-checked.",
        "Collects the logs from the pipeline, checks that they follow one another, and writes what they record " +
        "into the image: the writes coalesced, the last one winning. Nothing is written when the chain is broken.")]
    [HelpExample("Get-HvrReplicaLog -FolderPath .\\logs -LogName disk0 | Update-HvrDisk -Path replica.vhdx",
        "Brings replica.vhdx up to the last closed log of disk0.")]
    public sealed class UpdateHvrDiskCommand : ReplicaLogChainCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp("The image the logs are applied to.")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The log files, oldest first; from the pipeline, strings or files (FullName).")]
        public string[] LogPath { get; set; }

        protected override void ProcessRecord() { Collect(LogPath); }

        protected override void EndProcessing()
        {
            try
            {
                string image = ResolvePath(Path);
                if (!ShouldProcess(image, "Apply " + Logs.Count + " replica log(s)")) return;
                using (Disk disk = Disk.OpenWritable(image))
                using (var map = new ExtentMap())
                {
                    map.AddLogs(Logs, disk.Info.VirtualSize, Previous, null);
                    map.ApplyTo(disk, null);
                    disk.Flush();
                }
            }
            catch (Exception e) { ThrowFailure(e, Path); }
        }
    }
}
