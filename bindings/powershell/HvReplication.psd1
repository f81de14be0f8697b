# The module manifest of HvReplication (docs/powershell.md). Import-Module this file, not the
# .psm1: CmdletsToExport is the module's interface. HvReplication.dll is the C# layer
# (Hvr*.cs) and the cmdlets (Cmdlets/) that HvReplication.csproj compiles, with their help in
# HvReplication.dll-Help.xml; loading it as a nested module makes its types and cmdlets known
# before the .psm1 runs, which only binds the layer to libhvr. tests/powershell checks that
# the module exports exactly the documented cmdlets with their help, tests/powershell-layer that
# ModuleVersion is the library's version.
@{
    RootModule           = 'HvReplication.psm1'
    NestedModules        = @('HvReplication.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '99ee05d8-332a-42a4-9700-9315ab245581'
    Author               = 'hvr'
    Description          = 'Hyper-V virtual disks, Hyper-V Replica Logs, Azure page-blob replicas, and VM replication with failover and failback through libhvr (P/Invoke).'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FileList             = @('HvReplication.psm1', 'HvReplication.dll', 'HvReplication.dll-Help.xml',
                             'HvReplication.Format.ps1xml')
    # The default table views of the objects the cmdlets output.
    FormatsToProcess     = @('HvReplication.Format.ps1xml')

    FunctionsToExport    = @()
    # The cmdlets, all compiled in HvReplication.dll (bindings/powershell/Cmdlets).
    CmdletsToExport      = @(
        # Library
        'Get-HvrVersion', 'Get-HvrRetryPolicy',
        # Virtual disks
        'Get-HvrDisk', 'Test-HvrDisk', 'New-HvrDisk', 'Convert-HvrDisk', 'Merge-HvrDisk',
        # Manifests and chunk-diff
        'New-HvrManifest', 'Get-HvrManifest', 'Compare-HvrDisk',
        # Hyper-V Replica Logs
        'Get-HvrReplicaLog', 'Get-HvrReplicaLogEntry', 'Test-HvrReplicaLog', 'Update-HvrDisk',
        # Replica stores
        'New-HvrStoreOption', 'Get-HvrReplicaDisk', 'Send-HvrDisk', 'Receive-HvrDisk', 'Remove-HvrReplicaDisk',
        'Checkpoint-HvrReplicaDisk', 'Get-HvrRecoveryPoint', 'Remove-HvrRecoveryPoint', 'Copy-HvrReplicaDisk',
        'Update-HvrReplicaDisk',
        # Replication and failover
        'Enable-HvrReplication', 'Start-HvrInitialReplication', 'Get-HvrReplication', 'Measure-HvrReplication',
        'Resume-HvrReplication', 'Start-HvrReplicationCycle', 'Start-HvrFailover', 'Complete-HvrFailover',
        'Stop-HvrTestFailover', 'Start-HvrFailback', 'Get-HvrJob',
        # The life of a protection
        'Set-HvrReplication', 'Suspend-HvrReplication', 'Remove-HvrReplication', 'Import-HvrReplication'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags = @('Hyper-V', 'Replica', 'VHDX', 'Azure', 'PageBlob', 'Replication')
        }
    }
}
