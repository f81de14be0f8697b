# The module manifest of HvReplication (docs/powershell.md). Import-Module this file, not the
# .psm1: only what FunctionsToExport lists is the module's interface; the other functions
# of the .psm1 are its helpers. tests/bindings checks that this list is exactly the
# functions of the .psm1 that carry help, that their verbs are approved, and that
# ModuleVersion is the library's version. HvReplication.dll is the C# layer (Hvr*.cs) that
# HvReplication.csproj compiles; loading it as a nested module makes its types known before
# the .psm1 runs.
@{
    RootModule           = 'HvReplication.psm1'
    NestedModules        = @('HvReplication.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '99ee05d8-332a-42a4-9700-9315ab245581'
    Author               = 'hvr'
    Description          = 'Hyper-V virtual disks, Hyper-V Replica Logs, Azure page-blob replicas, and VM replication with failover and failback through libhvr (P/Invoke).'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FileList             = @('HvReplication.psm1', 'HvReplication.dll')

    FunctionsToExport    = @(
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
        'Stop-HvrTestFailover', 'Start-HvrFailback', 'Set-HvrReplication', 'Get-HvrJob'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags = @('Hyper-V', 'Replica', 'VHDX', 'Azure', 'PageBlob', 'Replication')
        }
    }
}
