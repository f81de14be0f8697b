// The module as PowerShell 7 loads it: from its installed folder, the compiled C# layer
// and the native library beside it, every cmdlet exported with help Get-Help shows.
using System.Management.Automation;
using Xunit;
using static HvReplication.Tests.Properties;

namespace HvReplication.Tests;

public sealed class ModuleTests : IClassFixture<PowerShellSession>
{
    // The cmdlets of docs/powershell.md. A cmdlet added to the manifest fails
    // Exports_the_documented_cmdlets until it is listed here, and so gets a test.
    public static readonly string[] Cmdlets =
    {
        "Get-HvrVersion", "Get-HvrRetryPolicy",
        "Get-HvrDisk", "Test-HvrDisk", "New-HvrDisk", "Convert-HvrDisk", "Merge-HvrDisk",
        "New-HvrManifest", "Get-HvrManifest", "Compare-HvrDisk",
        "Get-HvrReplicaLog", "Get-HvrReplicaLogEntry", "Test-HvrReplicaLog", "Update-HvrDisk",
        "New-HvrStoreOption", "Get-HvrReplicaDisk", "Send-HvrDisk", "Receive-HvrDisk", "Remove-HvrReplicaDisk",
        "Checkpoint-HvrReplicaDisk", "Get-HvrRecoveryPoint", "Remove-HvrRecoveryPoint", "Copy-HvrReplicaDisk",
        "Update-HvrReplicaDisk",
        "Enable-HvrReplication", "Start-HvrInitialReplication", "Get-HvrReplication", "Measure-HvrReplication",
        "Resume-HvrReplication", "Start-HvrReplicationCycle", "Start-HvrFailover", "Complete-HvrFailover",
        "Stop-HvrTestFailover", "Start-HvrFailback", "Get-HvrJob",
        "Set-HvrReplication", "Suspend-HvrReplication", "Remove-HvrReplication", "Import-HvrReplication",
    };

    private readonly PowerShellSession ps;

    public ModuleTests(PowerShellSession ps) { this.ps = ps; }

    [Fact]
    public void Loads_the_compiled_layer_and_the_native_library_from_the_module_folder()
    {
        PSObject loaded = ps.Run(
            "[pscustomobject]@{ Module = (Get-Module HvReplication).ModuleBase; " +
            "Assembly = [Hvr.HvrNative].Assembly.Location; Library = [Hvr.HvrLibrary]::LoadedPath }").Output.Single();
        Assert.Equal(ps.ModuleFolder, Get<string>(loaded, "Module"));
        // A file on disk, not an assembly Add-Type compiled in memory.
        Assert.Equal(Path.Combine(ps.ModuleFolder, "HvReplication.dll"), Get<string>(loaded, "Assembly"));
        Assert.Equal(Path.Combine(ps.ModuleFolder, "libhvr.so.0"), Get<string>(loaded, "Library"));
    }

    [Fact]
    public void Exports_the_documented_cmdlets()
    {
        var exported = ps.Run("(Get-Command -Module HvReplication).Name").Output.Select(o => (string)o.BaseObject);
        Assert.Equal(Cmdlets.OrderBy(c => c), exported.OrderBy(c => c));
    }

    // Get-Help names every parameter of every cmdlet, with a written synopsis. The compiled
    // cmdlets' help (HvReplication.dll-Help.xml, generated from their attributes) also has a
    // description, every parameter described and at least one example; the script cmdlets'
    // comment-based help has neither descriptions nor always examples (docs/powershell.md,
    // "How it is tested").
    [Fact]
    public void Help_has_a_synopsis_and_every_parameter()
    {
        foreach (string cmdlet in Cmdlets)
        {
            PSObject help = ps.Run(
                "$h = Get-Help $args[0] -Full; $c = Get-Command $args[0]; [pscustomobject]@{ " +
                "Compiled = $c.CommandType -eq 'Cmdlet'; " +
                "Synopsis = [string]$h.Synopsis; " +
                "Description = [string]($h.description.Text -join ' '); " +
                "Examples = @($h.examples.example | Where-Object { $_.code }).Count; " +
                "Documented = @($h.parameters.parameter | ForEach-Object { $_.name }); " +
                "Described = @($h.parameters.parameter | Where-Object { ($_.description.Text -join '').Trim() } | ForEach-Object { $_.name }); " +
                "Declared = @($c.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and " +
                "$_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) }", cmdlet).Output.Single();
            string synopsis = Get<string>(help, "Synopsis");
            Assert.False(string.IsNullOrWhiteSpace(synopsis), cmdlet + " has a synopsis");
            Assert.False(synopsis.StartsWith(cmdlet), cmdlet + "'s synopsis is written, not the generated syntax");
            var documented = Get<string[]>(help, "Documented").ToHashSet();
            var described = Get<string[]>(help, "Described").ToHashSet();
            bool compiled = Get<bool>(help, "Compiled");
            foreach (string parameter in Get<string[]>(help, "Declared"))
            {
                Assert.True(documented.Contains(parameter), $"Get-Help {cmdlet} shows -{parameter}");
                if (compiled) Assert.True(described.Contains(parameter), $"Get-Help {cmdlet} describes -{parameter}");
            }
            if (!compiled) continue;
            Assert.False(string.IsNullOrWhiteSpace(Get<string>(help, "Description")), cmdlet + " has a description");
            Assert.True(Get<int>(help, "Examples") > 0, cmdlet + " has an example");
        }
    }

    // The compiled cmdlets declare what they output (all but those that output nothing).
    [Fact]
    public void Compiled_cmdlets_declare_their_output()
    {
        var undeclared = ps.Run("Get-Command -Module HvReplication -CommandType Cmdlet | " +
                                "Where-Object { -not $_.OutputType } | ForEach-Object Name").Output;
        Assert.Equal(new[] { "Remove-HvrRecoveryPoint", "Remove-HvrReplicaDisk", "Update-HvrDisk" },
                     undeclared.Select(o => (string)o.BaseObject).OrderBy(n => n));
        Assert.Contains("Hvr.DiskInfo", ps.Run("(Get-Command Get-HvrDisk).OutputType.Name").Output.Select(o => (string)o.BaseObject));
    }

    // Every type a cmdlet declares it outputs has a default table view (the views are checked
    // on real objects where the cmdlets make them: Views.AssertTableView).
    [Fact]
    public void Every_output_type_has_a_table_view()
    {
        var withoutView = ps.Run(
            "Get-Command -Module HvReplication | ForEach-Object OutputType | ForEach-Object Name | Sort-Object -Unique | " +
            "Where-Object { $_ -like 'Hvr.*' -and -not (@(Get-FormatData -TypeName $_).FormatViewDefinition.Control | " +
            "Where-Object { $_ -is [System.Management.Automation.TableControl] }) }").Output;
        Assert.Empty(withoutView.Select(o => (string)o.BaseObject));
    }

    // The store-connection parameters are declared once (Cmdlets/StoreConnection.cs): each
    // cmdlet that takes them binds them and Get-Help describes them alike.
    [Fact]
    public void Shared_store_parameters_bind_and_are_described_alike()
    {
        PSObject options = ps.Run("New-HvrStoreOption -SkipCertificateCheck -Proxy '' -MaxInFlight 3 " +
                                  "-WorkHoursBytesPerSecond 5MB -WorkDays Saturday").Output.Single();
        Assert.False(Get<bool>(options, "VerifyCertificate"));
        Assert.Equal("", Get<string>(options, "Proxy"));
        Assert.Equal(3, Get<int>(options, "MaxInFlight"));
        PSObject bandwidth = PSObject.AsPSObject(options.Properties["Bandwidth"].Value);
        Assert.Equal(5UL * 1024 * 1024, Get<ulong>(bandwidth, "WorkBytesPerSecond"));
        Assert.Equal(540, Get<int>(bandwidth, "WorkStartMinute"));
        Assert.Equal(new[] { DayOfWeek.Saturday }, Get<DayOfWeek[]>(bandwidth, "WorkDays"));

        string Described(string cmdlet, string parameter) => ps.Run(
            "((Get-Help $args[0] -Parameter $args[1]).description.Text -join ' ').Trim()", cmdlet, parameter).Output.Single().ToString();
        foreach (string parameter in new[] { "MaxInFlight", "WorkHoursBytesPerSecond", "WorkDays" })
            foreach (string cmdlet in new[] { "Enable-HvrReplication", "Set-HvrReplication" })
                Assert.Equal(Described("New-HvrStoreOption", parameter), Described(cmdlet, parameter));
        foreach (string parameter in new[] { "SkipCertificateCheck", "CaFile", "Proxy" })
            Assert.Equal(Described("New-HvrStoreOption", parameter), Described("Enable-HvrReplication", parameter));
    }

    // What changes something takes -WhatIf and -Confirm (New-HvrStoreOption only builds an
    // object), deletions and failovers confirm by default, the replication cmdlets take
    // -StateDir from the pipeline by property name, and those that run a session's operation
    // take the -HvrHost whose callbacks it runs.
    [Fact]
    public void Cmdlets_follow_the_module_conventions()
    {
        string[] changingVerbs = { "New", "Remove", "Update", "Merge", "Convert", "Send", "Receive", "Copy", "Checkpoint",
                                   "Set", "Start", "Stop", "Complete", "Resume", "Suspend", "Enable" };
        foreach (string cmdlet in Cmdlets)
        {
            PSObject c = ps.Run(
                "$c = Get-Command $args[0]; $m = [System.Management.Automation.CommandMetadata]::new($c); [pscustomobject]@{ " +
                "WhatIf = $c.Parameters.ContainsKey('WhatIf'); Impact = [string]$m.ConfirmImpact; " +
                "StateDir = @(if ($c.Parameters.ContainsKey('StateDir')) { $c.Parameters['StateDir'].ParameterSets.Values | ForEach-Object { $_.ValueFromPipelineByPropertyName } }); " +
                "HvrHost = $c.Parameters.ContainsKey('HvrHost') }", cmdlet).Output.Single();
            string verb = cmdlet[..cmdlet.IndexOf('-')];
            if (changingVerbs.Contains(verb) && cmdlet != "New-HvrStoreOption")
                Assert.True(Get<bool>(c, "WhatIf"), cmdlet + " takes -WhatIf");
            if (verb == "Remove" || cmdlet is "Start-HvrFailover" or "Complete-HvrFailover")
                Assert.Equal("High", Get<string>(c, "Impact"));
            bool[] stateDir = Get<bool[]>(c, "StateDir");
            // The two that make a state directory name it; the others take it from the pipeline.
            if (stateDir.Length > 0 && cmdlet is not ("Enable-HvrReplication" or "Import-HvrReplication"))
                Assert.True(stateDir.All(b => b), cmdlet + " takes -StateDir from the pipeline by property name");
        }
        string[] running = { "Enable-HvrReplication", "Import-HvrReplication", "Start-HvrInitialReplication", "Resume-HvrReplication",
                             "Start-HvrReplicationCycle", "Start-HvrFailover", "Complete-HvrFailover", "Stop-HvrTestFailover",
                             "Start-HvrFailback", "Set-HvrReplication", "Suspend-HvrReplication",
                             "Remove-HvrReplication" };
        foreach (string cmdlet in running)
            Assert.True((bool)ps.Run("(Get-Command $args[0]).Parameters.ContainsKey('HvrHost')", cmdlet).Output.Single().BaseObject,
                        cmdlet + " takes -HvrHost");
    }

    [Fact]
    public void Version_and_retry_policy_come_from_the_library()
    {
        PSObject version = ps.Run("Get-HvrVersion").Output.Single();
        Assert.Matches(@"^\d+\.\d+\.\d+", Get<string>(version, "Version"));
        Assert.Equal(0, Get<int>(version, "AbiVersion"));
        Views.AssertTableView(ps, version);
        Views.AssertTableView(ps, ps.Run("Get-HvrRetryPolicy").Output.Single());

        // REQUIREMENTS.md §6: 1, 2, 4, 8 and 10 minutes, then every 30 minutes.
        var policy = ps.Run("$p = Get-HvrRetryPolicy; $p.Backoff.TotalMinutes; $p.SteadyInterval.TotalMinutes")
            .Output.Select(o => Convert.ToDouble(o.BaseObject));
        Assert.Equal(new double[] { 1, 2, 4, 8, 10, 30 }, policy);
    }
}
