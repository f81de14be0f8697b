// The settings of a replication that Enable-HvrReplication gives and Set-HvrReplication
// changes (docs/session.md, "Changing, suspending, removing"): declared once, applied alike to
// a Protection or a SettingsChange (the throughput ones are shared, StoreConnection.cs). Only
// what is given is applied; a bandwidth schedule and a resync window are each given whole, a
// parameter of one left out taking its default.
using System;
using System.Management.Automation;

namespace Hvr.Cmdlets
{
    public abstract class SettingsCmdlet : SessionCmdlet, IDynamicParameters
    {
        // The parameter set of the settings, apart from the sets a cmdlet has besides.
        internal const string SettingsSet = ThroughputParameters.SettingsSet;

        private static readonly string[] ResyncWindowParameters =
            { "AutoResynchronizeEnabled", "OfficeHoursStartMinute", "OfficeHoursEndMinute", "OfficeDays" };

        // The link to the target, given whole: a rate left out takes its default.
        private static readonly string[] LinkParameters = { "LinkBytesPerSecond", "LinkRequestsPerSecond" };

        private ThroughputParameters throughput;

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("How often a cycle runs, in seconds: 30, 300 (the default when protection is enabled) or 900.")]
        public int ReplicationFrequencySec { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("How many hours of recovery points are kept.")]
        public int RecoveryHistoryHours { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [Alias("VSSSnapshotFrequencyHour")]
        [ParameterHelp("How often, in hours, a recovery point is application-consistent.")]
        public int AppConsistentFrequencyHours { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("Whether a VM marked for resync is resynchronized automatically outside office hours (default $true).")]
        public bool AutoResynchronizeEnabled { get { return autoResync; } set { autoResync = value; } }
        private bool autoResync = true;

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("When office hours start, in minutes after midnight (default 480, 08:00).")]
        public int OfficeHoursStartMinute { get { return officeStart; } set { officeStart = value; } }
        private int officeStart = 480;

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("When office hours end, in minutes after midnight (default 1080, 18:00).")]
        public int OfficeHoursEndMinute { get { return officeEnd; } set { officeEnd = value; } }
        private int officeEnd = 1080;

        [Parameter(ParameterSetName = SettingsSet)]
        [ParameterHelp("The office days (default Monday to Friday).")]
        public DayOfWeek[] OfficeDays { get { return officeDays; } set { officeDays = value; } }
        private DayOfWeek[] officeDays = Weekdays;

        [Parameter(ParameterSetName = SettingsSet)]
        [Alias("LinkBandwidth")]
        [ParameterHelp("The link's bandwidth to the target in bytes per second, which decides how far writes join across " +
                       "zeros: 125000 to 12500000000 (default 12500000, 100 Mbit/s).")]
        public ulong LinkBytesPerSecond { get; set; }

        [Parameter(ParameterSetName = SettingsSet)]
        [Alias("LinkRequestRate")]
        [ParameterHelp("Requests a second one replica disk takes: 1 to 100000 (default 500, Azure's target for a page blob).")]
        public uint LinkRequestsPerSecond { get; set; }

        // The throughput parameters (StoreConnection.cs), bound by PowerShell into this object.
        public object GetDynamicParameters() { return Throughput; }

        protected ThroughputParameters Throughput
        {
            get { return throughput ?? (throughput = NewThroughputParameters()); }
        }

        // The holder of the shared parameters this cmdlet takes.
        protected virtual ThroughputParameters NewThroughputParameters() { return new ThroughputParameters(); }

        // Whether any setting was given.
        protected bool AnySettingGiven()
        {
            return IsBound("ReplicationFrequencySec") || IsBound("RecoveryHistoryHours") ||
                   IsBound("AppConsistentFrequencyHours") || IsBound("MaxInFlight") ||
                   AnyBound(ThroughputParameters.BandwidthParameterNames) || AnyBound(ResyncWindowParameters) ||
                   AnyBound(LinkParameters);
        }

        // Applies the settings given; the library checks each value.
        protected void ApplySettings(IReplicationSettings settings)
        {
            if (IsBound("ReplicationFrequencySec")) settings.SetInterval(ReplicationFrequencySec);
            if (IsBound("RecoveryHistoryHours")) settings.SetRecoveryHistory(RecoveryHistoryHours);
            if (IsBound("AppConsistentFrequencyHours")) settings.SetAppConsistentFrequency(AppConsistentFrequencyHours);
            if (IsBound("MaxInFlight")) settings.SetMaxInFlight(Throughput.MaxInFlight);
            if (AnyBound(ThroughputParameters.BandwidthParameterNames)) settings.SetBandwidth(Throughput.Bandwidth());
            // A rate not given is 0, which the library reads as its default.
            if (AnyBound(LinkParameters)) settings.SetLink(LinkBytesPerSecond, LinkRequestsPerSecond);
            if (AnyBound(ResyncWindowParameters))
                settings.SetResyncWindow(AutoResynchronizeEnabled, OfficeHoursStartMinute, OfficeHoursEndMinute, OfficeDays);
        }
    }
}
