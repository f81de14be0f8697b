// The store-connection parameters New-HvrStoreOption and Enable-HvrReplication both take:
// their help and defaults, written once. (Each cmdlet declares them, since PowerShell binds
// parameters to properties of the cmdlet class itself.)
using System;

namespace Hvr.Cmdlets
{
    internal static class StoreConnection
    {
        internal const int DefaultWorkStartMinute = 540;   // 09:00
        internal const int DefaultWorkEndMinute = 1020;    // 17:00

        internal const string MaxInFlightHelp = "Requests at once to the store, 1 to 64 (default 8).";
        internal const string SkipCertificateCheckHelp = "Does not verify the store's TLS certificate (the library logs a warning).";
        internal const string CaFileHelp = "A PEM file of the certificate authorities to trust instead of the system's.";
        internal const string ProxyHelp = "The proxy, http://[user:password@]host:port; \"\" for none (default: the environment's).";
        internal const string WorkHoursHelp = "The bandwidth limit during work hours, in bytes per second (0: no limit).";
        internal const string NonWorkHoursHelp = "The bandwidth limit outside work hours, in bytes per second (0: no limit).";
        internal const string WorkStartHelp = "When work hours start, in minutes after midnight (default 540, 09:00).";
        internal const string WorkEndHelp = "When work hours end, in minutes after midnight (default 1020, 17:00).";
        internal const string WorkDaysHelp = "The work days (default Monday to Friday).";

        internal static BandwidthSchedule Bandwidth(ulong work, ulong nonWork, int start, int end, DayOfWeek[] days)
        {
            return new BandwidthSchedule
            {
                WorkBytesPerSecond = work,
                NonWorkBytesPerSecond = nonWork,
                WorkStartMinute = start,
                WorkEndMinute = end,
                WorkDays = days,
            };
        }
    }
}
