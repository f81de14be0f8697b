// The base of the module's compiled cmdlets (docs/powershell.md, "The cmdlets"): what every
// cmdlet does the same way. Paths are resolved against PowerShell's location, failures
// become error records carrying the library's message and status, per-item failures in a
// pipeline are non-terminating (the pipeline goes on, as Hyper-V's cmdlets do), and long
// calls show Write-Progress and stop when the pipeline is stopped (Ctrl+C).
//
// This folder references System.Management.Automation; the C# layer beside it does not.
using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Hvr.Cmdlets
{
    public abstract class HvrCmdlet : PSCmdlet
    {
        // How often a long call's progress is shown, and Ctrl+C noticed.
        private const int ProgressIntervalMs = 200;

        private static readonly Regex ConnectionString = new Regex("^[A-Za-z][A-Za-z0-9]*=");
        private static readonly Regex FileUrl = new Regex("^file:(.+)$");

        // Work days and office days by default: Monday to Friday.
        internal static readonly DayOfWeek[] Weekdays =
            { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

        private volatile bool stopping;

        protected override void StopProcessing() { stopping = true; }

        // A path as the library must see it: PowerShell's current location is not the process's.
        internal string ResolvePath(string path)
        {
            if (string.IsNullOrEmpty(path)) return path;
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }

        // The error record for a failure: an HvrException (unwrapped from the exceptions
        // reflection and PowerShell wrap it in) becomes a record whose id is Hvr.<status name>
        // and whose category fits the status; anything else keeps its own type as the id.
        protected static ErrorRecord ErrorRecordFor(Exception failure, object target)
        {
            Exception e = failure;
            while ((e is MethodInvocationException || e is TargetInvocationException || e is AggregateException) &&
                   e.InnerException != null)
                e = e.InnerException;
            HvrException hvr = e as HvrException;
            if (hvr == null)
            {
                IContainsErrorRecord withRecord = e as IContainsErrorRecord;
                if (withRecord != null && withRecord.ErrorRecord != null) return withRecord.ErrorRecord;
                ErrorCategory category = e is ArgumentException ? ErrorCategory.InvalidArgument : ErrorCategory.NotSpecified;
                return new ErrorRecord(e, e.GetType().Name, category, target);
            }
            ErrorCategory fitting;
            if (!Enum.TryParse(hvr.ErrorCategory, out fitting)) fitting = ErrorCategory.NotSpecified;
            return new ErrorRecord(hvr, "Hvr." + hvr.StatusName, fitting, target);
        }

        // Reports the failure of one item of a pipeline and lets the cmdlet go on to the next.
        protected void WriteItemError(Exception failure, object target)
        {
            if (failure is PipelineStoppedException) throw failure;
            WriteError(ErrorRecordFor(failure, target));
        }

        // Ends the command: a failure that leaves nothing for the next item to do.
        protected void ThrowFailure(Exception failure, object target)
        {
            if (failure is PipelineStoppedException) throw failure;
            ThrowTerminatingError(ErrorRecordFor(failure, target));
        }

        // Runs one item's work; a failure is reported and the pipeline goes on. A host that
        // cannot ask for confirmation (ShouldProcess) would fail every item alike: that ends
        // the command.
        protected void ForItem(object target, Action work)
        {
            try { work(); }
            catch (PipelineStoppedException) { throw; }
            catch (System.Management.Automation.Host.HostException) { throw; }
            catch (Exception e) { WriteItemError(e, target); }
        }

        // Waits for a long call while showing its progress in bytes. A stopped pipeline cancels
        // the native call and waits for it to stop where nothing is left half done (Dispose).
        protected T Wait<T>(Operation<T> operation, string activity)
        {
            return Wait(operation, activity, progress =>
            {
                if (operation.Total == 0) return false;
                progress.PercentComplete = operation.PercentComplete;
                progress.StatusDescription = string.Format("{0:N0} of {1:N0} bytes", operation.Done, operation.Total);
                return true;
            });
        }

        // The same, with `describe` filling the progress record (false: nothing to show yet).
        // The progress the library last reported is shown once more when the call ends, so
        // even a call shorter than a tick shows where it ended before the bar goes. Each
        // record is a new one: the host may keep those it was given.
        protected T Wait<T>(Operation<T> operation, string activity, Func<ProgressRecord, bool> describe)
        {
            using (operation)
            {
                try
                {
                    while (!operation.Wait(ProgressIntervalMs))
                    {
                        if (stopping) throw new PipelineStoppedException();
                        ShowProgress(activity, describe);
                    }
                    ShowProgress(activity, describe);
                    return operation.Result;
                }
                finally
                {
                    if (!stopping)
                        WriteProgress(new ProgressRecord(0, activity, "Done") { RecordType = ProgressRecordType.Completed });
                }
            }
        }

        private void ShowProgress(string activity, Func<ProgressRecord, bool> describe)
        {
            var progress = new ProgressRecord(0, activity, "Starting");
            if (describe(progress)) WriteProgress(progress);
        }

        // A store target: connection strings and URLs as given (libhvr refuses mistyped ones);
        // local folders (a path, or file:PATH) resolved against PowerShell's location.
        internal string ResolveTarget(string target)
        {
            if (ConnectionString.IsMatch(target) || target.Contains("://")) return target;
            Match file = FileUrl.Match(target);
            return file.Success ? "file:" + ResolvePath(file.Groups[1].Value) : ResolvePath(target);
        }

        internal Store OpenStore(string target, StoreOptions options)
        {
            return Store.Open(ResolveTarget(target), options);
        }

        // The library's JSON documents read as PowerShell reads them, with ConvertFrom-Json, so
        // that the compiled and the script cmdlets show them alike. Strings are kept as written:
        // PowerShell 7's ConvertFrom-Json turns a string that looks like a date into a DateTime,
        // which would make a recovery point's id (a timestamp) unusable to name the point again;
        // -DateKind String (7.5 and later) keeps it, and Windows PowerShell 5.1 never converts.
        // An array comes back as its elements in both editions.
        internal IEnumerable<PSObject> FromJson(string json)
        {
            using (PowerShell ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                ps.AddCommand("ConvertFrom-Json").AddParameter("InputObject", json);
                CommandInfo convert = InvokeCommand.GetCommand("ConvertFrom-Json", CommandTypes.Cmdlet);
                if (convert.Parameters.ContainsKey("DateKind")) ps.AddParameter("DateKind", "String");
                foreach (PSObject item in ps.Invoke())
                {
                    var array = item.BaseObject as object[];
                    if (array == null) { yield return item; continue; }
                    foreach (object element in array) yield return PSObject.AsPSObject(element);
                }
            }
        }

        // A field of a JSON object as ConvertFrom-Json made it; null when it is absent.
        internal static object Field(PSObject o, string name)
        {
            PSPropertyInfo property = o.Properties[name];
            return property == null ? null : property.Value;
        }

        // Whether a parameter was given on the command line or from the pipeline.
        protected bool IsBound(string parameter) { return MyInvocation.BoundParameters.ContainsKey(parameter); }

        protected bool AnyBound(string[] parameters) { return Array.Exists(parameters, IsBound); }

        // An object shown like the module's script cmdlets show theirs: a type name that
        // views and Get-Member know, and properties in the order given.
        internal static PSObject NewObject(string typeName, params object[] namesAndValues)
        {
            var o = new PSObject();
            o.TypeNames.Insert(0, typeName);
            for (int i = 0; i + 1 < namesAndValues.Length; i += 2)
                o.Properties.Add(new PSNoteProperty((string)namesAndValues[i], namesAndValues[i + 1]));
            return o;
        }
    }
}
