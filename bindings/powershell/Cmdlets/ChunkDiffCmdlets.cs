// Manifests (a disk's chunk hashes) and chunk-diff: what differs between a source and a
// target (docs/chunk-diff.md).
using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    internal static class ManifestObjects
    {
        internal const string TypeName = "Hvr.ManifestInfo";

        internal static PSObject Describe(Manifest manifest, string path, string diskPath)
        {
            ManifestInfo info = manifest.Info;
            return HvrCmdlet.NewObject(TypeName,
                "Path", path,
                "DiskPath", diskPath,
                "DiskSize", info.DiskSize,
                "ChunkSize", info.ChunkSize,
                "ChunkCount", info.ChunkCount,
                "ZeroChunks", info.ZeroChunks,
                "UnknownChunks", info.UnknownChunks);
        }
    }

    [Cmdlet(VerbsCommon.New, "HvrManifest", SupportsShouldProcess = true)]
    [OutputType(ManifestObjects.TypeName)]
    [CmdletHelp("Hashes a disk in fixed-size chunks into a manifest file (docs/chunk-diff.md).",
        "Reads the disk once and writes a manifest of its chunk hashes, which Compare-HvrDisk compares with " +
        "a disk or another manifest without reading the target again. Shows progress; Ctrl+C stops it.")]
    [HelpExample("New-HvrManifest -Path disk0.vhdx -DestinationPath disk0.hvrm", "Hashes disk0.vhdx in 256 KiB chunks.")]
    [HelpExample("Get-ChildItem *.vhdx | ForEach-Object { New-HvrManifest -Path $_.FullName -DestinationPath ($_.BaseName + '.hvrm') }",
        "A manifest beside each disk.")]
    public sealed class NewHvrManifestCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The disk to hash; from the pipeline, a file's FullName.")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ParameterHelp("The manifest file to write.")]
        public string DestinationPath { get; set; }

        [Parameter]
        [ParameterHelp("The chunk size, in bytes (0, the default: 256 KiB).")]
        public uint ChunkSizeBytes { get; set; }

        [Parameter]
        [ParameterHelp("How many threads hash (0, the default: one per core).")]
        public int ThrottleLimit { get; set; }

        [Parameter]
        [ParameterHelp("Replaces an existing manifest file.")]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Path, () =>
            {
                string disk = ResolvePath(Path);
                string destination = ResolvePath(DestinationPath);
                if (File.Exists(destination) && !Force)
                    throw new IOException(destination + " exists: add -Force to replace it");
                if (!ShouldProcess(destination, "Hash " + disk + " into a manifest")) return;
                var options = new ChunkOptions { ChunkSize = ChunkSizeBytes, Threads = ThrottleLimit };
                using (Manifest manifest = Wait(Manifest.StartBuild(disk, options), "Hashing " + disk))
                {
                    manifest.Save(destination);
                    WriteObject(ManifestObjects.Describe(manifest, destination, disk));
                }
            });
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrManifest")]
    [OutputType(ManifestObjects.TypeName)]
    [CmdletHelp("Describes manifest files, their checksums verified.",
        "Loads each manifest (verifying its checksums) and shows the disk size, chunk size and chunk counts. " +
        "A manifest that does not load is a non-terminating error naming it, and the pipeline goes on.")]
    [HelpExample("Get-ChildItem *.hvrm | Get-HvrManifest", "Describes every manifest of the current folder.")]
    public sealed class GetHvrManifestCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The manifest files; from the pipeline, strings or files (FullName).")]
        public string[] Path { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string path in Path)
                ForItem(path, () =>
                {
                    string full = ResolvePath(path);
                    using (Manifest manifest = Manifest.Load(full))
                        WriteObject(ManifestObjects.Describe(manifest, full, null));
                });
        }
    }

    [Cmdlet(VerbsData.Compare, "HvrDisk", DefaultParameterSetName = DisksSet)]
    [OutputType("Hvr.DiffResult")]
    [CmdletHelp("Shows what differs between a source and a target: two disks, a disk and a manifest, or two manifests.",
        "Two disks are compared byte for byte; a disk against a manifest of the target reads only the source " +
        "(as resynchronization does); two manifests read no disk. The totals say how many chunks and bytes " +
        "differ; -IncludeRuns adds the runs that turn the target into the source.")]
    [HelpExample("Compare-HvrDisk -Path disk0.vhdx -ManifestPath replica.hvrm -IncludeRuns",
        "What a resynchronization of disk0.vhdx to the replica hashed in replica.hvrm would send.")]
    [HelpExample("Compare-HvrDisk -SourceManifestPath monday.hvrm -ManifestPath tuesday.hvrm",
        "How much changed between two manifests of one disk.")]
    public sealed class CompareHvrDiskCommand : HvrCmdlet
    {
        private const string DisksSet = "Disks";
        private const string DiskToManifestSet = "DiskToManifest";
        private const string ManifestsSet = "Manifests";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DisksSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DiskToManifestSet)]
        [ParameterHelp("The source disk.")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = DisksSet)]
        [ParameterHelp("The target disk.")]
        public string TargetPath { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ManifestsSet)]
        [ParameterHelp("The manifest of the source.")]
        public string SourceManifestPath { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = DiskToManifestSet)]
        [Parameter(Mandatory = true, ParameterSetName = ManifestsSet)]
        [ParameterHelp("The manifest of the target.")]
        public string ManifestPath { get; set; }

        [Parameter(ParameterSetName = DisksSet)]
        [ParameterHelp("The chunk size of a disk-to-disk comparison, in bytes (0, the default: 4 KiB).")]
        public uint ChunkSizeBytes { get; set; }

        [Parameter(ParameterSetName = DisksSet)]
        [Parameter(ParameterSetName = DiskToManifestSet)]
        [ParameterHelp("How many threads read and hash (0, the default: one per core).")]
        public int ThrottleLimit { get; set; }

        [Parameter]
        [ParameterHelp("Adds the runs (offset, length, data or zero) that turn the target into the source.")]
        public SwitchParameter IncludeRuns { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var options = new ChunkOptions { ChunkSize = ChunkSizeBytes, Threads = ThrottleLimit };
                string source, target;
                using (Diff diff = Compare(options, out source, out target))
                    WriteObject(Describe(diff, source, target));
            }
            catch (Exception e) { ThrowFailure(e, null); }
        }

        private Diff Compare(ChunkOptions options, out string source, out string target)
        {
            var manifests = new List<Manifest>();
            try
            {
                switch (ParameterSetName)
                {
                    case DisksSet:
                        source = ResolvePath(Path);
                        target = ResolvePath(TargetPath);
                        return Wait(Diff.StartDisks(source, target, options), "Comparing " + source + " with " + target);
                    case DiskToManifestSet:
                        source = ResolvePath(Path);
                        target = ResolvePath(ManifestPath);
                        manifests.Add(Manifest.Load(target));
                        return Wait(Diff.StartDiskToManifest(source, manifests[0], options),
                                    "Comparing " + source + " with " + target);
                    default:
                        source = ResolvePath(SourceManifestPath);
                        target = ResolvePath(ManifestPath);
                        manifests.Add(Manifest.Load(source));
                        manifests.Add(Manifest.Load(target));
                        return Diff.Manifests(manifests[0], manifests[1], null);
                }
            }
            finally
            {
                foreach (Manifest m in manifests) m.Dispose();
            }
        }

        private PSObject Describe(Diff diff, string source, string target)
        {
            DiffTotals totals = diff.Totals;
            PSObject result = NewObject("Hvr.DiffResult",
                "Source", source,
                "Target", target,
                "Identical", totals.Identical,
                "ChunkSize", totals.ChunkSize,
                "SourceSize", totals.SourceSize,
                "TargetSize", totals.TargetSize,
                "Chunks", totals.Chunks,
                "DifferingChunks", totals.DifferingChunks,
                "DataBytes", totals.DataBytes,
                "ZeroBytes", totals.ZeroBytes,
                "PastSourceEndBytes", totals.PastSourceEndBytes);
            if (IncludeRuns) result.Properties.Add(new PSNoteProperty("Runs", diff.Runs));
            return result;
        }
    }
}
