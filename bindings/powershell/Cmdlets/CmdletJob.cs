// -AsJob, where Hyper-V's cmdlets offer it (Start-VMInitialReplication, Start-VMFailover,
// Resume-VMReplication): the
// command runs as a PowerShell job that Get-Job, Wait-Job, Receive-Job and Stop-Job know. The
// job runs the same cmdlet, without -AsJob and already confirmed, in a runspace of its own
// on the job's thread, with the module imported from the same folder; that cmdlet's output,
// errors and progress are the job's. Stop-Job stops its pipeline, which cancels the native
// call through the library's cancellation at its next safe point (a rerun resumes it); a
// failover is never cancelled half way, so Stop-Job waits for it to end.
using System;
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;

namespace Hvr.Cmdlets
{
    public sealed class CmdletJob : System.Management.Automation.Job
    {
        internal const string AsJobHelp = "Runs the command as a background job (Get-Job, Receive-Job, Stop-Job); " +
                                          "Stop-Job cancels it at its next safe point.";

        private readonly Runspace runspace;
        private readonly PowerShell pipeline;
        private readonly object gate = new object();
        private bool stopRequested, ended;

        private CmdletJob(string command, string moduleManifest, string cmdlet, IDictionary parameters)
            : base(command)
        {
            PSJobTypeName = "HvrJob";
            InitialSessionState state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(new[] { moduleManifest });
            runspace = RunspaceFactory.CreateRunspace(state);
            pipeline = PowerShell.Create();
            pipeline.Runspace = runspace;
            pipeline.AddCommand(cmdlet).AddParameters(parameters).AddParameter("Confirm", false);
            pipeline.Streams.Error = Error;
            pipeline.Streams.Progress = Progress;
            pipeline.Streams.Warning = Warning;
            pipeline.Streams.Verbose = Verbose;
            pipeline.Streams.Debug = Debug;
        }

        // Starts `cmdlet` of the module `caller` belongs to, with `parameters` (paths already
        // resolved: the job's runspace has a location of its own), and returns its job, which
        // the caller's session knows (Get-Job).
        internal static CmdletJob Start(PSCmdlet caller, string cmdlet, IDictionary parameters)
        {
            PSModuleInfo module = caller.MyInvocation.MyCommand.Module;
            string manifest = System.IO.Path.Combine(module.ModuleBase, module.Name + ".psd1");
            var job = new CmdletJob(caller.MyInvocation.Line.Trim(), manifest, cmdlet, parameters);
            caller.JobRepository.Add(job);
            job.SetJobState(JobState.Running);
            var thread = new Thread(job.Run) { IsBackground = true, Name = "hvr " + cmdlet };
            thread.Start();
            return job;
        }

        public override bool HasMoreData { get { return Output.Count > 0 || Error.Count > 0; } }
        public override string Location { get { return Environment.MachineName; } }
        public override string StatusMessage { get { return ""; } }

        public override void StopJob()
        {
            lock (gate)
            {
                stopRequested = true;
                if (!ended) pipeline.BeginStop(null, null);
            }
            Finished.WaitOne();
        }

        private bool StopRequested { get { lock (gate) return stopRequested; } }

        private void Run()
        {
            JobState end = JobState.Completed;
            try
            {
                runspace.Open();
                if (StopRequested) throw new PipelineStoppedException();
                var input = new PSDataCollection<PSObject>();
                input.Complete();
                pipeline.Invoke(input, Output);
                if (pipeline.InvocationStateInfo.State == PSInvocationState.Stopped) end = JobState.Stopped;
            }
            catch (PipelineStoppedException) { end = JobState.Stopped; }
            catch (Exception e)
            {
                IContainsErrorRecord withRecord = e as IContainsErrorRecord;
                Error.Add(withRecord != null && withRecord.ErrorRecord != null
                              ? withRecord.ErrorRecord : new ErrorRecord(e, e.GetType().Name, ErrorCategory.NotSpecified, null));
                end = JobState.Failed;
            }
            finally
            {
                lock (gate) ended = true;
                pipeline.Dispose();
                runspace.Dispose();
                Output.Complete();
                Error.Complete();
            }
            if (StopRequested && end == JobState.Completed) end = JobState.Stopped;
            SetJobState(end);
        }
    }
}
