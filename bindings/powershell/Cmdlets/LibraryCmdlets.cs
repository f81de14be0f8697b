// Library: the loaded libhvr and its retry policy.
using System;
using System.Linq;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    [Cmdlet(VerbsCommon.Get, "HvrVersion")]
    [OutputType("Hvr.Version")]
    [CmdletHelp("Shows the version of libhvr the module loaded, its ABI version and where it came from.",
        "Reports the library the module is bound to: HVR_LIBRARY when set, else the one in the module's folder, " +
        "else the system's. Use it to check which build an installation runs.")]
    [HelpExample("Get-HvrVersion", "Shows Version, AbiVersion and LibraryPath.")]
    public sealed class GetHvrVersionCommand : HvrCmdlet
    {
        protected override void ProcessRecord()
        {
            WriteObject(NewObject("Hvr.Version",
                "Version", HvrLibrary.Version,
                "AbiVersion", HvrLibrary.AbiVersion,
                "LibraryPath", HvrLibrary.LoadedPath));
        }
    }

    [Cmdlet(VerbsCommon.Get, "HvrRetryPolicy")]
    [OutputType("Hvr.RetryPolicy")]
    [CmdletHelp("Shows the retry policy: the back-off after a failure, and when each retry runs for a replication frequency.",
        "A replication that fails with a recoverable error is retried after 1, 2, 4, 8 and 10 minutes, then every " +
        "30 minutes (docs/retry-policy.md). RetriesAfterFailure lists when the first -Count retries run for " +
        "-ReplicationFrequencySec; -BackoffSec and -SteadyIntervalSec show another policy.")]
    [HelpExample("Get-HvrRetryPolicy -ReplicationFrequencySec 300", "The default policy for a five-minute frequency.")]
    [HelpExample("Get-HvrRetryPolicy -BackoffSec 30,60 -SteadyIntervalSec 600 -Count 4",
        "A policy that retries after 30 s and 60 s, then every 10 minutes.")]
    public sealed class GetHvrRetryPolicyCommand : HvrCmdlet
    {
        [Parameter]
        [ValidateSet("30", "300", "900")]
        [ParameterHelp("The replication frequency, in seconds, that the retries are scheduled for: 30, 300 or 900.")]
        public int ReplicationFrequencySec { get { return frequency; } set { frequency = value; } }
        private int frequency = 300;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        [ParameterHelp("The back-off after each failure, in seconds, instead of the library's (60, 120, 240, 480, 600).")]
        public int[] BackoffSec { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        [ParameterHelp("The interval between retries once the back-off is used up, in seconds (default 1800).")]
        public int SteadyIntervalSec { get { return steady; } set { steady = value; } }
        private int steady = 1800;

        [Parameter]
        [ValidateRange(1, 100)]
        [ParameterHelp("How many retries RetriesAfterFailure lists (default 8).")]
        public int Count { get { return count; } set { count = value; } }
        private int count = 8;

        protected override void ProcessRecord()
        {
            try
            {
                using (RetryPolicy policy = IsBound("BackoffSec")
                           ? new RetryPolicy(BackoffSec.Select(s => TimeSpan.FromSeconds(s)).ToArray(),
                                             TimeSpan.FromSeconds(SteadyIntervalSec))
                           : new RetryPolicy())
                {
                    TimeSpan replicationFrequency = TimeSpan.FromSeconds(ReplicationFrequencySec);
                    WriteObject(NewObject("Hvr.RetryPolicy",
                        "Backoff", policy.Backoff,
                        "SteadyInterval", policy.SteadyInterval,
                        "ReplicationFrequency", replicationFrequency,
                        "RetriesAfterFailure", policy.Schedule(replicationFrequency, Status.Network, Count)));
                }
            }
            catch (Exception e) { ThrowFailure(e, null); }
        }
    }
}
