// Replica stores: Azure page blobs or a local folder (docs/store-design.md). -Target is a
// connection string with Container=, a container URL with a SAS token, or a folder; it may
// hold a secret, so it is never part of the output or of an error's target.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    // What the store cmdlets share: -StoreOption, opening -Target, and the objects they show.
    public abstract class StoreCmdlet : HvrCmdlet
    {
        internal const string TargetHelp = "The store: a connection string with Container=, a container URL with a " +
                                           "SAS token, or a local folder. It may hold a secret and is never shown.";
        internal const string RecoveryPointType = "Hvr.RecoveryPoint";
        internal const string ReplicaDiskType = "Hvr.ReplicaDisk";
        internal const string TransferStatsType = "Hvr.TransferStats";

        internal const string StoreOptionHelp = "Options for the store, from New-HvrStoreOption: requests in flight, " +
                                                "timeouts, TLS, proxy, bandwidth, encryption key.";

        [Parameter]
        [ParameterHelp(StoreOptionHelp)]
        public StoreOptions StoreOption { get; set; }

        protected Store OpenStore(string target) { return OpenStore(target, StoreOption); }

        // A store's recovery points of one disk, as Get-HvrRecoveryPoint shows them.
        internal static IEnumerable<PSObject> RecoveryPoints(HvrCmdlet cmdlet, Store store, string diskName)
        {
            foreach (PSObject point in cmdlet.FromJson(store.ListRecoveryPointsJson(diskName)))
                yield return NewObject(RecoveryPointType,
                    "DiskName", diskName,
                    "Id", Field(point, "id"),
                    "Created", LanguagePrimitives.ConvertTo<DateTime>(Field(point, "created")),
                    "ApplicationConsistent", Field(point, "app_consistent"),
                    "Metadata", Field(point, "metadata"));
        }

        // Takes a recovery point and outputs it as Get-HvrRecoveryPoint shows it.
        protected void TakeRecoveryPoint(Store store, string diskName, bool applicationConsistent)
        {
            string id = store.CreateRecoveryPoint(diskName, applicationConsistent);
            WriteObject(RecoveryPoints(this, store, diskName).Where(p => (string)p.Properties["Id"].Value == id), true);
        }

        protected static PSObject Stats(TransferStats stats, string name)
        {
            return NewObject(TransferStatsType,
                "Name", name,
                "VirtualSize", stats.VirtualSize,
                "BytesRead", stats.BytesRead,
                "BytesSent", stats.BytesSent,
                "BytesSkipped", stats.BytesSkipped,
                "Requests", stats.Requests,
                "Elapsed", stats.Elapsed);
        }
    }

    [Cmdlet(VerbsCommon.New, "HvrStoreOption")]
    [OutputType(typeof(StoreOptions))]
    [CmdletHelp("Makes options for the store cmdlets' -StoreOption.",
        "Requests in flight, timeouts, TLS verification and trusted CAs, the proxy, a bandwidth limit by work " +
        "hours, and a customer-provided encryption key. The library checks the values when a store is opened " +
        "and names the option it refuses.")]
    [HelpExample("$options = New-HvrStoreOption -MaxInFlight 16 -WorkHoursBytesPerSecond 10MB -NonWorkHoursBytesPerSecond 0\n" +
                 "Send-HvrDisk -Path disk0.vhdx -Target $store -StoreOption $options",
        "Sends with 16 requests at once, at most 10 MB/s from 09:00 to 17:00 on weekdays and without limit otherwise.")]
    public sealed class NewHvrStoreOptionCommand : HvrCmdlet, IDynamicParameters
    {
        private readonly StoreConnectionParameters connection = new StoreConnectionParameters();

        [Parameter]
        [ParameterHelp("The connection timeout, in seconds (default 30).")]
        public int ConnectTimeoutSec { get; set; }

        [Parameter]
        [ParameterHelp("The timeout of a request's reads and writes, in seconds (default 60).")]
        public int IoTimeoutSec { get; set; }

        [Parameter]
        [ParameterHelp("A customer-provided AES-256 key (32 bytes) the store encrypts the pages with; https only.")]
        public byte[] EncryptionKey { get; set; }

        // Requests in flight, the bandwidth schedule, TLS and the proxy (StoreConnection.cs).
        public object GetDynamicParameters() { return connection; }

        protected override void ProcessRecord()
        {
            var options = new StoreOptions { VerifyCertificate = !connection.SkipCertificateCheck };
            if (IsBound("MaxInFlight")) options.MaxInFlight = connection.MaxInFlight;
            if (IsBound("ConnectTimeoutSec")) options.ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec);
            if (IsBound("IoTimeoutSec")) options.IoTimeout = TimeSpan.FromSeconds(IoTimeoutSec);
            if (!string.IsNullOrEmpty(connection.CaFile)) options.CaFile = ResolvePath(connection.CaFile);
            if (IsBound("Proxy")) options.Proxy = connection.Proxy ?? "";
            if (AnyBound(ThroughputParameters.BandwidthParameterNames)) options.Bandwidth = connection.Bandwidth();
            if (EncryptionKey != null && EncryptionKey.Length > 0) options.EncryptionKey = EncryptionKey;
            WriteObject(options);
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrReplicaDisk")]
    [OutputType(StoreCmdlet.ReplicaDiskType)]
    [CmdletHelp("Shows the replica disks of a store (Azure page blobs or a local folder).",
        "Lists the store's disks with their size, recovery points, lease and metadata; -Name (or names from " +
        "the pipeline) keeps only those, and a name the store does not have is a non-terminating error.")]
    [HelpExample("Get-HvrReplicaDisk -Target 'UseDevelopmentStorage=true;Container=replicas'",
        "Every replica disk of the container.")]
    [HelpExample("Get-HvrReplicaDisk -Target D:\\replicas -Name sql01-disk0, sql01-disk1", "Two disks of a folder store.")]
    public sealed class GetHvrReplicaDiskCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("DiskName")]
        [ParameterHelp("The disks to show (default: all); from the pipeline, objects' Name or DiskName.")]
        public string[] Name { get; set; }

        private readonly List<string> wanted = new List<string>();

        protected override void ProcessRecord() { if (Name != null) wanted.AddRange(Name); }

        protected override void EndProcessing()
        {
            PSObject listing = null;
            try
            {
                using (Store store = OpenStore(Target)) listing = FromJson(store.ListJson()).Single();
            }
            catch (Exception e) { ThrowFailure(e, null); }
            var found = new HashSet<string>();
            foreach (PSObject disk in ((IEnumerable<object>)Field(listing, "disks") ?? new object[0]).Select(PSObject.AsPSObject))
            {
                string name = (string)Field(disk, "name");
                if (wanted.Count > 0 && !wanted.Contains(name)) continue;
                found.Add(name);
                WriteObject(NewObject(ReplicaDiskType,
                    "Name", name,
                    "Store", Field(listing, "store"),
                    "VirtualSize", Convert.ToUInt64(Field(disk, "virtual_size")),
                    "RecoveryPoints", Field(disk, "recovery_points"),
                    "LeaseState", Field(disk, "lease_state"),
                    "LastModified", LanguagePrimitives.ConvertTo<DateTime>(Field(disk, "last_modified")),
                    "Metadata", Field(disk, "metadata")));
            }
            foreach (string missing in wanted.Where(n => !found.Contains(n)))
                WriteError(new ErrorRecord(new ItemNotFoundException(Field(listing, "store") + ": no replica disk '" + missing + "'"),
                                           "Hvr.not_found", ErrorCategory.ObjectNotFound, missing));
        }
    }

    [Cmdlet(VerbsCommunications.Send, "HvrDisk", SupportsShouldProcess = true)]
    [OutputType(StoreCmdlet.TransferStatsType)]
    [CmdletHelp("Copies a disk image to a new replica disk, sending only allocated non-zero data.",
        "Reads a VHDX, VHD or raw image (a differencing chain as the guest sees it) and writes it to a new page " +
        "blob or folder replica under -Name, or the file's base name. A file piped in is sent under its base " +
        "name. Shows progress; Ctrl+C stops it and the replica disk stays as far as it got. A failing file is a " +
        "non-terminating error and the next one is sent.")]
    [HelpExample("Send-HvrDisk -Path D:\\VMs\\sql01\\disk0.vhdx -Target $store -Name sql01-disk0", "Sends one disk.")]
    [HelpExample("Get-ChildItem D:\\VMs\\sql01\\*.vhdx | Send-HvrDisk -Target $store",
        "Sends every VHDX of the VM under its base name.")]
    public sealed class SendHvrDiskCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The image to send; from the pipeline, a file's FullName.")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        // Not from the pipeline: a piped file's Name (disk0.vhdx) would name the replica disk.
        [Parameter(Position = 2)]
        [Alias("DiskName")]
        [ParameterHelp("The replica disk's name (default: the image's base name). Not taken from the pipeline.")]
        public string Name { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Path, () =>
            {
                string image = ResolvePath(Path);
                string disk = string.IsNullOrEmpty(Name) ? System.IO.Path.GetFileNameWithoutExtension(image) : Name;
                if (!ShouldProcess(disk, "Upload " + image)) return;
                using (Store store = OpenStore(Target))
                    WriteObject(Stats(Wait(store.StartUpload(image, disk), "Uploading " + image + " to " + disk), disk));
            });
        }
    }

    [Cmdlet(VerbsCommunications.Receive, "HvrDisk", SupportsShouldProcess = true)]
    [OutputType(StoreCmdlet.TransferStatsType)]
    [CmdletHelp("Writes a replica disk, or one of its recovery points, to a new file.",
        "Writes a sparse file with the fixed-VHD footer (a VHD Azure or Hyper-V opens), or a raw image with " +
        "-NoFooter. Recovery points piped from Get-HvrRecoveryPoint bind by DiskName and Id. Shows progress.")]
    [HelpExample("Get-HvrRecoveryPoint -Target $store -DiskName sql01-disk0 | Select-Object -Last 1 |\n" +
                 "    Receive-HvrDisk -Target $store -DestinationPath restore.vhd",
        "Restores the last recovery point of sql01-disk0 to restore.vhd.")]
    public sealed class ReceiveHvrDiskCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("DiskName")]
        [ParameterHelp("The replica disk; from the pipeline, DiskName or Name.")]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [ParameterHelp("The file to write.")]
        public string DestinationPath { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ParameterHelp("The recovery point (default: the disk as it is now); from the pipeline, a point's Id.")]
        public string RecoveryPointId { get; set; }

        [Parameter]
        [ParameterHelp("Writes a raw image, without the VHD footer.")]
        public SwitchParameter NoFooter { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Name, () =>
            {
                string destination = ResolvePath(DestinationPath);
                string what = string.IsNullOrEmpty(RecoveryPointId) ? Name : Name + "@" + RecoveryPointId;
                if (!ShouldProcess(destination, "Download " + what)) return;
                string point = string.IsNullOrEmpty(RecoveryPointId) ? null : RecoveryPointId;
                using (Store store = OpenStore(Target))
                    WriteObject(Stats(Wait(store.StartDownload(Name, point, destination, !NoFooter),
                                           "Downloading " + what + " to " + destination), Name));
            });
        }
    }

    [Cmdlet(VerbsCommon.Remove, "HvrReplicaDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [CmdletHelp("Deletes replica disks with all their recovery points.",
        "Asks first (ConfirmImpact High; -Confirm:$false in scripts). A disk that cannot be deleted is a " +
        "non-terminating error and the next one is deleted.")]
    [HelpExample("Get-HvrReplicaDisk -Target $store -Name old-disk0 | Remove-HvrReplicaDisk -Target $store",
        "Deletes old-disk0 and its recovery points, after asking.")]
    public sealed class RemoveHvrReplicaDiskCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("DiskName")]
        [ParameterHelp("The replica disks to delete; from the pipeline, Name or DiskName.")]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                if (!ShouldProcess(name, "Delete replica disk and its recovery points")) continue;
                ForItem(name, () => { using (Store store = OpenStore(Target)) store.DeleteDisk(name); });
            }
        }
    }

    [Cmdlet(VerbsData.Checkpoint, "HvrReplicaDisk", SupportsShouldProcess = true)]
    [OutputType(StoreCmdlet.RecoveryPointType)]
    [CmdletHelp("Takes a recovery point of replica disks, like Checkpoint-VM.",
        "Snapshots each replica disk as it is now and outputs the new point as Get-HvrRecoveryPoint shows it.")]
    [HelpExample("Checkpoint-HvrReplicaDisk -Target $store -Name sql01-disk0 -ApplicationConsistent",
        "Marks the disk's current content as an application-consistent point.")]
    public sealed class CheckpointHvrReplicaDiskCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("DiskName")]
        [ParameterHelp("The replica disks; from the pipeline, Name or DiskName.")]
        public string[] Name { get; set; }

        [Parameter]
        [ParameterHelp("Marks the point application-consistent (the guest's writers were quiesced).")]
        public SwitchParameter ApplicationConsistent { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                if (!ShouldProcess(name, "Take a recovery point")) continue;
                ForItem(name, () => { using (Store store = OpenStore(Target)) TakeRecoveryPoint(store, name, ApplicationConsistent); });
            }
        }
    }

    [Cmdlet(VerbsCommon.Remove, "HvrRecoveryPoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [CmdletHelp("Deletes recovery points of replica disks.",
        "Asks first (ConfirmImpact High; -Confirm:$false in scripts). Points piped from Get-HvrRecoveryPoint " +
        "bind by DiskName and Id; one that cannot be deleted is a non-terminating error.")]
    [HelpExample("Get-HvrRecoveryPoint -Target $store -DiskName d0 | Select-Object -SkipLast 3 | Remove-HvrRecoveryPoint -Target $store",
        "Keeps the last three points of d0.")]
    public sealed class RemoveHvrRecoveryPointCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ParameterHelp("The replica disk; from the pipeline, a point's DiskName.")]
        public string DiskName { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
        [ParameterHelp("The recovery point; from the pipeline, a point's Id.")]
        public string Id { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(DiskName + "@" + Id, "Delete recovery point")) return;
            ForItem(Id, () => { using (Store store = OpenStore(Target)) store.DeleteRecoveryPoint(DiskName, Id); });
        }
    }

    [Cmdlet(VerbsCommon.Copy, "HvrReplicaDisk", SupportsShouldProcess = true)]
    [OutputType(StoreCmdlet.ReplicaDiskType)]
    [CmdletHelp("Creates a replica disk with the content of a recovery point.",
        "What a test failover starts from: a new disk holding the point, leaving the source and its points " +
        "untouched. Outputs the new disk as Get-HvrReplicaDisk shows it.")]
    [HelpExample("Get-HvrRecoveryPoint -Target $store -DiskName sql01-disk0 | Select-Object -Last 1 |\n" +
                 "    Copy-HvrReplicaDisk -Target $store -DestinationName sql01-disk0-test",
        "A disk to test the last point of sql01-disk0 on.")]
    public sealed class CopyHvrReplicaDiskCommand : StoreCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("DiskName")]
        [ParameterHelp("The replica disk; from the pipeline, a point's DiskName.")]
        public string Name { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ParameterHelp("The recovery point to copy; from the pipeline, a point's Id.")]
        public string RecoveryPointId { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [ParameterHelp("The name of the new replica disk.")]
        public string DestinationName { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Name, () =>
            {
                if (!ShouldProcess(DestinationName, "Copy " + Name + "@" + RecoveryPointId)) return;
                using (Store store = OpenStore(Target)) store.CopyRecoveryPoint(Name, RecoveryPointId, DestinationName);
                using (PowerShell ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
                {
                    ps.AddCommand("Get-HvrReplicaDisk").AddParameter("Target", Target).AddParameter("Name", DestinationName);
                    if (StoreOption != null) ps.AddParameter("StoreOption", StoreOption);
                    WriteObject(ps.Invoke(), true);
                }
            });
        }
    }

    [Cmdlet(VerbsData.Update, "HvrReplicaDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(StoreCmdlet.RecoveryPointType)]
    [CmdletHelp("Applies closed replica logs to a replica disk in a store, oldest first and chain-checked.",
        "Collects the logs from the pipeline, checks that they follow one another, and writes what they record " +
        "as page writes of at most 4 MiB. -Checkpoint then takes a recovery point and outputs it.")]
    [HelpExample("Get-HvrReplicaLog -FolderPath .\\logs -LogName disk0 | Update-HvrReplicaDisk -Target $store -Name sql01-disk0 -Checkpoint",
        "Brings the replica up to the last closed log and takes a point.")]
    public sealed class UpdateHvrReplicaDiskCommand : StoreCmdlet
    {
        private readonly List<string> logs = new List<string>();

        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp(TargetHelp)]
        public string Target { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ParameterHelp("The replica disk the logs are applied to.")]
        public string Name { get; set; }

        [Parameter(Mandatory = true, Position = 2, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The log files, oldest first; from the pipeline, strings or files (FullName).")]
        public string[] LogPath { get; set; }

        [Parameter]
        [ParameterHelp("The unique id of the last log already applied, which the first log must follow.")]
        public Guid PreviousUniqueId { get; set; }

        [Parameter]
        [ParameterHelp("Takes a recovery point once the logs are applied.")]
        public SwitchParameter Checkpoint { get; set; }

        [Parameter]
        [ParameterHelp("Marks the point -Checkpoint takes application-consistent.")]
        public SwitchParameter ApplicationConsistent { get; set; }

        protected override void ProcessRecord() { foreach (string path in LogPath) logs.Add(ResolvePath(path)); }

        protected override void EndProcessing()
        {
            try
            {
                if (!ShouldProcess(Name, "Apply " + logs.Count + " replica log(s)")) return;
                Guid? previous = IsBound("PreviousUniqueId") ? (Guid?)PreviousUniqueId : null;
                using (Store store = OpenStore(Target))
                using (var map = new ExtentMap())
                {
                    map.AddLogs(logs, store.GetDisk(Name).VirtualSize, previous, null);
                    map.ApplyTo(store, Name, null);
                    if (Checkpoint) TakeRecoveryPoint(store, Name, ApplicationConsistent);
                }
            }
            catch (Exception e) { ThrowFailure(e, Name); }
        }
    }
}
