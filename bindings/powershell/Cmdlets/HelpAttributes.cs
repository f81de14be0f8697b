// The help of the compiled cmdlets, written beside the code it describes. bindings/powershell-help
// turns these attributes into HvReplication.dll-Help.xml (MAML), the file Get-Help reads for
// a binary module's cmdlets (docs/powershell.md, "Help"): the synopsis, description and
// examples on the class, each parameter's description on its property; the outputs come
// from [OutputType] and the syntax from [Parameter].
using System;

namespace Hvr.Cmdlets
{
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public sealed class CmdletHelpAttribute : Attribute
    {
        public CmdletHelpAttribute(string synopsis, string description)
        {
            Synopsis = synopsis;
            Description = description;
        }
        public string Synopsis { get; private set; }
        public string Description { get; private set; }
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class HelpExampleAttribute : Attribute
    {
        public HelpExampleAttribute(string code, string remarks)
        {
            Code = code;
            Remarks = remarks;
        }
        public string Code { get; private set; }
        public string Remarks { get; private set; }
    }

    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
    public sealed class ParameterHelpAttribute : Attribute
    {
        public ParameterHelpAttribute(string description) { Description = description; }
        public string Description { get; private set; }
    }
}
