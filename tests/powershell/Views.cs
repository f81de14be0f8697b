// The default views of HvReplication.Format.ps1xml checked on the objects the cmdlets
// really output: the object's type has a table view, every column that names a property
// names one the object has, every column computed by a script block computes without error,
// and Format-Table shows the view's headers in order.
using System.Management.Automation;
using Xunit;
using static HvReplication.Tests.Properties;

namespace HvReplication.Tests;

public static class Views
{
    // The headers of the table view of `o`'s type, in order, after checking it as above.
    public static string[] AssertTableView(PowerShellSession ps, PSObject o)
    {
        string type = o.TypeNames[0];
        PSObject? view = ps.Run(@"
            $o = $args[0]
            $table = @(Get-FormatData -TypeName $o.PSObject.TypeNames[0]).FormatViewDefinition.Control |
                Where-Object { $_ -is [System.Management.Automation.TableControl] } | Select-Object -First 1
            if (-not $table) { return }
            $columns = $table.Rows[0].Columns.DisplayEntry
            [pscustomobject]@{
                Headers = @($table.Headers.Label)
                Missing = @($columns | Where-Object ValueType -eq 'Property' | Where-Object { -not $o.PSObject.Properties[$_.Value] } | ForEach-Object Value)
                Failing = @($columns | Where-Object ValueType -eq 'ScriptBlock' | Where-Object {
                    $block = [scriptblock]::Create($_.Value)
                    try { $null = $o | ForEach-Object $block; $false } catch { $true } } | ForEach-Object Value)
                Shown = ($o | Format-Table | Out-String -Width 1000)
            }", o).Output.SingleOrDefault();
        Assert.True(view != null, type + " has a table view");
        string[] headers = Get<string[]>(view!, "Headers");
        string[] missing = Get<string[]>(view!, "Missing"), failing = Get<string[]>(view!, "Failing");
        Assert.True(missing.Length == 0, type + "'s view shows properties it does not have: " + string.Join(", ", missing));
        Assert.True(failing.Length == 0, type + "'s view computes columns that fail: " + string.Join(", ", failing));
        string headerLine = Get<string>(view!, "Shown").Split('\n').Select(l => l.Trim()).First(l => l.Length > 0);
        Assert.Equal(headers, headerLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return headers;
    }
}
