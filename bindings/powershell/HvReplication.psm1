# HvReplication: hvr from PowerShell, through P/Invoke (docs/powershell.md).
#
# The manifest loads the C# layer (Hvr*.cs, compiled once into HvReplication.dll by
# HvReplication.csproj) before this file runs; here it is bound to libhvr (HVR_LIBRARY, then
# this folder, then the system), and the cmdlets shaped like the Hyper-V module's are
# defined. Every cmdlet is a thin shell over the C# wrappers; what is here is parameter
# binding, paths, ShouldProcess, progress and errors. Works in Windows PowerShell 5.1 and
# PowerShell 7; tests/powershell runs it in PowerShell 7.

Set-StrictMode -Version 3.0

#region Loading

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

# A path as the library must see it: PowerShell's current location is not the process's.
function ConvertTo-HvrPath {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Path)
    if ([string]::IsNullOrEmpty($Path)) { return $Path }
    $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

# A store target: connection strings and URLs as given (libhvr refuses mistyped ones), local
# folders (a path, or file:PATH) resolved like paths, against PowerShell's location rather
# than the process's current directory.
function ConvertTo-HvrTarget {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [string] $Target)
    if ($Target -match '^[A-Za-z][A-Za-z0-9]*=' -or $Target -match '://') { return $Target }
    if ($Target -match '^file:(.+)$') { return 'file:' + (ConvertTo-HvrPath -Cmdlet $Cmdlet -Path $Matches[1]) }
    ConvertTo-HvrPath -Cmdlet $Cmdlet -Path $Target
}

function Open-HvrStore {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
          [Parameter(Mandatory)] [string] $Target, [Hvr.StoreOptions] $StoreOption)
    [Hvr.Store]::Open((ConvertTo-HvrTarget -Cmdlet $Cmdlet -Target $Target), $StoreOption)
}

# A JSON document of the library, its strings kept as written. PowerShell 7's ConvertFrom-Json
# turns strings that look like dates into DateTime, so a recovery point's id (a timestamp)
# would come back as a date and no longer name the point; -DateKind String (PowerShell 7.5
# and later) keeps it. Windows PowerShell 5.1 never converts them.
$script:JsonHasDateKind = (Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')
function ConvertFrom-HvrJson {
    param([Parameter(Mandatory)] [string] $Json)
    if ($script:JsonHasDateKind) { ConvertFrom-Json -InputObject $Json -DateKind String }
    else { ConvertFrom-Json -InputObject $Json }
}

# The elements of a JSON array. Windows PowerShell 5.1's ConvertFrom-Json outputs an array
# as one object and PowerShell 7's enumerates it; foreach over the parenthesised call
# enumerates both.
function ConvertFrom-HvrJsonArray {
    param([Parameter(Mandatory)] [string] $Json)
    foreach ($item in (ConvertFrom-HvrJson -Json $Json)) { $item }
}

# A store's recovery-point listing (JSON) as objects.
function ConvertFrom-HvrRecoveryPointJson {
    param([Parameter(Mandatory)] [string] $Json, [Parameter(Mandatory)] [string] $DiskName)
    foreach ($point in (ConvertFrom-HvrJsonArray -Json $Json)) {
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

# A session on a VM's state directory, on a private engine, with the host the caller built
# in C# (or the default host: disks nothing writes while they are protected). -ReadOnly
# works while another process runs the VM.
function Open-HvrSession {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
          [Parameter(Mandatory)] [string] $StateDir, [switch] $ReadOnly, [Hvr.Host] $HvrHost)
    $options = New-Object Hvr.SessionOptions
    if ($HvrHost) { $options.Host = $HvrHost }
    [Hvr.Session]::Open($null, (ConvertTo-HvrPath -Cmdlet $Cmdlet -Path $StateDir), $options, [bool]$ReadOnly)
}

# Waits for a session's operation (Hvr.Operation[T]) while showing its job: the step it is
# at and, when the job measures it, its progress. Ctrl+C stops the pipeline between two
# waits; the finally block then cancels the native call (the calls that take a token stop
# at their next safe point, a failover runs to its end) and waits for it.
function Wait-HvrSessionOperation {
    param([Parameter(Mandatory)] $Operation, [Parameter(Mandatory)] [Hvr.Session] $Session,
          [Parameter(Mandatory)] [string] $Activity)
    try {
        while (-not $Operation.Wait(200)) {
            $job = $Session.LastJob
            if ($null -eq $job -or -not $job.IsRunning) { continue }
            $step = if ($job.Step) { $job.Step } else { $job.Type }
            if ($job.ProgressTotal -gt 0) {
                Write-Progress -Activity $Activity -PercentComplete $job.PercentComplete `
                    -Status ('{0}: {1:N0} of {2:N0} bytes' -f $step, $job.ProgressDone, $job.ProgressTotal)
            } else {
                Write-Progress -Activity $Activity -Status $step
            }
        }
        $Operation.Result
    } finally {
        $Operation.Dispose()
        Write-Progress -Activity $Activity -Completed
    }
}

function ConvertFrom-HvrUnixTime {
    param($Seconds)
    if ($null -eq $Seconds) { return $null }
    [Hvr.UnixSeconds]::ToDate([int64]$Seconds)
}

# A session's status as Get-HvrReplication shows it: the typed status, and what only the
# JSON document has (names, the store without secrets, the error's message, the disks).
function ConvertTo-HvrReplicationObject {
    param([Parameter(Mandatory)] [Hvr.Session] $Session)
    $status = $Session.GetStatus()
    $document = ConvertFrom-HvrJson -Json $Session.StatusJson()
    $lastError = $null
    if ($null -ne $document.last_error) { $lastError = $document.last_error.message }
    $disks = foreach ($disk in $document.disks) {
        [pscustomobject]@{
            PSTypeName      = 'Hvr.ReplicationDisk'
            Path            = $disk.source
            ReplicaDiskName = $disk.replica
            VirtualSize     = [uint64]$disk.virtual_size
            SyncDone        = [uint64]$disk.sync_done
            SyncTotal       = [uint64]$disk.sync_total
            BytesSent       = [uint64]$disk.bytes_sent
            PendingLogBytes = [uint64]$disk.pending_log_bytes
        }
    }
    [pscustomobject]@{
        PSTypeName          = 'Hvr.Replication'
        VMName              = $document.vm_name
        VMId                = [guid]$document.vm_id
        State               = $status.State
        Health              = $status.Health
        SyncPercent         = $status.SyncPercent
        LastReplicationTime = $status.LastReplicated
        RPO                 = $status.Rpo
        RecoveryPoints      = $status.RecoveryPoints
        Cycles              = $status.Cycles
        BytesSent           = $status.BytesSent
        ResyncReason        = $document.resync_reason
        LastError           = $lastError
        LastErrorStatus     = $status.LastError
        FailingSince        = $status.FailingSince
        NextAttempt         = $status.NextAttempt
        Store               = $document.target
        Disks               = @($disks)
        StateDir            = $Session.StateDir
    }
}

# The JSON of a failed-over VM (failover, test failover) as an object.
function ConvertFrom-HvrFailoverVMJson {
    param([Parameter(Mandatory)] [string] $Json, [Parameter(Mandatory)] [string] $StateDir)
    $vm = ConvertFrom-HvrJson -Json $Json
    $disks = foreach ($disk in $vm.disks) {
        [pscustomobject]@{
            PSTypeName  = 'Hvr.FailoverDisk'
            Name        = $disk.name
            Location    = $disk.location
            VirtualSize = [uint64]$disk.virtual_size
        }
    }
    [pscustomobject]@{
        PSTypeName            = 'Hvr.FailoverVM'
        VMName                = $vm.vm_name
        RecoveryPointId       = $vm.point_id
        RecoveryPointTime     = ConvertFrom-HvrUnixTime $vm.point_time
        ApplicationConsistent = $vm.app_consistent
        Test                  = $vm.test
        Planned               = $vm.planned
        Disks                 = @($disks)
        Settings              = $vm.settings
        StateDir              = $StateDir
    }
}

#endregion

#region Recovery points (the VM's, of the replication group, and a store's)

<#
.SYNOPSIS
The recovery points of replica disks in a store, or (-StateDir) of a protected VM, oldest
first. A VM's points are its disks' points taken together; their Id is what
Start-HvrFailover -RecoveryPoint takes.
.EXAMPLE
Get-HvrReplicaDisk -Target $store | Get-HvrRecoveryPoint -Target $store
.EXAMPLE
Get-HvrRecoveryPoint -StateDir /var/lib/hvr/sql01 | Where-Object ApplicationConsistent | Select-Object -Last 1 |
    Start-HvrFailover -Test
#>
function Get-HvrRecoveryPoint {
    [CmdletBinding(DefaultParameterSetName = 'Disk')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Disk')] [string] $Target,
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'Disk', ValueFromPipelineByPropertyName)]
        [Alias('Name')] [string[]] $DiskName,
        [Parameter(ParameterSetName = 'Disk')] [Hvr.StoreOptions] $StoreOption,
        [Parameter(Mandatory, ParameterSetName = 'VM', ValueFromPipelineByPropertyName)] [string[]] $StateDir
    )
    process {
        if ($PSCmdlet.ParameterSetName -eq 'VM') {
            foreach ($dir in $StateDir) {
                try {
                    $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -ReadOnly
                    try {
                        $vmName = (ConvertFrom-HvrJson -Json $session.StatusJson()).vm_name
                        foreach ($point in (ConvertFrom-HvrJsonArray -Json $session.RecoveryPointsJson())) {
                            [pscustomobject]@{
                                PSTypeName            = 'Hvr.VMRecoveryPoint'
                                VMName                = $vmName
                                Id                    = $point.id
                                Sequence              = [uint64]$point.sequence
                                Created               = ConvertFrom-HvrUnixTime $point.created
                                SourceTime            = ConvertFrom-HvrUnixTime $point.source_time
                                ApplicationConsistent = $point.app_consistent
                                Snapshots             = @($point.snapshots)
                                StateDir              = $session.StateDir
                            }
                        }
                    } finally { $session.Dispose() }
                } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
            }
            return
        }
        foreach ($n in $DiskName) {
            try {
                $store = Open-HvrStore -Cmdlet $PSCmdlet -Target $Target -StoreOption $StoreOption
                try { ConvertFrom-HvrRecoveryPointJson -Json $store.ListRecoveryPointsJson($n) -DiskName $n }
                finally { $store.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $n }
        }
    }
}

#endregion

#region Replication and failover
# A VM's protection lives in its state directory (docs/session.md): every cmdlet opens it
# for the time of the call, on a private engine, read-only where it only looks (so it also
# works while a scheduler elsewhere runs the VM). Operations run as Hvr.Operation with
# Write-Progress from the session's job callback. -HvrHost takes a host built in C# (an
# Hvr.Host whose callbacks freeze disks and rotate their logs); without it the default host
# suits disks nothing writes while they are protected.

<#
.SYNOPSIS
Enables replication of a VM's disks to a target (an Azure container or a local folder),
like Enable-VMReplication: checks the disks and the target, creates the replica disks, takes
their leases and keeps the relationship in -StateDir. Start-HvrInitialReplication copies
the disks next. Run again on the same -StateDir after a crash, it finishes.
.DESCRIPTION
-Path lists the disks, OS disk first. Their change trackers write replica logs to
-LogFolderPath (one folder for all disks, or one per disk; default: each disk's folder)
named after -LogName (one per disk; default: the disk's file name without extension).
-Target may hold a secret: the state directory keeps it owner-only, and it is never part of
the output.
.EXAMPLE
Enable-HvrReplication -VMName sql01 -Path D:\VMs\sql01\disk0.vhdx -Target $store -StateDir D:\hvr\sql01 -ReplicationFrequencySec 30
#>
function Enable-HvrReplication {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0)] [ValidateNotNullOrEmpty()] [string] $VMName,
        [Parameter(Mandatory, Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $Path,
        [Parameter(Mandatory)] [string] $Target,
        [Parameter(Mandatory)] [string] $StateDir,
        [int] $ReplicationFrequencySec = 300,
        [int] $RecoveryHistoryHours,
        [Alias('VSSSnapshotFrequencyHour')] [int] $AppConsistentFrequencyHours,
        [int] $RpoThresholdSec,
        [string[]] $LogFolderPath,
        [string[]] $LogName,
        [string[]] $ReplicaDiskName,
        [int] $MaxInFlight,
        [switch] $SkipCertificateCheck,
        [string] $CaFile,
        [string] $Proxy,
        [string] $EncryptionKeyFile,
        [uint64] $WorkHoursBytesPerSecond,
        [uint64] $NonWorkHoursBytesPerSecond,
        [int] $WorkStartMinute = 540,
        [int] $WorkEndMinute = 1020,
        [System.DayOfWeek[]] $WorkDays = @('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'),
        [bool] $AutoResynchronizeEnabled = $true,
        [int] $OfficeHoursStartMinute = 480,
        [int] $OfficeHoursEndMinute = 1080,
        [System.DayOfWeek[]] $OfficeDays = @('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'),
        [uint32] $ChunkSizeBytes,
        [hashtable] $FailoverSetting,
        [Hvr.Host] $HvrHost
    )
    begin { $all = New-Object System.Collections.Generic.List[string] }
    process { foreach ($p in $Path) { $all.Add((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $p)) } }
    end {
        try {
            $dir = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $StateDir
            $disks = $all.ToArray()
            if ($LogFolderPath -and $LogFolderPath.Count -ne 1 -and $LogFolderPath.Count -ne $disks.Count) {
                throw (New-Object System.ArgumentException('-LogFolderPath takes one folder, or one per disk'))
            }
            if ($LogName -and $LogName.Count -ne $disks.Count) {
                throw (New-Object System.ArgumentException('-LogName takes one name per disk'))
            }
            if ($ReplicaDiskName -and $ReplicaDiskName.Count -ne $disks.Count) {
                throw (New-Object System.ArgumentException('-ReplicaDiskName takes one name per disk'))
            }
            if (-not $PSCmdlet.ShouldProcess($VMName, "Enable replication of $($disks.Count) disk(s), state in $dir")) { return }
            $protection = [Hvr.Protection]::new($VMName, (ConvertTo-HvrTarget -Cmdlet $PSCmdlet -Target $Target))
            try {
                for ($i = 0; $i -lt $disks.Count; ++$i) {
                    $folder = $null
                    if ($LogFolderPath) {
                        $folder = ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $LogFolderPath[[Math]::Min($i, $LogFolderPath.Count - 1)]
                    }
                    $name = if ($LogName) { $LogName[$i] } else { $null }
                    $replica = if ($ReplicaDiskName) { $ReplicaDiskName[$i] } else { $null }
                    $protection.AddDisk($disks[$i], $folder, $name, $replica)
                }
                $protection.SetInterval($ReplicationFrequencySec)
                if ($PSBoundParameters.ContainsKey('RecoveryHistoryHours')) { $protection.SetRecoveryHistory($RecoveryHistoryHours) }
                if ($PSBoundParameters.ContainsKey('AppConsistentFrequencyHours')) {
                    $protection.SetAppConsistentFrequency($AppConsistentFrequencyHours)
                }
                if ($PSBoundParameters.ContainsKey('RpoThresholdSec')) {
                    $protection.SetRpoThreshold([System.TimeSpan]::FromSeconds($RpoThresholdSec))
                }
                if ($PSBoundParameters.ContainsKey('MaxInFlight')) { $protection.SetMaxInFlight($MaxInFlight) }
                if ($SkipCertificateCheck -or $CaFile) {
                    $ca = if ($CaFile) { ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $CaFile } else { $null }
                    $protection.SetTls(-not $SkipCertificateCheck, $ca)
                }
                if ($PSBoundParameters.ContainsKey('Proxy')) { $protection.SetProxy($Proxy) }
                if ($EncryptionKeyFile) {
                    $protection.SetEncryptionKeyFile((ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $EncryptionKeyFile))
                }
                if ($PSBoundParameters.ContainsKey('WorkHoursBytesPerSecond') -or $PSBoundParameters.ContainsKey('NonWorkHoursBytesPerSecond')) {
                    $bandwidth = New-Object Hvr.BandwidthSchedule
                    $bandwidth.WorkBytesPerSecond = $WorkHoursBytesPerSecond
                    $bandwidth.NonWorkBytesPerSecond = $NonWorkHoursBytesPerSecond
                    $bandwidth.WorkStartMinute = $WorkStartMinute
                    $bandwidth.WorkEndMinute = $WorkEndMinute
                    $bandwidth.WorkDays = $WorkDays
                    $protection.SetBandwidth($bandwidth)
                }
                if ($PSBoundParameters.ContainsKey('AutoResynchronizeEnabled') -or $PSBoundParameters.ContainsKey('OfficeHoursStartMinute') -or
                    $PSBoundParameters.ContainsKey('OfficeHoursEndMinute') -or $PSBoundParameters.ContainsKey('OfficeDays')) {
                    $protection.SetResyncWindow($AutoResynchronizeEnabled, $OfficeHoursStartMinute, $OfficeHoursEndMinute, $OfficeDays)
                }
                if ($PSBoundParameters.ContainsKey('ChunkSizeBytes')) { $protection.SetChunkSize($ChunkSizeBytes) }
                if ($FailoverSetting) {
                    foreach ($key in $FailoverSetting.Keys) { $protection.SetFailoverSetting([string]$key, [string]$FailoverSetting[$key]) }
                }
                $options = New-Object Hvr.SessionOptions
                if ($HvrHost) { $options.Host = $HvrHost }
                $session = [Hvr.Session]::Protect($null, $dir, $protection, $options)
                try { ConvertTo-HvrReplicationObject -Session $session } finally { $session.Dispose() }
            } finally { $protection.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $VMName }
    }
}

<#
.SYNOPSIS
Copies a protected VM's disks to its replica disks, like Start-VMInitialReplication: a
copy from a checkpoint, the logs written meanwhile, the first recovery point. Ctrl+C stops
it at a safe point; run again, it resumes where it stopped.
.EXAMPLE
Start-HvrInitialReplication -StateDir D:\hvr\sql01
#>
function Start-HvrInitialReplication {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [Hvr.Host] $HvrHost
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                if (-not $PSCmdlet.ShouldProcess($dir, 'Start initial replication')) { continue }
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -HvrHost $HvrHost
                try {
                    $null = Wait-HvrSessionOperation -Operation $session.StartReplicateInitially() -Session $session `
                        -Activity "Initial replication ($dir)"
                    ConvertTo-HvrReplicationObject -Session $session
                } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
The replication status of protected VMs, like Get-VMReplication: state, health, RPO,
recovery points, the last error, the disks. Reads the state directory without taking it,
so it works while another process runs the VM.
.EXAMPLE
Get-ChildItem D:\hvr -Directory | Get-HvrReplication | Format-Table VMName, State, Health, RPO
#>
function Get-HvrReplication {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -ReadOnly
                try { ConvertTo-HvrReplicationObject -Session $session } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
Replication statistics of protected VMs, like Measure-VMReplication, with Hyper-V's
property names where they mean the same (the names hvrepl stats shows): since the last reset (hvrepl stats --reset), or
with -SinceProtection since protection was enabled (docs/monitoring.md says what each
counts).
.EXAMPLE
Get-ChildItem D:\hvr -Directory | Measure-HvrReplication
.EXAMPLE
Measure-HvrReplication D:\hvr\sql01 -SinceProtection
#>
function Measure-HvrReplication {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [switch] $SinceProtection
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -ReadOnly
                try {
                    $replication = ConvertTo-HvrReplicationObject -Session $session
                    $document = ConvertFrom-HvrJson -Json $session.StatusJson()
                } finally { $session.Dispose() }
                $r = if ($SinceProtection) { $document.lifetime_statistics } else { $document.statistics }
                $lastCycle = $null
                if ($null -ne $r.last_cycle_duration_ms) {
                    $lastCycle = [System.TimeSpan]::FromMilliseconds([double]$r.last_cycle_duration_ms)
                }
                [pscustomobject]@{
                    PSTypeName                 = 'Hvr.ReplicationStatistics'
                    VMName                     = $replication.VMName
                    State                      = $replication.State
                    Health                     = $replication.Health
                    LastReplicationTime        = $replication.LastReplicationTime
                    RPO                        = $replication.RPO
                    PendingReplicationSize     = [uint64]$document.pending_bytes
                    AverageReplicationLatency  = [System.TimeSpan]::FromMilliseconds([double]$r.average_latency_ms)
                    MaximumReplicationLatency  = [System.TimeSpan]::FromMilliseconds([double]$r.latency_max_ms)
                    AverageReplicationSize     = [uint64]$r.average_cycle_bytes
                    MaximumReplicationSize     = [uint64]$r.cycle_bytes_max
                    SuccessfulReplicationCount = [uint64]$r.successful_cycles
                    MissedReplicationCount     = [uint64]$r.missed_cycles
                    ReplicationFailureCount    = [uint64]$r.failed_cycles
                    NetworkFailureCount        = [uint64]$r.network_failures
                    AppConsistencyFailures     = [uint64]$r.app_consistent_failures
                    ResynchronizationCount     = [uint64]$r.resyncs
                    ResynchronizedBytes        = [uint64]$r.resync_bytes
                    BytesSent                  = [uint64]$r.bytes_sent
                    LastCycleDuration          = $lastCycle
                    MonitoringStartTime        = ConvertFrom-HvrUnixTime $r.since
                    LastError                  = $replication.LastError
                    StateDir                   = $replication.StateDir
                }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
Resumes replication, like Resume-VMReplication: clears a non-recoverable error once it is
dealt with, or with -Resynchronize resynchronizes the VM now (whatever the resync window;
Ctrl+C stops it at a safe point and a rerun resumes it). -Resynchronize -Deferred only marks
the VM for resync: its resync window, or the process that runs it, starts it (this works
while another process runs the VM). -VerifyReplica makes the resync read the replicas instead
of trusting what was recorded of them (after someone else wrote them).
.EXAMPLE
Resume-HvrReplication -StateDir D:\hvr\sql01 -Resynchronize
#>
function Resume-HvrReplication {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ClearError')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [Parameter(Mandatory, ParameterSetName = 'Resynchronize')] [switch] $Resynchronize,
        [Parameter(ParameterSetName = 'Resynchronize')] [switch] $Deferred,
        [Parameter(ParameterSetName = 'Resynchronize')] [string] $Reason,
        [Parameter(ParameterSetName = 'Resynchronize')] [switch] $VerifyReplica,
        [Hvr.Host] $HvrHost
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                $action = 'Clear the replication error'
                if ($Resynchronize) { $action = if ($Deferred) { 'Mark for resynchronization' } else { 'Resynchronize' } }
                if (-not $PSCmdlet.ShouldProcess($dir, $action)) { continue }
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -ReadOnly:([bool]$Deferred) -HvrHost $HvrHost
                try {
                    if (-not $Resynchronize) {
                        $session.ClearError()
                    } elseif ($Deferred) {
                        $why = if ($Reason) { $Reason } else { $null }
                        $session.RequestResync($why, [bool]$VerifyReplica)
                    } else {
                        $operation = $session.StartResynchronize([bool]$VerifyReplica)
                        $null = Wait-HvrSessionOperation -Operation $operation -Session $session `
                            -Activity "Resynchronizing ($dir)"
                    }
                    ConvertTo-HvrReplicationObject -Session $session
                } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
Runs one delta replication cycle now: the host rotates the logs, the closed logs are
checked, coalesced and written to the replicas, and a recovery point is taken. Tracking
failures mark the VM for resync and end the command with their error.
.EXAMPLE
Start-HvrReplicationCycle -StateDir D:\hvr\sql01 -HvrHost $hypervisor
#>
function Start-HvrReplicationCycle {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [Hvr.Host] $HvrHost
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                if (-not $PSCmdlet.ShouldProcess($dir, 'Run a replication cycle')) { continue }
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -HvrHost $HvrHost
                try {
                    $cycle = Wait-HvrSessionOperation -Operation $session.StartRunCycle() -Session $session `
                        -Activity "Replication cycle ($dir)"
                    $point = if ($cycle.RecoveryPoint -ne 0) { $cycle.RecoveryPoint } else { $null }
                    [pscustomobject]@{
                        PSTypeName    = 'Hvr.ReplicationCycle'
                        Shipped       = $cycle.Shipped
                        Logs          = $cycle.Logs
                        LoggedBytes   = $cycle.LoggedBytes
                        ChangedBytes  = $cycle.ChangedBytes
                        BytesSent     = $cycle.BytesSent
                        PageWrites    = $cycle.PageWrites
                        RecoveryPoint = $point
                        Elapsed       = $cycle.Elapsed
                        StateDir      = $session.StateDir
                    }
                } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
Fails a protected VM over to Azure, like Start-VMFailover: copies a recovery point to new
disks and has the host create the VM. Unplanned by default (-RecoveryPoint: an Id from
Get-HvrRecoveryPoint -StateDir, 'latest' or 'latest-app-consistent'); -Planned has the host
shut the VM down and ships its last writes first; -Test creates a test VM while
replication goes on (Stop-HvrTestFailover removes it). A failover is never cancelled half
way: Ctrl+C waits for it, and a crash resumes it.
.EXAMPLE
Start-HvrFailover -StateDir D:\hvr\sql01 -Test
.EXAMPLE
Start-HvrFailover -StateDir D:\hvr\sql01 -RecoveryPoint latest-app-consistent
#>
function Start-HvrFailover {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High', DefaultParameterSetName = 'Unplanned')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('FullName')] [string] $StateDir,
        [Parameter(Mandatory, ParameterSetName = 'Planned')] [switch] $Planned,
        [Parameter(Mandatory, ParameterSetName = 'Test')] [switch] $Test,
        [Parameter(ParameterSetName = 'Unplanned', ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'Test', ValueFromPipelineByPropertyName)]
        [Alias('Id')] [string] $RecoveryPoint = 'latest',
        [Hvr.Host] $HvrHost
    )
    process {
        try {
            $what = "Failover to recovery point $RecoveryPoint"
            if ($Test) { $what = "Test failover to recovery point $RecoveryPoint" }
            if ($Planned) { $what = 'Planned failover' }
            if (-not $PSCmdlet.ShouldProcess($StateDir, $what)) { return }
            $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $StateDir -HvrHost $HvrHost
            try {
                if ($Test) {
                    $operation = $session.StartTestFailover($RecoveryPoint)
                } else {
                    $point = if ($Planned) { $null } else { $RecoveryPoint }
                    $operation = $session.StartFailover($point, [bool]$Planned)
                }
                $json = Wait-HvrSessionOperation -Operation $operation -Session $session -Activity "$what ($StateDir)"
                ConvertFrom-HvrFailoverVMJson -Json $json -StateDir $session.StateDir
            } finally { $session.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $StateDir }
    }
}

<#
.SYNOPSIS
Commits a failover, like Complete-VMFailover: the VM's recovery points are deleted and it
runs from the failed-over disks for good. After a completed failback it commits that
instead: the host deletes the Azure VM and the failed-over disks are deleted.
.EXAMPLE
Complete-HvrFailover -StateDir D:\hvr\sql01
#>
function Complete-HvrFailover {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [Hvr.Host] $HvrHost
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                # After a failback (the VM failed back, or protected again since) its commit is
                # due; otherwise the failover's. Looked up read-only, so -WhatIf changes nothing.
                $reader = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -ReadOnly
                try { $state = $reader.GetStatus().State } finally { $reader.Dispose() }
                $failedBack = $state -eq [Hvr.ReplicationState]::FailedBack -or $state -eq [Hvr.ReplicationState]::Replicating
                $what = 'Commit the failover: delete the recovery points'
                if ($failedBack) { $what = 'Commit the failback: delete the Azure VM and the failed-over disks' }
                if (-not $PSCmdlet.ShouldProcess($dir, $what)) { continue }
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -HvrHost $HvrHost
                try {
                    if ($failedBack) { $session.CommitFailback() } else { $session.CommitFailover() }
                    ConvertTo-HvrReplicationObject -Session $session
                } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
Ends a test failover, like Stop-VMFailover: the host removes the test VM and its disks are
deleted; replication was never interrupted.
.EXAMPLE
Stop-HvrTestFailover -StateDir D:\hvr\sql01
#>
function Stop-HvrTestFailover {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [Hvr.Host] $HvrHost
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                if (-not $PSCmdlet.ShouldProcess($dir, 'Remove the test failover VM and its disks')) { continue }
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -HvrHost $HvrHost
                try {
                    $session.CleanupTestFailover()
                    ConvertTo-HvrReplicationObject -Session $session
                } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
Fails a failed-over VM back on premises: to its original disks, or (-DestinationPath) to
new VHDX files in a folder. -SyncOnly brings the disks up to date while the Azure VM runs
(repeatable, each run moving what changed since the last); without it the host stops the
Azure VM, a last sync follows, the replica becomes the failback point and the host starts
the VM on premises. Then Set-HvrReplication -Reverse protects it again, and
Complete-HvrFailover deletes the failed-over disks.
.EXAMPLE
Start-HvrFailback -StateDir D:\hvr\sql01 -DestinationPath D:\VMs\sql01-back -SyncOnly
#>
function Start-HvrFailback {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [Alias('FullName')] [string] $StateDir,
        [string] $DestinationPath,
        [switch] $SyncOnly,
        [Hvr.Host] $HvrHost
    )
    process {
        try {
            $folder = if ($DestinationPath) { ConvertTo-HvrPath -Cmdlet $PSCmdlet -Path $DestinationPath } else { $null }
            $to = if ($folder) { $folder } else { 'the original disks' }
            $what = if ($SyncOnly) { "Synchronise $to with the failed-over disks" } else { "Fail back to $to" }
            if (-not $PSCmdlet.ShouldProcess($StateDir, $what)) { return }
            $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $StateDir -HvrHost $HvrHost
            try {
                $operation = if ($SyncOnly) { $session.StartFailbackSync($folder) } else { $session.StartFailbackComplete($folder) }
                $report = ConvertFrom-HvrJson -Json (Wait-HvrSessionOperation -Operation $operation -Session $session `
                    -Activity "$what ($StateDir)")
                $disks = foreach ($disk in $report.disks) {
                    [pscustomobject]@{
                        PSTypeName   = 'Hvr.FailbackDisk'
                        Destination  = $disk.destination
                        Method       = $disk.method
                        BytesRead    = [uint64]$disk.bytes_read
                        BytesWritten = [uint64]$disk.bytes_written
                    }
                }
                [pscustomobject]@{
                    PSTypeName = 'Hvr.Failback'
                    Completed  = $report.completed
                    Disks      = @($disks)
                    State      = $session.GetStatus().State
                    StateDir   = $session.StateDir
                }
            } finally { $session.Dispose() }
        } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $StateDir }
    }
}

<#
.SYNOPSIS
Changes a replication: -Reverse protects a failed-back VM again, like Set-VMReplication
-Reverse, from the failback point the replica already holds, without a full copy.
.EXAMPLE
Set-HvrReplication -StateDir D:\hvr\sql01 -Reverse
#>
function Set-HvrReplication {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [Parameter(Mandatory)] [switch] $Reverse,
        [Hvr.Host] $HvrHost
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                if (-not $PSCmdlet.ShouldProcess($dir, 'Reverse replication from the failback point')) { continue }
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -HvrHost $HvrHost
                try {
                    $session.Reverse()
                    ConvertTo-HvrReplicationObject -Session $session
                } finally { $session.Dispose() }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

<#
.SYNOPSIS
The jobs of protected VMs, oldest first (the last 200): enabling protection, initial
replication, cycles, resync, failovers, failback; with their steps, progress and errors.
-Type keeps jobs of those types (e.g. delta_replication); -Running only the running one.
.EXAMPLE
Get-HvrJob -StateDir D:\hvr\sql01 -Type delta_replication | Select-Object -Last 5
#>
function Get-HvrJob {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')] [string[]] $StateDir,
        [string[]] $Type,
        [switch] $Running
    )
    process {
        foreach ($dir in $StateDir) {
            try {
                $session = Open-HvrSession -Cmdlet $PSCmdlet -StateDir $dir -ReadOnly
                try {
                    $jobs = @(ConvertFrom-HvrJsonArray -Json $session.JobsJson())
                    $where = $session.StateDir
                } finally { $session.Dispose() }
                foreach ($job in $jobs) {
                    if ($Type -and $Type -notcontains $job.type) { continue }
                    if ($Running -and $job.state -ne 'running') { continue }
                    $steps = foreach ($step in $job.steps) {
                        [pscustomobject]@{
                            PSTypeName = 'Hvr.JobStep'
                            Name       = $step.name
                            State      = $step.state
                            Started    = ConvertFrom-HvrUnixTime $step.started
                            Ended      = ConvertFrom-HvrUnixTime $step.ended
                            Message    = $step.message
                        }
                    }
                    $started = ConvertFrom-HvrUnixTime $job.started
                    $ended = ConvertFrom-HvrUnixTime $job.ended
                    $duration = if ($null -ne $ended) { $ended - $started } else { $null }
                    $percent = if ([uint64]$job.progress_total -gt 0) {
                        [int][Math]::Min(100, 100.0 * [uint64]$job.progress_done / [uint64]$job.progress_total)
                    } else { $null }
                    $failure = if ($null -ne $job.error) { $job.error.message } else { $null }
                    [pscustomobject]@{
                        PSTypeName      = 'Hvr.Job'
                        Id              = $job.id
                        VMName          = $job.vm_name
                        Type            = $job.type
                        State           = $job.state
                        Started         = $started
                        Ended           = $ended
                        Duration        = $duration
                        PercentComplete = $percent
                        Summary         = $job.summary
                        Error           = $failure
                        Steps           = @($steps)
                        StateDir        = $where
                    }
                }
            } catch { Stop-HvrCommand -ErrorRecord $_ -Cmdlet $PSCmdlet -Target $dir }
        }
    }
}

#endregion
