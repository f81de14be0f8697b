# HvReplication: hvr from PowerShell, through P/Invoke (docs/powershell.md).
#
# The module compiles the C# layer (Hvr*.cs) with Add-Type, binds it to libhvr (HVR_LIBRARY,
# then this folder, then the system), and defines cmdlets shaped like the Hyper-V module's.
# Every cmdlet is a thin shell over the C# wrappers, which tests/bindings runs under Mono
# against the real library; what is here is parameter binding, paths, ShouldProcess,
# progress and errors. Works in Windows PowerShell 5.1 and PowerShell 7.

Set-StrictMode -Version 3.0

#region Loading

$script:Sources = @('HvrNative.cs', 'HvrInterop.cs', 'HvrCore.cs', 'HvrDisks.cs', 'HvrChunkDiff.cs',
                    'HvrReplicaLogs.cs', 'HvrStores.cs', 'HvrReplication.cs')
if (-not ('Hvr.HvrNative' -as [type])) {
    Add-Type -Path ($script:Sources | ForEach-Object { Join-Path $PSScriptRoot $_ })
}
try {
    [Hvr.HvrLibrary]::Initialize($PSScriptRoot)
} catch {
    throw (('HvReplication cannot load libhvr: {0} Set {1} to the library file (libhvr.so.{2} or hvr.dll), ' +
            'or put it beside the module.') -f $_.Exception.GetBaseException().Message,
           [Hvr.HvrLibrary]::PathVariable, [Hvr.HvrLibrary]::ExpectedAbiVersion)
}

#endregion

#region Helpers (not exported)

# The error record for a failure: an HvrException (unwrapped from PowerShell's
# MethodInvocationException) becomes a record with the library's message, its status as
# the error id and a fitting category; anything else stays as it was.
function Get-HvrErrorRecord {
    param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord, $Target = $null)
    $e = $ErrorRecord.Exception
    while (($e -is [System.Management.Automation.MethodInvocationException] -or
            $e -is [System.Reflection.TargetInvocationException]) -and $null -ne $e.InnerException) {
        $e = $e.InnerException
    }
    if ($e -isnot [Hvr.HvrException]) { return $ErrorRecord }
    New-Object System.Management.Automation.ErrorRecord($e, "Hvr.$($e.StatusName)",
        [System.Management.Automation.ErrorCategory]$e.ErrorCategory, $Target)
}

# Ends the command with a terminating error carrying the library's message.
function Stop-HvrCommand {
    param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord,
          [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
          $Target = $null)
    if ($ErrorRecord.Exception -is [System.Management.Automation.PipelineStoppedException]) { throw $ErrorRecord.Exception }
    $Cmdlet.ThrowTerminatingError((Get-HvrErrorRecord -ErrorRecord $ErrorRecord -Target $Target))
}

# Waits for an operation (Hvr.Operation[T]) while showing its progress. Ctrl+C stops the
# pipeline between two waits; the finally block then cancels the native call and waits
# for it to stop where nothing is left half done.
function Wait-HvrOperation {
    param([Parameter(Mandatory)] $Operation, [Parameter(Mandatory)] [string] $Activity)
    try {
        while (-not $Operation.Wait(200)) {
            if ($Operation.Total -gt 0) {
                Write-Progress -Activity $Activity -PercentComplete $Operation.PercentComplete `
                    -Status ('{0:N0} of {1:N0} bytes' -f $Operation.Done, $Operation.Total)
            }
        }
        $Operation.Result
    } finally {
        $Operation.Dispose()
        Write-Progress -Activity $Activity -Completed
    }
}

# A path as the library must see it: PowerShell's current location is not the process's.
function ConvertTo-HvrPath {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Path)
    if ([string]::IsNullOrEmpty($Path)) { return $Path }
    $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

# A store target: connection strings and URLs as given, local folders resolved like paths.
function ConvertTo-HvrTarget {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Target)
    if ($Target -match '^[A-Za-z][A-Za-z0-9]*=' -or $Target -match '^https?://') { return $Target }
    ConvertTo-HvrPath -Cmdlet $Cmdlet -Path $Target
}

function Open-HvrStore {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
          [Parameter(Mandatory)] [string] $Target, [Hvr.StoreOptions] $StoreOption)
    [Hvr.Store]::Open((ConvertTo-HvrTarget -Cmdlet $Cmdlet -Target $Target), $StoreOption)
}

function ConvertTo-HvrDiskObject {
    param([Parameter(Mandatory)] [Hvr.Disk] $Disk)
    $info = $Disk.Info
    $allocated = [uint64]0
    foreach ($range in $Disk.AllocatedRanges()) { $allocated += $range.Length }
    [pscustomobject]@{
        PSTypeName         = 'Hvr.DiskInfo'
        Path               = $info.Path
        VhdFormat          = $info.Format
        VhdType            = $info.Type
        Size               = $info.VirtualSize
        FileSize           = (Get-Item -LiteralPath $info.Path).Length
        AllocatedSize      = $allocated
        LogicalSectorSize  = $info.LogicalSectorSize
        PhysicalSectorSize = $info.PhysicalSectorSize
        BlockSize          = $info.BlockSize
        ParentPath         = $info.ParentPath
        DiskIdentifier     = $info.Page83Id
        DataWriteGuid      = $info.DataWriteGuid
        FileWriteGuid      = $info.FileWriteGuid
        UniqueId           = $info.UniqueId
        ParentIdentity     = $info.ParentIdentity
        LogReplayed        = $info.LogReplayed
    }
}

function ConvertTo-HvrStatsObject {
    param([Parameter(Mandatory)] [Hvr.TransferStats] $Stats, [string] $Name)
    [pscustomobject]@{
        PSTypeName   = 'Hvr.TransferStats'
        Name         = $Name
        VirtualSize  = $Stats.VirtualSize
        BytesRead    = $Stats.BytesRead
        BytesSent    = $Stats.BytesSent
        BytesSkipped = $Stats.BytesSkipped
        Requests     = $Stats.Requests
        Elapsed      = $Stats.Elapsed
    }
}

function ConvertTo-HvrManifestObject {
    param([Parameter(Mandatory)] [Hvr.Manifest] $Manifest, [string] $Path, [string] $DiskPath)
    $info = $Manifest.Info
    [pscustomobject]@{
        PSTypeName    = 'Hvr.ManifestInfo'
        Path          = $Path
        DiskPath      = $DiskPath
        DiskSize      = $info.DiskSize
        ChunkSize     = $info.ChunkSize
        ChunkCount    = $info.ChunkCount
        ZeroChunks    = $info.ZeroChunks
        UnknownChunks = $info.UnknownChunks
    }
}

# A store's recovery-point listing (JSON) as objects.
function ConvertFrom-HvrRecoveryPointJson {
    param([Parameter(Mandatory)] [string] $Json, [Parameter(Mandatory)] [string] $DiskName)
    foreach ($point in @($Json | ConvertFrom-Json)) {
        [pscustomobject]@{
            PSTypeName            = 'Hvr.RecoveryPoint'
            DiskName              = $DiskName
            Id                    = $point.id
            Created               = [datetime]$point.created
            ApplicationConsistent = $point.app_consistent
            Metadata              = $point.metadata
        }
    }
}

function New-HvrChunkOption {
    param([uint32] $ChunkSizeBytes, [uint32] $ThrottleLimit)
    $options = New-Object Hvr.ChunkOptions
    $options.ChunkSize = $ChunkSizeBytes
    $options.Threads = $ThrottleLimit
    $options
}

#endregion

#region Library

<#
.SYNOPSIS
Shows the version of libhvr the module loaded, its ABI version and where it came from.
#>
function Get-HvrVersion {
    [CmdletBinding()]
    param()
    [pscustomobject]@{
        PSTypeName  = 'Hvr.Version'
        Version     = [Hvr.HvrLibrary]::Version
        AbiVersion  = [Hvr.HvrLibrary]::AbiVersion
        LibraryPath = [Hvr.HvrLibrary]::LoadedPath
    }
}

<#
.SYNOPSIS
Shows the retry policy: the back-off after a failure, and when each retry runs for a
replication frequency (REQUIREMENTS.md section 6, docs/retry-policy.md).
.EXAMPLE
Get-HvrRetryPolicy -ReplicationFrequencySec 300
#>
function Get-HvrRetryPolicy {
    [CmdletBinding()]
    param(
        [ValidateSet(30, 300, 900)] [int] $ReplicationFrequencySec = 300,
        [ValidateRange(1, [int]::MaxValue)] [int[]] $BackoffSec,
        [ValidateRange(1, [int]::MaxValue)] [int] $SteadyIntervalSec = 1800,
        [ValidateRange(1, 100)] [int] $Count = 8
    )
    try {
        if ($PSBoundParameters.ContainsKey('BackoffSec')) {
            $backoff = [System.TimeSpan[]]@($BackoffSec | ForEach-Object { [System.TimeSpan]::FromSeconds($_) })
            $policy = [Hvr.RetryPolicy]::new($backoff, [System.TimeSpan]::FromSeconds($SteadyIntervalSec))
        } else {
            $policy = [Hvr.RetryPolicy]::new()
        }
        try {
            $frequency = [System.TimeSpan]::FromSeconds($ReplicationFrequencySec)
            [pscustomobject]@{
                PSTypeName           = 'Hvr.RetryPolicy'
                Backoff              = $policy.Backoff
                SteadyInterval       = $policy.SteadyInterval
                ReplicationFrequency = $frequency
                RetriesAfterFailure  = $policy.Schedule($frequency, [Hvr.Status]::Network, $Count)
            }
        } finally { $policy.Dispose() }
    } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet }
}

#endregion

#region Virtual disks

<#
.SYNOPSIS
Describes VHDX, VHD and raw images (differencing chains are opened and checked), like Get-VHD.
.EXAMPLE
Get-ChildItem *.vhdx | Get-HvrDisk
#>
function Get-HvrDisk {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $Path,
        [ValidateRange(1, 1024)] [int] $MaxChainDepth = 64,
        [switch] $IgnoreVhdParentTimestamp
    )
    process {
        foreach ($p in $Path) {
            try {
                $options = New-Object Hvr.DiskOpenOptions
                $options.MaxChainDepth = $MaxChainDepth
                $options.CheckVhdParentTimestamp = -not $IgnoreVhdParentTimestamp
                $disk = [Hvr.Disk]::Open((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p), $options)
                try { ConvertTo-HvrDiskObject -Disk $disk } finally { $disk.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $p }
        }
    }
}

<#
.SYNOPSIS
Tests that images open, differencing parents included; $true or $false (the reason goes to
the verbose stream), like Test-VHD.
#>
function Test-HvrDisk {
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $Path
    )
    process {
        foreach ($p in $Path) {
            try {
                $disk = [Hvr.Disk]::Open((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p))
                $disk.Dispose()
                $true
            } catch {
                $inner = $_.Exception
                while ($null -ne $inner.InnerException) { $inner = $inner.InnerException }
                Write-Verbose $inner.Message
                $false
            }
        }
    }
}

<#
.SYNOPSIS
Creates an image, like New-VHD: a dynamic or fixed VHDX, a fixed VHD (Azure's layout, a whole
number of MiB), a sparse raw image, or a differencing VHDX over a VHDX parent. The format
follows the extension (.vhdx, .vhd, anything else raw) unless -VhdFormat says.
.EXAMPLE
New-HvrDisk -Path disk0.vhdx -SizeBytes 40GB -Dynamic
.EXAMPLE
New-HvrDisk -Path checkpoint.avhdx -ParentPath disk0.vhdx -Differencing
#>
function New-HvrDisk {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Dynamic')]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Path,
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Dynamic')]
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Fixed')] [uint64] $SizeBytes,
        [Parameter(ParameterSetName = 'Dynamic')] [switch] $Dynamic,
        [Parameter(Mandatory, ParameterSetName = 'Fixed')] [switch] $Fixed,
        [Parameter(Mandatory, ParameterSetName = 'Differencing')] [string] $ParentPath,
        [Parameter(ParameterSetName = 'Differencing')] [switch] $Differencing,
        [Parameter(ParameterSetName = 'Dynamic')]
        [Parameter(ParameterSetName = 'Fixed')] [ValidateSet('VHDX', 'VHD', 'Raw')] [string] $VhdFormat,
        [uint32] $BlockSizeBytes,
        [Parameter(ParameterSetName = 'Dynamic')]
        [Parameter(ParameterSetName = 'Fixed')] [ValidateSet(512, 4096)] [uint32] $LogicalSectorSizeBytes,
        [Parameter(ParameterSetName = 'Dynamic')]
        [Parameter(ParameterSetName = 'Fixed')] [ValidateSet(512, 4096)] [uint32] $PhysicalSectorSizeBytes
    )
    try {
        $full = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
        if (-not $PSCmdlet.ShouldProcess($full, 'Create virtual disk')) { return }
        $options = New-Object Hvr.DiskCreateOptions
        if ($PSBoundParameters.ContainsKey('BlockSizeBytes')) { $options.BlockSize = $BlockSizeBytes }
        if ($PSBoundParameters.ContainsKey('LogicalSectorSizeBytes')) { $options.LogicalSectorSize = $LogicalSectorSizeBytes }
        if ($PSBoundParameters.ContainsKey('PhysicalSectorSizeBytes')) { $options.PhysicalSectorSize = $PhysicalSectorSizeBytes }
        if ($PSCmdlet.ParameterSetName -eq 'Differencing') {
            [Hvr.Disk]::CreateDifferencing($full, (ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $ParentPath), $options)
        } else {
            if (-not $VhdFormat) {
                switch ([System.IO.Path]::GetExtension($full).ToLowerInvariant()) {
                    '.vhdx' { $VhdFormat = 'VHDX' }
                    '.vhd' { $VhdFormat = 'VHD' }
                    default { $VhdFormat = 'Raw' }
                }
            }
            switch ($VhdFormat) {
                'VHDX' {
                    $type = if ($Fixed) { [Hvr.DiskType]::Fixed } else { [Hvr.DiskType]::Dynamic }
                    [Hvr.Disk]::CreateVhdx($full, $SizeBytes, $type, $options)
                }
                'VHD' {
                    if (-not $Fixed) {
                        throw (New-Object System.ArgumentException(
                            'hvr creates fixed VHDs only (the layout Azure needs): add -Fixed, or use a .vhdx'))
                    }
                    [Hvr.Disk]::CreateVhdFixed($full, $SizeBytes)
                }
                'Raw' { [Hvr.Disk]::CreateRaw($full, $SizeBytes) }
            }
        }
        Get-HvrDisk -Path $full
    } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
}

<#
.SYNOPSIS
Copies an image into another format, reading only allocated data and writing no zeros, like
Convert-VHD. The format follows the destination's extension: .vhdx (dynamic, or -VHDType
Fixed), .vhd (fixed, for Azure), anything else raw.
.EXAMPLE
Convert-HvrDisk -Path disk0.avhdx -DestinationPath disk0-azure.vhd
#>
function Convert-HvrDisk {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('FullName')] [string] $Path,
        [Parameter(Mandatory, Position = 1)] [string] $DestinationPath,
        [ValidateSet('Dynamic', 'Fixed')] [string] $VHDType = 'Dynamic',
        [uint32] $BlockSizeBytes,
        [ValidateRange(0, 64)] [int] $ThrottleLimit = 0,
        [switch] $Force,
        [switch] $Passthru
    )
    process {
        try {
            $source = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
            $destination = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $DestinationPath
            if (-not $PSCmdlet.ShouldProcess($destination, "Convert $source")) { return }
            switch ([System.IO.Path]::GetExtension($destination).ToLowerInvariant()) {
                '.vhdx' { $target = if ($VHDType -eq 'Fixed') { [Hvr.ConvertTarget]::VhdxFixed } else { [Hvr.ConvertTarget]::Vhdx } }
                '.vhd' { $target = [Hvr.ConvertTarget]::VhdFixed }
                default { $target = [Hvr.ConvertTarget]::Raw }
            }
            $options = New-Object Hvr.ConvertOptions
            if ($PSBoundParameters.ContainsKey('BlockSizeBytes')) { $options.BlockSize = $BlockSizeBytes }
            $options.Threads = $ThrottleLimit
            $options.Overwrite = [bool]$Force
            $disk = [Hvr.Disk]::Open($source)
            try {
                $null = Wait-HvrOperation -Operation $disk.StartConvertTo($destination, $target, $options) `
                    -Activity "Converting $source to $destination"
            } finally { $disk.Dispose() }
            if ($Passthru) { Get-HvrDisk -Path $destination }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
    }
}

<#
.SYNOPSIS
Merges a differencing VHDX into its parent and deletes it (unless -KeepChild), like Merge-VHD.
An interrupted merge is completed by running it again.
#>
function Merge-HvrDisk {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('FullName')] [string] $Path,
        [switch] $KeepChild,
        [switch] $Passthru
    )
    process {
        try {
            $child = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
            $disk = [Hvr.Disk]::Open($child)
            try { $parent = $disk.Info.ParentPath } finally { $disk.Dispose() }
            if (-not $parent) {
                throw (New-Object System.ArgumentException("$child is not a differencing disk"))
            }
            if (-not $PSCmdlet.ShouldProcess($parent, "Merge $child into")) { return }
            $null = Wait-HvrOperation -Operation ([Hvr.Disk]::StartMerge($child, [bool]$KeepChild)) `
                -Activity "Merging $child into $parent"
            if ($Passthru) { Get-HvrDisk -Path $parent }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
    }
}

#endregion

#region Manifests and chunk-diff

<#
.SYNOPSIS
Hashes a disk in fixed-size chunks into a manifest file (docs/chunk-diff.md).
.EXAMPLE
New-HvrManifest -Path disk0.vhdx -DestinationPath disk0.hvrm
#>
function New-HvrManifest {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('FullName')] [string] $Path,
        [Parameter(Mandatory, Position = 1)] [string] $DestinationPath,
        [uint32] $ChunkSizeBytes = 0,
        [ValidateRange(0, 256)] [uint32] $ThrottleLimit = 0,
        [switch] $Force
    )
    process {
        try {
            $disk = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
            $destination = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $DestinationPath
            if ((Test-Path -LiteralPath $destination) -and -not $Force) {
                throw (New-Object System.IO.IOException("$destination exists: add -Force to replace it"))
            }
            if (-not $PSCmdlet.ShouldProcess($destination, "Hash $disk into a manifest")) { return }
            $operation = [Hvr.Manifest]::StartBuild($disk, (New-HvrChunkOption $ChunkSizeBytes $ThrottleLimit))
            $manifest = Wait-HvrOperation -Operation $operation -Activity "Hashing $disk"
            try {
                $manifest.Save($destination)
                ConvertTo-HvrManifestObject -Manifest $manifest -Path $destination -DiskPath $disk
            } finally { $manifest.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
    }
}

<#
.SYNOPSIS
Describes manifest files (checksums verified).
#>
function Get-HvrManifest {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $Path
    )
    process {
        foreach ($p in $Path) {
            try {
                $full = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p
                $manifest = [Hvr.Manifest]::Load($full)
                try { ConvertTo-HvrManifestObject -Manifest $manifest -Path $full } finally { $manifest.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $p }
        }
    }
}

<#
.SYNOPSIS
What differs between a source and a target: two disks (compared byte for byte), a disk and
a manifest of the target (resynchronisation reads only the source), or two manifests. The
runs say how to turn the target into the source.
.EXAMPLE
Compare-HvrDisk -Path disk0.vhdx -ManifestPath replica.hvrm -IncludeRuns
#>
function Compare-HvrDisk {
    [CmdletBinding(DefaultParameterSetName = 'Disks')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Disks')]
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'DiskToManifest')] [string] $Path,
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Disks')] [string] $TargetPath,
        [Parameter(Mandatory, ParameterSetName = 'Manifests')] [string] $SourceManifestPath,
        [Parameter(Mandatory, ParameterSetName = 'DiskToManifest')]
        [Parameter(Mandatory, ParameterSetName = 'Manifests')] [string] $ManifestPath,
        [Parameter(ParameterSetName = 'Disks')] [uint32] $ChunkSizeBytes = 0,
        [Parameter(ParameterSetName = 'Disks')]
        [Parameter(ParameterSetName = 'DiskToManifest')] [ValidateRange(0, 256)] [uint32] $ThrottleLimit = 0,
        [switch] $IncludeRuns
    )
    try {
        $options = New-HvrChunkOption $ChunkSizeBytes $ThrottleLimit
        $manifests = @()
        try {
            switch ($PSCmdlet.ParameterSetName) {
                'Disks' {
                    $source = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
                    $target = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $TargetPath
                    $diff = Wait-HvrOperation -Operation ([Hvr.Diff]::StartDisks($source, $target, $options)) `
                        -Activity "Comparing $source with $target"
                }
                'DiskToManifest' {
                    $source = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
                    $target = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $ManifestPath
                    $manifests += [Hvr.Manifest]::Load($target)
                    $diff = Wait-HvrOperation -Operation ([Hvr.Diff]::StartDiskToManifest($source, $manifests[0], $options)) `
                        -Activity "Comparing $source with $target"
                }
                'Manifests' {
                    $source = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $SourceManifestPath
                    $target = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $ManifestPath
                    $manifests += [Hvr.Manifest]::Load($source)
                    $manifests += [Hvr.Manifest]::Load($target)
                    $diff = [Hvr.Diff]::Manifests($manifests[0], $manifests[1], $null)
                }
            }
        } finally { foreach ($m in $manifests) { $m.Dispose() } }
        try {
            $totals = $diff.Totals
            $result = [ordered]@{
                Source             = $source
                Target             = $target
                Identical          = $totals.Identical
                ChunkSize          = $totals.ChunkSize
                SourceSize         = $totals.SourceSize
                TargetSize         = $totals.TargetSize
                Chunks             = $totals.Chunks
                DifferingChunks    = $totals.DifferingChunks
                DataBytes          = $totals.DataBytes
                ZeroBytes          = $totals.ZeroBytes
                PastSourceEndBytes = $totals.PastSourceEndBytes
            }
            if ($IncludeRuns) { $result.Runs = $diff.Runs }
            $object = New-Object PSObject -Property $result
            $object.PSObject.TypeNames.Insert(0, 'Hvr.DiffResult')
            $object
        } finally { $diff.Dispose() }
    } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet }
}

#endregion

#region Hyper-V Replica Logs

<#
.SYNOPSIS
The headers of replica log (.hrl) files, or of the closed logs in a folder, oldest first.
.EXAMPLE
Get-HvrReplicaLog -FolderPath D:\VMs\sql01 -LogName disk0 | Test-HvrReplicaLog
#>
function Get-HvrReplicaLog {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $Path,
        [Parameter(Mandatory, ParameterSetName = 'Folder')] [string] $FolderPath,
        [Parameter(ParameterSetName = 'Folder')] [string] $LogName = 'hvr'
    )
    process {
        try {
            if ($PSCmdlet.ParameterSetName -eq 'Folder') {
                $Path = [Hvr.ReplicaLog]::ListClosed((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $FolderPath), $LogName)
            }
            foreach ($p in $Path) {
                [Hvr.ReplicaLog]::ReadHeader((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p))
            }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet }
    }
}

<#
.SYNOPSIS
The writes a closed replica log records, every checksum verified.
#>
function Get-HvrReplicaLogEntry {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string] $Path,
        [uint64] $VirtualDiskSizeBytes = [uint64]::MaxValue
    )
    process {
        try {
            $reader = [Hvr.ReplicaLogReader]::Open((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path), $VirtualDiskSizeBytes)
            try {
                while ($null -ne ($entry = $reader.Next())) { $entry }
            } finally { $reader.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
    }
}

<#
.SYNOPSIS
Verifies closed replica logs: that they follow one another (and -PreviousUniqueId, the last
log applied), and every checksum of every entry. $true, or $false with the reason as an error.
#>
function Test-HvrReplicaLog {
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $Path,
        [guid] $PreviousUniqueId,
        [uint64] $VirtualDiskSizeBytes = [uint64]::MaxValue
    )
    begin { $logs = New-Object System.Collections.Generic.List[string] }
    process { foreach ($p in $Path) { $logs.Add((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p)) } }
    end {
        $previous = if ($PSBoundParameters.ContainsKey('PreviousUniqueId')) { [Nullable[guid]]$PreviousUniqueId } else { $null }
        $map = New-Object Hvr.ExtentMap
        try {
            $null = $map.AddLogs($logs, $VirtualDiskSizeBytes, $previous, $null)
            $true
        } catch {
            $PSCmdlet.WriteError((Get-HvrErrorRecord -ErrorRecord $_))
            $false
        } finally { $map.Dispose() }
    }
}

<#
.SYNOPSIS
Applies closed replica logs, oldest first and chain-checked, to a disk image: the writes
coalesced, the last one winning.
.EXAMPLE
Get-HvrReplicaLog -FolderPath .\logs -LogName disk0 | Update-HvrDisk -Path replica.vhdx
#>
function Update-HvrDisk {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Path,
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $LogPath,
        [guid] $PreviousUniqueId
    )
    begin { $logs = New-Object System.Collections.Generic.List[string] }
    process { foreach ($p in $LogPath) { $logs.Add((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p)) } }
    end {
        try {
            $image = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
            if (-not $PSCmdlet.ShouldProcess($image, "Apply $($logs.Count) replica log(s)")) { return }
            $previous = if ($PSBoundParameters.ContainsKey('PreviousUniqueId')) { [Nullable[guid]]$PreviousUniqueId } else { $null }
            $disk = [Hvr.Disk]::OpenWritable($image)
            $map = New-Object Hvr.ExtentMap
            try {
                $null = $map.AddLogs($logs, $disk.Info.VirtualSize, $previous, $null)
                $map.ApplyTo($disk, $null)
                $disk.Flush()
            } finally {
                $map.Dispose()
                $disk.Dispose()
            }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
    }
}

#endregion

#region Replica stores

<#
.SYNOPSIS
Options for the store cmdlets' -StoreOption: requests in flight, timeouts, TLS, proxy,
bandwidth by work hours, and a customer-provided encryption key.
#>
function New-HvrStoreOption {
    [CmdletBinding()]
    [OutputType([Hvr.StoreOptions])]
    param(
        [ValidateRange(1, 256)] [int] $MaxInFlight,
        [ValidateRange(1, 3600)] [int] $ConnectTimeoutSec,
        [ValidateRange(1, 3600)] [int] $IoTimeoutSec,
        [switch] $SkipCertificateCheck,
        [string] $CaFile,
        [string] $Proxy,
        [uint64] $WorkHoursBytesPerSecond,
        [uint64] $NonWorkHoursBytesPerSecond,
        [ValidateRange(0, 1440)] [int] $WorkStartMinute = 540,
        [ValidateRange(0, 1440)] [int] $WorkEndMinute = 1020,
        [System.DayOfWeek[]] $WorkDays = @('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'),
        [byte[]] $EncryptionKey
    )
    $options = New-Object Hvr.StoreOptions
    if ($PSBoundParameters.ContainsKey('MaxInFlight')) { $options.MaxInFlight = $MaxInFlight }
    if ($PSBoundParameters.ContainsKey('ConnectTimeoutSec')) { $options.ConnectTimeout = [System.TimeSpan]::FromSeconds($ConnectTimeoutSec) }
    if ($PSBoundParameters.ContainsKey('IoTimeoutSec')) { $options.IoTimeout = [System.TimeSpan]::FromSeconds($IoTimeoutSec) }
    $options.VerifyCertificate = -not $SkipCertificateCheck
    if ($CaFile) { $options.CaFile = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $CaFile }
    if ($PSBoundParameters.ContainsKey('Proxy')) { $options.Proxy = $Proxy }
    if ($PSBoundParameters.ContainsKey('WorkHoursBytesPerSecond') -or $PSBoundParameters.ContainsKey('NonWorkHoursBytesPerSecond')) {
        $bandwidth = New-Object Hvr.BandwidthSchedule
        $bandwidth.WorkBytesPerSecond = $WorkHoursBytesPerSecond
        $bandwidth.NonWorkBytesPerSecond = $NonWorkHoursBytesPerSecond
        $bandwidth.WorkStartMinute = $WorkStartMinute
        $bandwidth.WorkEndMinute = $WorkEndMinute
        $bandwidth.WorkDays = $WorkDays
        $options.Bandwidth = $bandwidth
    }
    if ($EncryptionKey) { $options.EncryptionKey = $EncryptionKey }
    $options
}

<#
.SYNOPSIS
The replica disks of a store (Azure page blobs or a local folder). -Target is a connection
string with Container=, a container URL with a SAS token, or a folder; it may hold secrets
and is never part of the output.
.EXAMPLE
Get-HvrReplicaDisk -Target 'UseDevelopmentStorage=true;Container=replicas'
#>
function Get-HvrReplicaDisk {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Position = 1, ValueFromPipelineByPropertyName)] [Alias('DiskName')] [string[]] $Name,
        [Hvr.StoreOptions] $StoreOption
    )
    begin {
        try {
            $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
            try { $listing = $store.ListJson() | ConvertFrom-Json } finally { $store.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet }
        $wanted = New-Object System.Collections.Generic.List[string]
    }
    process { if ($Name) { $wanted.AddRange([string[]]$Name) } }
    end {
        foreach ($disk in $listing.disks) {
            if ($wanted.Count -gt 0 -and -not $wanted.Contains($disk.name)) { continue }
            [pscustomobject]@{
                PSTypeName     = 'Hvr.ReplicaDisk'
                Name           = $disk.name
                Store          = $listing.store
                VirtualSize    = [uint64]$disk.virtual_size
                RecoveryPoints = $disk.recovery_points
                LeaseState     = $disk.lease_state
                LastModified   = [datetime]$disk.last_modified
                Metadata       = $disk.metadata
            }
        }
        foreach ($missing in $wanted) {
            if (-not ($listing.disks | Where-Object { $_.name -eq $missing })) {
                Write-Error -Message "$($listing.store): no replica disk '$missing'" -Category ObjectNotFound -TargetObject $missing
            }
        }
    }
}

<#
.SYNOPSIS
Copies a disk image (VHDX, VHD or raw, chains included) to a new replica disk, sending only
allocated non-zero data. Ctrl+C stops it; the replica disk stays as far as it got.
.EXAMPLE
Send-HvrDisk -Path D:\VMs\sql01\disk0.vhdx -Target $store -Name sql01-disk0
#>
function Send-HvrDisk {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('FullName')] [string] $Path,
        [Parameter(Mandatory, Position = 1)] [string] $Target,
        [Parameter(Position = 2, ValueFromPipelineByPropertyName)] [Alias('DiskName')] [string] $Name,
        [Hvr.StoreOptions] $StoreOption
    )
    process {
        try {
            $image = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $Path
            $disk = if ($Name) { $Name } else { [System.IO.Path]::GetFileNameWithoutExtension($image) }
            if (-not $PSCmdlet.ShouldProcess($disk, "Upload $image")) { return }
            $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
            try {
                $stats = Wait-HvrOperation -Operation $store.StartUpload($image, $disk) -Activity "Uploading $image to $disk"
                ConvertTo-HvrStatsObject -Stats $stats -Name $disk
            } finally { $store.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Path }
    }
}

<#
.SYNOPSIS
Writes a replica disk, or one of its recovery points, to a new file: sparse, with the
fixed-VHD footer unless -NoFooter (then it is a raw image).
.EXAMPLE
Get-HvrRecoveryPoint -Target $store -DiskName sql01-disk0 | Select-Object -Last 1 |
    Receive-HvrDisk -Target $store -DestinationPath restore.vhd
#>
function Receive-HvrDisk {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [Alias('DiskName')] [string] $Name,
        [Parameter(Mandatory, Position = 2)] [string] $DestinationPath,
        [Parameter(ValueFromPipelineByPropertyName)] [Alias('Id')] [string] $RecoveryPointId,
        [switch] $NoFooter,
        [Hvr.StoreOptions] $StoreOption
    )
    process {
        try {
            $destination = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $DestinationPath
            $what = if ($RecoveryPointId) { "$Name@$RecoveryPointId" } else { $Name }
            if (-not $PSCmdlet.ShouldProcess($destination, "Download $what")) { return }
            $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
            try {
                $point = if ($RecoveryPointId) { $RecoveryPointId } else { $null }
                $stats = Wait-HvrOperation -Operation $store.StartDownload($Name, $point, $destination, -not $NoFooter) `
                    -Activity "Downloading $what to $destination"
                ConvertTo-HvrStatsObject -Stats $stats -Name $Name
            } finally { $store.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Name }
    }
}

<#
.SYNOPSIS
Deletes replica disks with all their recovery points.
#>
function Remove-HvrReplicaDisk {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [Alias('DiskName')] [string[]] $Name,
        [Hvr.StoreOptions] $StoreOption
    )
    process {
        foreach ($n in $Name) {
            if (-not $PSCmdlet.ShouldProcess($n, 'Delete replica disk and its recovery points')) { continue }
            try {
                $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
                try { $store.DeleteDisk($n) } finally { $store.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $n }
        }
    }
}

<#
.SYNOPSIS
Takes a recovery point of replica disks, like Checkpoint-VM.
#>
function Checkpoint-HvrReplicaDisk {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [Alias('DiskName')] [string[]] $Name,
        [switch] $ApplicationConsistent,
        [Hvr.StoreOptions] $StoreOption
    )
    process {
        foreach ($n in $Name) {
            if (-not $PSCmdlet.ShouldProcess($n, 'Take a recovery point')) { continue }
            try {
                $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
                try {
                    $id = $store.CreateRecoveryPoint($n, [bool]$ApplicationConsistent)
                    ConvertFrom-HvrRecoveryPointJson -Json $store.ListRecoveryPointsJson($n) -DiskName $n |
                        Where-Object { $_.Id -eq $id }
                } finally { $store.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $n }
        }
    }
}

<#
.SYNOPSIS
The recovery points of replica disks, oldest first.
.EXAMPLE
Get-HvrReplicaDisk -Target $store | Get-HvrRecoveryPoint -Target $store
#>
function Get-HvrRecoveryPoint {
    [CmdletBinding(DefaultParameterSetName = 'Disk')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Disk')] [string] $Target,
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Disk', ValueFromPipelineByPropertyName)]
        [Alias('Name')] [string[]] $DiskName,
        [Parameter(ParameterSetName = 'Disk')] [Hvr.StoreOptions] $StoreOption
    )
    process {
        foreach ($n in $DiskName) {
            try {
                $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
                try { ConvertFrom-HvrRecoveryPointJson -Json $store.ListRecoveryPointsJson($n) -DiskName $n }
                finally { $store.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $n }
        }
    }
}

<#
.SYNOPSIS
Deletes recovery points.
.EXAMPLE
Get-HvrRecoveryPoint -Target $store -DiskName d0 | Select-Object -SkipLast 3 | Remove-HvrRecoveryPoint -Target $store
#>
function Remove-HvrRecoveryPoint {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [string] $DiskName,
        [Parameter(Mandatory, Position = 2, ValueFromPipelineByPropertyName)] [string] $Id,
        [Hvr.StoreOptions] $StoreOption
    )
    process {
        if (-not $PSCmdlet.ShouldProcess("$DiskName@$Id", 'Delete recovery point')) { return }
        try {
            $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
            try { $store.DeleteRecoveryPoint($DiskName, $Id) } finally { $store.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Id }
    }
}

<#
.SYNOPSIS
Creates a replica disk with the content of a recovery point (what a test failover starts
from), leaving the source and its points untouched.
#>
function Copy-HvrReplicaDisk {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [Alias('DiskName')] [string] $Name,
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)] [Alias('Id')] [string] $RecoveryPointId,
        [Parameter(Mandatory, Position = 2)] [string] $DestinationName,
        [Hvr.StoreOptions] $StoreOption
    )
    process {
        try {
            if (-not $PSCmdlet.ShouldProcess($DestinationName, "Copy $Name@$RecoveryPointId")) { return }
            $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
            try { $store.CopyRecoveryPoint($Name, $RecoveryPointId, $DestinationName) } finally { $store.Dispose() }
            Get-HvrReplicaDisk -Target $Target -Name $DestinationName -StoreOption $StoreOption
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Name }
    }
}

<#
.SYNOPSIS
Applies closed replica logs, oldest first and chain-checked, to a replica disk in a store:
the writes coalesced into page writes of at most 4 MiB. -Checkpoint then takes a recovery
point.
.EXAMPLE
Get-HvrReplicaLog -FolderPath .\logs -LogName disk0 | Update-HvrReplicaDisk -Target $store -Name sql01-disk0 -Checkpoint
#>
function Update-HvrReplicaDisk {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Target,
        [Parameter(Mandatory, Position = 1)] [string] $Name,
        [Parameter(Mandatory, Position = 2, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $LogPath,
        [guid] $PreviousUniqueId,
        [switch] $Checkpoint,
        [switch] $ApplicationConsistent,
        [Hvr.StoreOptions] $StoreOption
    )
    begin { $logs = New-Object System.Collections.Generic.List[string] }
    process { foreach ($p in $LogPath) { $logs.Add((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p)) } }
    end {
        try {
            if (-not $PSCmdlet.ShouldProcess($Name, "Apply $($logs.Count) replica log(s)")) { return }
            $previous = if ($PSBoundParameters.ContainsKey('PreviousUniqueId')) { [Nullable[guid]]$PreviousUniqueId } else { $null }
            $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
            $map = New-Object Hvr.ExtentMap
            try {
                $null = $map.AddLogs($logs, $store.GetDisk($Name).VirtualSize, $previous, $null)
                $map.ApplyTo($store, $Name, $null)
                if ($Checkpoint) {
                    $id = $store.CreateRecoveryPoint($Name, [bool]$ApplicationConsistent)
                    ConvertFrom-HvrRecoveryPointJson -Json $store.ListRecoveryPointsJson($Name) -DiskName $Name |
                        Where-Object { $_.Id -eq $id }
                }
            } finally {
                $map.Dispose()
                $store.Dispose()
            }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $Name }
    }
}

#endregion

#region Replication and failover
# The replication session (Enable-HvrReplication, Start-HvrInitialReplication,
# Get-HvrReplication, Measure-HvrReplication, Resume-HvrReplication -Resynchronize,
# Set-HvrReplication -Reverse, Get-HvrJob, Get-HvrRecoveryPoint -VMName) and failover
# (Start-HvrFailover [-Planned|-Test], Complete-HvrFailover, Stop-HvrTestFailover,
# Start-HvrFailback) come here once hvr.h has their calls: declarations in HvrNative.cs,
# wrappers in a new Hvr*.cs file added to $script:Sources, tests in tests/bindings, the
# cmdlets below, and FunctionsToExport in HvReplication.psd1 (docs/powershell.md, "Adding
# cmdlets").
#endregion
