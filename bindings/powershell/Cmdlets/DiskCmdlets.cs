// Virtual disks, shaped like the Hyper-V module's Get-VHD, Test-VHD, New-VHD, Convert-VHD and
// Merge-VHD.
using System;
using System.IO;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    // What Get-HvrDisk shows of a disk; New-, Convert- and Merge-HvrDisk -Passthru show the same.
    internal static class DiskObjects
    {
        internal const string TypeName = "Hvr.DiskInfo";

        internal static PSObject Describe(string path, DiskOpenOptions options)
        {
            using (Disk disk = Disk.Open(path, options))
            {
                DiskInfo info = disk.Info;
                ulong allocated = 0;
                foreach (ByteRange range in disk.AllocatedRanges()) allocated += range.Length;
                return HvrCmdlet.NewObject(TypeName,
                    "Path", info.Path,
                    "VhdFormat", info.Format,
                    "VhdType", info.Type,
                    "Size", info.VirtualSize,
                    "FileSize", new FileInfo(info.Path).Length,
                    "AllocatedSize", allocated,
                    "LogicalSectorSize", info.LogicalSectorSize,
                    "PhysicalSectorSize", info.PhysicalSectorSize,
                    "BlockSize", info.BlockSize,
                    "ParentPath", info.ParentPath,
                    "DiskIdentifier", info.Page83Id,
                    "DataWriteGuid", info.DataWriteGuid,
                    "FileWriteGuid", info.FileWriteGuid,
                    "UniqueId", info.UniqueId,
                    "ParentIdentity", info.ParentIdentity,
                    "LogReplayed", info.LogReplayed);
            }
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrDisk")]
    [OutputType(DiskObjects.TypeName)]
    [CmdletHelp("Describes VHDX, VHD and raw images, like Get-VHD.",
        "Opens each image read-only (a differencing chain is opened and checked up to its base) and shows its " +
        "format, type, sizes, sector sizes, block size, parent and identifiers. An image that does not open is " +
        "reported as a non-terminating error naming it, and the pipeline goes on.")]
    [HelpExample("Get-ChildItem *.vhdx | Get-HvrDisk", "Describes every VHDX of the current folder.")]
    [HelpExample("Get-HvrDisk -Path checkpoint.avhdx -IgnoreVhdParentTimestamp",
        "Opens a chain whose VHD parent was touched after the child was made.")]
    public sealed class GetHvrDiskCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The images to describe; from the pipeline, strings or files (FullName).")]
        public string[] Path { get; set; }

        [Parameter]
        [ParameterHelp("How many differencing levels a chain may have (default 64).")]
        public int MaxChainDepth { get { return maxChainDepth; } set { maxChainDepth = value; } }
        private int maxChainDepth = 64;

        [Parameter]
        [ParameterHelp("Opens a VHD chain whose parent's timestamp no longer matches the one the child recorded.")]
        public SwitchParameter IgnoreVhdParentTimestamp { get; set; }

        protected override void ProcessRecord()
        {
            var options = new DiskOpenOptions
            {
                MaxChainDepth = MaxChainDepth,
                CheckVhdParentTimestamp = !IgnoreVhdParentTimestamp,
            };
            foreach (string path in Path)
                ForItem(path, () => WriteObject(DiskObjects.Describe(ResolvePath(path), options)));
        }
    }

    [Cmdlet(VerbsDiagnostic.Test, "HvrDisk")]
    [OutputType(typeof(bool))]
    [CmdletHelp("Tests that images open, differencing parents included, like Test-VHD.",
        "Outputs $true for each image that opens and $false for each that does not; the reason goes to the " +
        "verbose stream (-Verbose).")]
    [HelpExample("Get-ChildItem *.vhdx | Test-HvrDisk -Verbose", "Tests every VHDX and says why one does not open.")]
    public sealed class TestHvrDiskCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The images to test; from the pipeline, strings or files (FullName).")]
        public string[] Path { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string path in Path)
            {
                try
                {
                    Disk.Open(ResolvePath(path)).Dispose();
                    WriteObject(true);
                }
                catch (PipelineStoppedException) { throw; }
                catch (Exception e)
                {
                    WriteVerbose(e.GetBaseException().Message);
                    WriteObject(false);
                }
            }
        }
    }

    [Cmdlet(VerbsCommon.New, "HvrDisk", SupportsShouldProcess = true, DefaultParameterSetName = "Dynamic")]
    [OutputType(DiskObjects.TypeName)]
    [CmdletHelp("Creates an image, like New-VHD.",
        "Creates a dynamic or fixed VHDX, a fixed VHD (Azure's layout, a whole number of MiB), a sparse raw image, " +
        "or a differencing VHDX over a VHDX parent. The format follows the extension (.vhdx, .vhd, anything else " +
        "raw) unless -VhdFormat says. Outputs the new disk as Get-HvrDisk describes it.")]
    [HelpExample("New-HvrDisk -Path disk0.vhdx -SizeBytes 40GB -Dynamic", "A 40 GiB dynamic VHDX.")]
    [HelpExample("New-HvrDisk -Path disk0.vhd -SizeBytes 40GB -Fixed", "A 40 GiB fixed VHD, as Azure takes it.")]
    [HelpExample("New-HvrDisk -Path checkpoint.avhdx -ParentPath disk0.vhdx -Differencing",
        "A differencing VHDX over disk0.vhdx.")]
    public sealed class NewHvrDiskCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ParameterHelp("The image to create.")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Dynamic")]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Fixed")]
        [ParameterHelp("The virtual size, in bytes (40GB works).")]
        public ulong SizeBytes { get; set; }

        [Parameter(ParameterSetName = "Dynamic")]
        [ParameterHelp("A dynamic VHDX, which allocates blocks as they are written (the default).")]
        public SwitchParameter Dynamic { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Fixed")]
        [ParameterHelp("A fixed image, allocated whole; the only kind of VHD hvr creates.")]
        public SwitchParameter Fixed { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Differencing")]
        [ParameterHelp("The VHDX the differencing disk is over.")]
        public string ParentPath { get; set; }

        [Parameter(ParameterSetName = "Differencing")]
        [ParameterHelp("A differencing VHDX (implied by -ParentPath; accepted as New-VHD takes it).")]
        public SwitchParameter Differencing { get; set; }

        [Parameter(ParameterSetName = "Dynamic")]
        [Parameter(ParameterSetName = "Fixed")]
        [ValidateSet("VHDX", "VHD", "Raw", IgnoreCase = true)]
        [ParameterHelp("VHDX, VHD or Raw, instead of the format the extension says.")]
        public string VhdFormat { get; set; }

        [Parameter]
        [ParameterHelp("The VHDX block size, in bytes: a power of two from 1 MiB to 256 MiB (default 32 MiB).")]
        public uint BlockSizeBytes { get; set; }

        [Parameter(ParameterSetName = "Dynamic")]
        [Parameter(ParameterSetName = "Fixed")]
        [ValidateSet("512", "4096")]
        [ParameterHelp("The logical sector size of a VHDX: 512 (default) or 4096.")]
        public uint LogicalSectorSizeBytes { get; set; }

        [Parameter(ParameterSetName = "Dynamic")]
        [Parameter(ParameterSetName = "Fixed")]
        [ValidateSet("512", "4096")]
        [ParameterHelp("The physical sector size of a VHDX: 512 or 4096 (default).")]
        public uint PhysicalSectorSizeBytes { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                string full = ResolvePath(Path);
                if (!ShouldProcess(full, "Create virtual disk")) return;
                var options = new DiskCreateOptions();
                if (IsBound("BlockSizeBytes")) options.BlockSize = BlockSizeBytes;
                if (IsBound("LogicalSectorSizeBytes")) options.LogicalSectorSize = LogicalSectorSizeBytes;
                if (IsBound("PhysicalSectorSizeBytes")) options.PhysicalSectorSize = PhysicalSectorSizeBytes;
                if (ParameterSetName == "Differencing")
                    Disk.CreateDifferencing(full, ResolvePath(ParentPath), options);
                else
                    Create(full, options);
                WriteObject(DiskObjects.Describe(full, null));
            }
            catch (Exception e) { ThrowFailure(e, Path); }
        }

        private void Create(string full, DiskCreateOptions options)
        {
            string format = VhdFormat ?? FormatOfExtension(full);
            if (string.Equals(format, "VHDX", StringComparison.OrdinalIgnoreCase))
                Disk.CreateVhdx(full, SizeBytes, Fixed ? DiskType.Fixed : DiskType.Dynamic, options);
            else if (string.Equals(format, "VHD", StringComparison.OrdinalIgnoreCase))
            {
                if (!Fixed)
                    throw new ArgumentException("hvr creates fixed VHDs only (the layout Azure needs): add -Fixed, or use a .vhdx");
                Disk.CreateVhdFixed(full, SizeBytes);
            }
            else
                Disk.CreateRaw(full, SizeBytes);
        }

        private static string FormatOfExtension(string path)
        {
            switch (System.IO.Path.GetExtension(path).ToLowerInvariant())
            {
                case ".vhdx": return "VHDX";
                case ".vhd": return "VHD";
                default: return "Raw";
            }
        }
    }

    [Cmdlet(VerbsData.Convert, "HvrDisk", SupportsShouldProcess = true)]
    [OutputType(DiskObjects.TypeName)]
    [CmdletHelp("Copies an image into another format, like Convert-VHD.",
        "Reads only allocated data and writes no zeros. The format follows the destination's extension: .vhdx " +
        "(dynamic, or -VHDType Fixed), .vhd (fixed, for Azure), anything else raw. A differencing chain is " +
        "converted as the guest sees it. Shows progress; Ctrl+C stops the copy.")]
    [HelpExample("Convert-HvrDisk -Path disk0.avhdx -DestinationPath disk0-azure.vhd",
        "The chain under disk0.avhdx as a fixed VHD for Azure.")]
    [HelpExample("Get-Item disk0.vhdx | Convert-HvrDisk -DestinationPath disk0.raw -Passthru",
        "A raw copy, described once made.")]
    public sealed class ConvertHvrDiskCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The image to convert; from the pipeline, a file's FullName.")]
        public string Path { get; set; }

        [Parameter(Mandatory = true, Position = 1)]
        [ParameterHelp("The image to write; its extension chooses the format.")]
        public string DestinationPath { get; set; }

        [Parameter]
        [ValidateSet("Dynamic", "Fixed", IgnoreCase = true)]
        [ParameterHelp("Dynamic (default) or Fixed, for a .vhdx destination.")]
        public string VHDType { get { return vhdType; } set { vhdType = value; } }
        private string vhdType = "Dynamic";

        [Parameter]
        [ParameterHelp("The block size of a VHDX destination, in bytes (default 32 MiB).")]
        public uint BlockSizeBytes { get; set; }

        [Parameter]
        [ParameterHelp("How many threads copy (0, the default: one per core, at most 4).")]
        public int ThrottleLimit { get; set; }

        [Parameter]
        [ParameterHelp("Overwrites an existing destination.")]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ParameterHelp("Outputs the destination as Get-HvrDisk describes it.")]
        public SwitchParameter Passthru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Path, () =>
            {
                string source = ResolvePath(Path);
                string destination = ResolvePath(DestinationPath);
                if (!ShouldProcess(destination, "Convert " + source)) return;
                var options = new ConvertOptions { Threads = ThrottleLimit, Overwrite = Force.IsPresent };
                if (IsBound("BlockSizeBytes")) options.BlockSize = BlockSizeBytes;
                using (Disk disk = Disk.Open(source))
                    Wait(disk.StartConvertTo(destination, TargetOf(destination), options),
                         "Converting " + source + " to " + destination);
                if (Passthru) WriteObject(DiskObjects.Describe(destination, null));
            });
        }

        private ConvertTarget TargetOf(string destination)
        {
            switch (System.IO.Path.GetExtension(destination).ToLowerInvariant())
            {
                case ".vhdx":
                    return string.Equals(VHDType, "Fixed", StringComparison.OrdinalIgnoreCase)
                        ? ConvertTarget.VhdxFixed : ConvertTarget.Vhdx;
                case ".vhd": return ConvertTarget.VhdFixed;
                default: return ConvertTarget.Raw;
            }
        }
    }

    [Cmdlet(VerbsData.Merge, "HvrDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(DiskObjects.TypeName)]
    [CmdletHelp("Merges a differencing VHDX into its parent, like Merge-VHD.",
        "Writes the child's blocks into its parent and deletes the child (unless -KeepChild). An interrupted " +
        "merge is completed by running it again. Shows progress.")]
    [HelpExample("Merge-HvrDisk -Path checkpoint.avhdx -Passthru", "Merges the checkpoint and shows the parent.")]
    [HelpExample("Get-ChildItem *.avhdx | Merge-HvrDisk -WhatIf", "Says what each merge would do, doing nothing.")]
    public sealed class MergeHvrDiskCommand : HvrCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ParameterHelp("The differencing VHDX to merge; from the pipeline, a file's FullName.")]
        public string Path { get; set; }

        [Parameter]
        [ParameterHelp("Keeps the child once merged.")]
        public SwitchParameter KeepChild { get; set; }

        [Parameter]
        [ParameterHelp("Outputs the parent as Get-HvrDisk describes it.")]
        public SwitchParameter Passthru { get; set; }

        protected override void ProcessRecord()
        {
            ForItem(Path, () =>
            {
                string child = ResolvePath(Path);
                string parent;
                using (Disk disk = Disk.Open(child)) parent = disk.Info.ParentPath;
                if (string.IsNullOrEmpty(parent)) throw new ArgumentException(child + " is not a differencing disk");
                if (!ShouldProcess(parent, "Merge " + child + " into")) return;
                Wait(Disk.StartMerge(child, KeepChild), "Merging " + child + " into " + parent);
                if (Passthru) WriteObject(DiskObjects.Describe(parent, null));
            });
        }
    }
}
