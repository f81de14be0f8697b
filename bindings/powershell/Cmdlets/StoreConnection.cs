// The store-connection parameters several cmdlets take, declared once. PowerShell binds the
// parameters of a cmdlet's own class, or of the object its GetDynamicParameters returns
// (IDynamicParameters), so the shared ones live in these holders: Set-HvrReplication takes
// the throughput (requests in flight and the bandwidth schedule), New-HvrStoreOption and
// Enable-HvrReplication the connection besides (TLS and proxy). The help generator
// (bindings/powershell-help) documents a holder's parameters with the cmdlet's own.
using System;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    public class ThroughputParameters
    {
        // The parameter set of the replication settings (Set-HvrReplication has a -Reverse set
        // besides, which takes none of them); a cmdlet without other sets has only this one.
        internal const string SettingsSet = "Settings";

        // The parameters of a bandwidth schedule, given whole: one given sets them all.
        internal static readonly string[] BandwidthParameterNames =
            { "WorkHoursBytesPerSecond", "NonWorkHoursBytesPerSecond", "WorkStartMinute", "WorkEndMinute", "WorkDays" };

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("Requests at once to the store, 1 to 64 (default 8).")]
        public int MaxInFlight { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("The bandwidth limit during work hours, in bytes per second (0: no limit).")]
        public ulong WorkHoursBytesPerSecond { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("The bandwidth limit outside work hours, in bytes per second (0: no limit).")]
        public ulong NonWorkHoursBytesPerSecond { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("When work hours start, in minutes after midnight (default 540, 09:00).")]
        public int WorkStartMinute { get { return workStart; } set { workStart = value; } }
        private int workStart = 540;

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("When work hours end, in minutes after midnight (default 1020, 17:00).")]
        public int WorkEndMinute { get { return workEnd; } set { workEnd = value; } }
        private int workEnd = 1020;

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("The work days (default Monday to Friday).")]
        public DayOfWeek[] WorkDays { get { return workDays; } set { workDays = value; } }
        private DayOfWeek[] workDays = HvrCmdlet.Weekdays;

        internal BandwidthSchedule Bandwidth()
        {
            return new BandwidthSchedule
            {
                WorkBytesPerSecond = WorkHoursBytesPerSecond,
                NonWorkBytesPerSecond = NonWorkHoursBytesPerSecond,
                WorkStartMinute = WorkStartMinute,
                WorkEndMinute = WorkEndMinute,
                WorkDays = WorkDays,
            };
        }
    }

    public sealed class StoreConnectionParameters : ThroughputParameters
    {
        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("Does not verify the store's TLS certificate (the library logs a warning).")]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("A PEM file of the certificate authorities to trust instead of the system's.")]
        public string CaFile { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("The proxy, http://[user:password@]host:port; \"\" for none (default: the environment's).")]
        public string Proxy { get; set; }
    }
}
