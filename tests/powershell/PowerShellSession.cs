// A PowerShell 7 runspace with HvReplication imported from its installed layout (the file
// HVR_TEST_MODULE names), and a scratch folder that is the runspace's current location.
// Scripts run as an administrator types them; a terminating error fails the test with its
// message, non-terminating ones are returned with the output.
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace HvReplication.Tests;

public sealed class ScriptResult
{
    public required Collection<PSObject> Output { get; init; }
    public required IReadOnlyList<ErrorRecord> Errors { get; init; }
    public required IReadOnlyList<WarningRecord> Warnings { get; init; }
    public required IReadOnlyList<ProgressRecord> Progress { get; init; }
    public required IReadOnlyList<string> Verbose { get; init; }
}

public static class Properties
{
    // A property of an output object, converted as PowerShell converts it.
    public static T Get<T>(PSObject o, string property) =>
        (T)LanguagePrimitives.ConvertTo(o.Properties[property].Value, typeof(T));
}

public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace runspace;

    public string ModuleManifest { get; }
    public string ModuleFolder => System.IO.Path.GetDirectoryName(ModuleManifest)!;
    public string Scratch { get; }

    public PowerShellSession()
    {
        ModuleManifest = Environment.GetEnvironmentVariable("HVR_TEST_MODULE") ??
            throw new InvalidOperationException("HVR_TEST_MODULE must name the installed HvReplication.psd1 " +
                                                "(tests/powershell/run_tests.sh sets it)");
        Scratch = Directory.CreateTempSubdirectory("hvr-pwsh-").FullName;
        runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        Run("Import-Module -Name $args[0] -ErrorAction Stop; Set-Location -LiteralPath $args[1]",
            ModuleManifest, Scratch);
    }

    // Runs a script; $args holds the arguments. Throws on a terminating error.
    public ScriptResult Run(string script, params object[] arguments)
    {
        ScriptResult result = TryRun(script, out RuntimeException? failure, arguments);
        if (failure != null)
            throw new Xunit.Sdk.XunitException("the script failed: " + failure.ErrorRecord + "\n" +
                                               failure.ErrorRecord.ScriptStackTrace + "\n" + script);
        return result;
    }

    // Runs a script that may end in a terminating error, returned in `failure`.
    public ScriptResult TryRun(string script, out RuntimeException? failure, params object[] arguments)
    {
        using PowerShell ps = PowerShell.Create();
        ps.Runspace = runspace;
        // A cmdlet's terminating error ends only its statement; rethrown, it ends the script
        // as it would end a test's step. Non-terminating errors stay in the error stream.
        ps.AddScript("try {\n" + script + "\n} catch { throw }");
        foreach (object argument in arguments) ps.AddArgument(argument);
        Collection<PSObject> output = new();
        failure = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            failure = e;
        }
        return new ScriptResult
        {
            Output = output,
            Errors = ps.Streams.Error.ToList(),
            Warnings = ps.Streams.Warning.ToList(),
            Progress = ps.Streams.Progress.ToList(),
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
        };
    }

    // The replication state of a VM, as Get-HvrReplication shows it.
    public string ReplicationState(string stateDir) =>
        Properties.Get<string>(Run("Get-HvrReplication -StateDir $args[0]", stateDir).Output.Single(), "State");

    // A path in the scratch folder, its parent folders created.
    public string Path(string relative)
    {
        string path = System.IO.Path.Combine(Scratch, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose()
    {
        runspace.Dispose();
        Directory.Delete(Scratch, recursive: true);
    }
}
