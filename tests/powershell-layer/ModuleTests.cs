// The script module (bindings/powershell/HvReplication.psm1 and .psd1) checked against the
// C# layer it calls, read as text (the PowerShell 7 tests run it):
// every type, static member, constructor, method (with its number of arguments) and
// property it names must exist in the compiled layer, every JSON field it or a compiled
// cmdlet (Cmdlets/*.cs, which the PowerShell 7 tests run) reads must be one the library writes, the manifest must export exactly the documented cmdlets with approved
// verbs, and it must load the compiled layer (HvReplication.dll), never compile it. What the cmdlets call
// is run by the scenario tests; this makes sure they call what is there.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Hvr;
using Xunit;

namespace HvReplication.Layer.Tests
{
    public sealed class ModuleTests : LayerTest
    {
        // Get-Verb's list.
        private static readonly HashSet<string> ApprovedVerbs = new HashSet<string>(new[]
        {
            "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move",
            "New", "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select",
            "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch", "Connect", "Disconnect", "Read",
            "Receive", "Send", "Write", "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom",
            "ConvertTo", "Dismount", "Edit", "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge",
            "Mount", "Out", "Publish", "Restore", "Save", "Sync", "Unpublish", "Update", "Debug", "Measure", "Ping",
            "Repair", "Resolve", "Test", "Trace", "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy",
            "Disable", "Enable", "Install", "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop",
            "Submit", "Suspend", "Uninstall", "Unregister", "Wait", "Block", "Grant", "Protect", "Revoke", "Unblock",
            "Unprotect", "Use"
        });

        // The member PowerShell adds to every value ($x.PSObject), which no type declares.
        private const string IntrinsicMember = "PSObject";

        // .NET and PowerShell types whose members the module uses on values that are not the layer's.
        private static readonly Type[] FrameworkTypes =
        {
            typeof(string), typeof(List<string>), typeof(Exception), typeof(TimeSpan), typeof(FileInfo),
            typeof(Dictionary<string, object>), typeof(PSCmdlet), typeof(ErrorRecord), typeof(PSObject),
            typeof(SessionState), typeof(PathIntrinsics), typeof(CommandInfo)
        };

        private sealed class Module
        {
            public string Folder;
            public string Text;  // the .psm1 as written
            public string Code;  // comments removed, single-quoted strings emptied
            public string Manifest;
        }

        private static Module Load(Options o)
        {
            Module m = new Module();
            m.Folder = o.Module;
            m.Text = File.ReadAllText(Path.Combine(o.Module, "HvReplication.psm1"));
            m.Code = StripCommentsAndLiterals(m.Text);
            m.Manifest = File.ReadAllText(Path.Combine(o.Module, "HvReplication.psd1"));
            return m;
        }

        [Fact]
        public void ManifestAndSources()
        {
            Module m = Load(o);
            Check.Equal("HvReplication.psm1", ManifestValue(m.Manifest, "RootModule"), "RootModule");
            Check.Equal(o.Version, ManifestValue(m.Manifest, "ModuleVersion"), "ModuleVersion is the library's version");

            Check.Equal("HvReplication.dll", string.Join(",", Quoted(ManifestList(m.Manifest, "NestedModules"))),
                        "the manifest loads the compiled C# layer as its nested module");
            Check.True(!m.Code.Contains("Add-Type"), "HvReplication.psm1 compiles nothing at import");
            string[] fileList = Quoted(ManifestList(m.Manifest, "FileList")).OrderBy(f => f).ToArray();
            Check.Equal("HvReplication.dll,HvReplication.dll-Help.xml,HvReplication.Format.ps1xml,HvReplication.psm1", string.Join(",", fileList),
                        "FileList of HvReplication.psd1");
        }

        // The cmdlets are all compiled (bindings/powershell/Cmdlets, run by the PowerShell 7
        // tests, which check their parameters, -WhatIf, -StateDir from the pipeline and help):
        // the manifest exports them as cmdlets, with approved verbs and the Hvr noun prefix,
        // and the .psm1 defines no function.
        [Fact]
        public void ExportedCmdlets()
        {
            Module m = Load(o);
            Check.Equal("", string.Join(",", Quoted(ManifestList(m.Manifest, "FunctionsToExport"))),
                        "FunctionsToExport is empty: every cmdlet is compiled");
            Check.True(!Regex.IsMatch(m.Code, @"(?m)^\s*function\s"), "HvReplication.psm1 defines no function");
            List<string> exported = Quoted(ManifestList(m.Manifest, "CmdletsToExport")).ToList();
            Check.True(exported.Count > 0, "CmdletsToExport lists the cmdlets");
            foreach (string name in exported)
            {
                string verb = name.Substring(0, name.IndexOf('-'));
                Check.True(ApprovedVerbs.Contains(verb), name + " has an approved verb");
                Check.True(name.Substring(verb.Length).StartsWith("-Hvr"), name + " has the Hvr noun prefix");
            }
        }

        [Fact]
        public void MembersExistInTheLayer()
        {
            Module m = Load(o);
            Assembly layer = typeof(HvrNative).Assembly;
            string code = m.Code;
            List<string> problems = new List<string>();

            // New-Object TYPE: the layer's types need a public parameterless constructor.
            code = Regex.Replace(code, @"New-Object\s+(?<type>[A-Za-z][\w.]*)(\[[\w.]+\])?", delegate(Match x)
            {
                Type t = LayerType(layer, x.Groups["type"].Value, problems);
                if (t != null && t.GetConstructor(Type.EmptyTypes) == null)
                    problems.Add("New-Object " + t.FullName + ": no public parameterless constructor");
                return " ";
            });

            // [TYPE] and [TYPE]::Member(...): the type, then the static member or constructor.
            code = Regex.Replace(code, @"\[(?<type>[A-Za-z][\w.]*)(\[\w*\])*\](::(?<member>\w+)(?<call>\()?)?", delegate(Match x)
            {
                Type t = LayerType(layer, x.Groups["type"].Value, problems);
                if (t == null || !x.Groups["member"].Success) return x.Groups["call"].Success ? " (" : " ";
                string member = x.Groups["member"].Value;
                if (x.Groups["call"].Success)
                {
                    int args = ArgumentCount(code, x.Index + x.Length);
                    IEnumerable<MethodBase> candidates = member == "new"
                        ? t.GetConstructors().Cast<MethodBase>()
                        : t.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(mi => mi.Name == member).Cast<MethodBase>();
                    if (!candidates.Any(c => Accepts(c, args)))
                        problems.Add("[" + t.FullName + "]::" + member + " with " + args + " argument(s): no such public static member");
                    return " (";
                }
                if (t.GetMember(member, BindingFlags.Public | BindingFlags.Static).Length == 0)
                    problems.Add("[" + t.FullName + "]::" + member + ": no such public static member");
                return " ";
            });

            // .Member and .Member(...) on values.
            HashSet<string> layerMembers = new HashSet<string>(
                layer.GetExportedTypes().SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
                     .Select(mi => mi.Name));
            HashSet<string> frameworkMembers = new HashSet<string>(FrameworkTypes.SelectMany(t => t.GetMembers()).Select(mi => mi.Name));
            HashSet<string> ownProperties = ObjectProperties(m.Code);
            foreach (Match x in Regex.Matches(code, @"(?<=[\w)\]])\.(?<member>[A-Za-z_]\w*)(?<call>\()?"))
            {
                string member = x.Groups["member"].Value;
                if (char.IsLower(member[0])) continue;  // a JSON field: JsonFieldsExist
                if (layerMembers.Contains(member))
                {
                    if (!x.Groups["call"].Success) continue;
                    int args = ArgumentCount(code, x.Index + x.Length);
                    bool found = layer.GetExportedTypes()
                        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
                        .Any(mi => mi.Name == member && Accepts(mi, args));
                    if (!found && !frameworkMembers.Contains(member))
                        problems.Add("." + member + " with " + args + " argument(s): no public method of the layer takes that");
                    continue;
                }
                if (!frameworkMembers.Contains(member) && member != IntrinsicMember && !ownProperties.Contains(member))
                    problems.Add("." + member + ": no public member of the layer, .NET or PowerShell, nor a property of " +
                                 "the module's own objects, has that name");
            }
            Check.True(problems.Count == 0, "HvReplication.psm1 calls only what exists:\n  " + string.Join("\n  ", problems));
        }

        // The fields the module reads from the library's JSON (lowercase members) are ones the
        // library writes: a local store's listings for a disk with a recovery point, and the
        // documents of a session protecting a disk to a local store (status, jobs, recovery
        // points, verification, test failover and failover VMs, a failback report).
        [Fact]
        public void JsonFieldsExist()
        {
            Module m = Load(o);
            HashSet<string> used = new HashSet<string>(
                Regex.Matches(m.Code, @"(?<=[\w)\]])\.(?<member>[a-z_]\w*)").Cast<Match>().Select(x => x.Groups["member"].Value));
            // The compiled cmdlets (Cmdlets/*.cs) read a field as Field(document, "name").
            int compiledFields = 0;
            foreach (string source in Directory.GetFiles(Path.Combine(o.Module, "Cmdlets"), "*.cs"))
            {
                foreach (Match f in Regex.Matches(File.ReadAllText(source), @"\bField\(\w+, ""(?<member>\w+)""\)"))
                {
                    used.Add(f.Groups["member"].Value);
                    ++compiledFields;
                }
            }
            Check.True(compiledFields > 0, "the compiled cmdlets read the store's JSON");
            Check.True(used.Count > 0, "the module reads the store's JSON");
            HashSet<string> written = new HashSet<string>();
            using (TempDir dir = new TempDir())
            {
                string image = dir.File("image.raw");
                File.WriteAllBytes(image, new byte[1 << 20]);
                using (Store store = Store.Open(dir.File("store")))
                {
                    store.Upload(image, "disk0", null, null);
                    store.CreateRecoveryPoint("disk0", false);
                    foreach (string json in new[] { store.ListJson(), store.ListRecoveryPointsJson("disk0") })
                    {
                        foreach (Match f in Regex.Matches(json, "\"(\\w+)\"\\s*:")) written.Add(f.Groups[1].Value);
                    }
                }
                using (Protection protection = new Protection("json-vm", dir.File("session-store")))
                {
                    protection.AddDisk(image);
                    protection.SetFailoverSetting("size", "Standard_D2s_v5");
                    using (Session session = Session.Protect(null, dir.File("state"), protection, null))
                    {
                        List<string> documents = new List<string>();
                        session.ReplicateInitially(null);
                        session.RunCycle(null);
                        documents.Add(session.StatusJson());
                        documents.Add(session.RecoveryPointsJson());
                        documents.Add(session.Verify(null, null).Json);
                        documents.Add(session.TestFailover(null));
                        session.CleanupTestFailover();
                        documents.Add(session.Failover(null, false));
                        documents.Add(session.FailbackSync(dir.File("back")));
                        documents.Add(session.JobsJson());
                        foreach (string json in documents)
                        {
                            foreach (Match f in Regex.Matches(json, "\"(\\w+)\"\\s*:")) written.Add(f.Groups[1].Value);
                        }
                    }
                }
            }
            string[] missing = used.Where(f => !written.Contains(f)).OrderBy(f => f).ToArray();
            Check.True(missing.Length == 0, "fields the module reads but the library does not write: " + string.Join(", ", missing) +
                                            " (written: " + string.Join(", ", written.OrderBy(f => f)) + ")");
        }

        // ---- Reading PowerShell ------------------------------------------------------------

        // The code with comments (# and <# #>) removed and single-quoted strings emptied;
        // double-quoted strings stay, since they expand $(...) and $var.Member.
        internal static string StripCommentsAndLiterals(string text)
        {
            StringBuilder code = new StringBuilder(text.Length);
            int i = 0;
            bool inDouble = false;
            while (i < text.Length)
            {
                char c = text[i];
                if (inDouble)
                {
                    if (c == '`' && i + 1 < text.Length) { code.Append(c).Append(text[i + 1]); i += 2; continue; }
                    if (c == '"') inDouble = false;
                    code.Append(c);
                    ++i;
                }
                else if (c == '<' && i + 1 < text.Length && text[i + 1] == '#')
                {
                    int end = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? text.Length : end + 2;
                    code.Append(' ');
                }
                else if (c == '#')
                {
                    while (i < text.Length && text[i] != '\n') ++i;
                }
                else if (c == '\'')
                {
                    int end = text.IndexOf('\'', i + 1);
                    code.Append("''");
                    i = end < 0 ? text.Length : end + 1;
                }
                else
                {
                    if (c == '"') inDouble = true;
                    code.Append(c);
                    ++i;
                }
            }
            return code.ToString();
        }

        // The properties of the objects the module makes: [pscustomobject]@{...} and [ordered]@{...}.
        private static HashSet<string> ObjectProperties(string code)
        {
            HashSet<string> names = new HashSet<string>();
            foreach (Match start in Regex.Matches(code, @"\[(pscustomobject|ordered)\]@\{"))
            {
                int depth = 1, i = start.Index + start.Length;
                while (i < code.Length && depth > 0)
                {
                    if (code[i] == '{') ++depth;
                    else if (code[i] == '}') --depth;
                    ++i;
                }
                string body = code.Substring(start.Index + start.Length, i - start.Index - start.Length);
                foreach (Match key in Regex.Matches(body, @"(?m)^\s*([A-Za-z]\w*)\s*=")) names.Add(key.Groups[1].Value);
            }
            return names;
        }

        // How many arguments a call has, from just after its '(' to the matching ')'.
        private static int ArgumentCount(string code, int start)
        {
            int depth = 0, commas = 0;
            bool any = false;
            for (int i = start; i < code.Length; ++i)
            {
                char c = code[i];
                if (c == '(' || c == '[' || c == '{') ++depth;
                else if (c == ')' || c == ']' || c == '}')
                {
                    if (depth == 0) return any ? commas + 1 : 0;
                    --depth;
                }
                else if (c == ',' && depth == 0) ++commas;
                if (!char.IsWhiteSpace(c)) any = true;
            }
            throw new Exception("unbalanced parentheses after offset " + start + " of HvReplication.psm1");
        }

        private static bool Accepts(MethodBase method, int args)
        {
            ParameterInfo[] parameters = method.GetParameters();
            int required = parameters.Count(p => !p.IsOptional);
            return args >= required && args <= parameters.Length;
        }

        // A layer type named in the module; null for other types. An unknown Hvr type is a problem.
        private static Type LayerType(Assembly layer, string name, List<string> problems)
        {
            if (!name.StartsWith("Hvr.")) return null;
            string clr = name.Replace("[", "`1[");
            Type t = layer.GetType(name) ?? layer.GetType(clr);
            if (t == null || !t.IsPublic) problems.Add("[" + name + "]: no public type of the layer has that name");
            return t != null && t.IsPublic ? t : null;
        }

        private static string ManifestValue(string manifest, string key)
        {
            Match x = Regex.Match(manifest, @"(?m)^\s*" + key + @"\s*=\s*'([^']*)'");
            Check.True(x.Success, "HvReplication.psd1 sets " + key);
            return x.Groups[1].Value;
        }

        private static string ManifestList(string manifest, string key)
        {
            Match x = Regex.Match(manifest, @"(?m)^\s*" + key + @"\s*=\s*@\(([^)]*)\)");
            Check.True(x.Success, "HvReplication.psd1 lists " + key);
            return x.Groups[1].Value;
        }

        // The single-quoted strings of a list, comments ignored.
        private static IEnumerable<string> Quoted(string list)
        {
            string withoutComments = Regex.Replace(list, @"#[^\n]*", "");
            return Regex.Matches(withoutComments, @"'([^']*)'").Cast<Match>().Select(x => x.Groups[1].Value);
        }
    }
}
