# HvReplication: hvr from PowerShell, through P/Invoke (docs/powershell.md).
#
# The manifest loads HvReplication.dll (the C# layer, Hvr*.cs, and the cmdlets,
# Cmdlets/*.cs) before this file runs; here the layer is bound to libhvr (HVR_LIBRARY, then
# this folder, then the system), with a message that says what to do when it cannot be.
# Works in Windows PowerShell 5.1 and PowerShell 7; tests/powershell runs it in PowerShell 7.

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
