// HvrHelpGen MODULE.dll OUTPUT.xml: the MAML help of every cmdlet class of MODULE.dll, from
// [CmdletHelp], [HelpExample] and [ParameterHelp] (bindings/powershell/Cmdlets/HelpAttributes.cs),
// [Cmdlet], [Parameter], [Alias] and [OutputType]. A cmdlet without a synopsis, a description,
// an example, or a parameter without a description fails the build, naming what is missing.
using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;

namespace HvrHelpGen;

internal static class Program
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: HvrHelpGen MODULE.dll OUTPUT.xml");
            return 2;
        }
        try
        {
            Assembly module = Assembly.LoadFrom(Path.GetFullPath(args[0]));
            var commands = module.GetExportedTypes()
                .Where(t => typeof(Cmdlet).IsAssignableFrom(t) && t.GetCustomAttribute<CmdletAttribute>() != null)
                .OrderBy(t => NameOf(t))
                .Select(Describe)
                .ToList();
            if (commands.Count == 0) throw new InvalidDataException(args[0] + " has no cmdlet");
            var document = new XDocument(new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev), commands));
            document.Save(args[1]);
            return 0;
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine("HvrHelpGen: " + e.Message);
            return 1;
        }
    }

    private static string NameOf(Type cmdlet)
    {
        CmdletAttribute a = cmdlet.GetCustomAttribute<CmdletAttribute>()!;
        return a.VerbName + "-" + a.NounName;
    }

    // The help attributes are the module's own types: read by name, since this tool does not
    // reference the module it documents.
    private static IEnumerable<Attribute> HelpAttributes(MemberInfo member, string name) =>
        member.GetCustomAttributes(inherit: false).OfType<Attribute>().Where(a => a.GetType().Name == name);

    private static string Text(Attribute attribute, string property) =>
        (string?)attribute.GetType().GetProperty(property)!.GetValue(attribute) ?? "";

    private static XElement Describe(Type cmdlet)
    {
        string name = NameOf(cmdlet);
        Attribute help = HelpAttributes(cmdlet, "CmdletHelpAttribute").SingleOrDefault()
            ?? throw new InvalidDataException(name + " has no [CmdletHelp]");
        string synopsis = Required(Text(help, "Synopsis"), name + "'s synopsis");
        string description = Required(Text(help, "Description"), name + "'s description");
        var examples = HelpAttributes(cmdlet, "HelpExampleAttribute").ToList();
        if (examples.Count == 0) throw new InvalidDataException(name + " has no [HelpExample]");

        var parameters = cmdlet.GetProperties().Concat(DynamicParameters(cmdlet))
            .Select(p => (Property: p, Declarations: p.GetCustomAttributes<ParameterAttribute>().ToList()))
            .Where(p => p.Declarations.Count > 0)
            .ToList();
        var sets = parameters.SelectMany(p => p.Declarations.Select(d => d.ParameterSetName))
            .Where(s => s != ParameterAttribute.AllParameterSets).Distinct().OrderBy(s => s).ToList();
        if (sets.Count == 0) sets.Add(ParameterAttribute.AllParameterSets);

        CmdletAttribute declaration = cmdlet.GetCustomAttribute<CmdletAttribute>()!;
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", name),
                Paragraphs(synopsis),
                new XElement(Command + "verb", declaration.VerbName),
                new XElement(Command + "noun", declaration.NounName)),
            Paragraphs(description),
            new XElement(Command + "syntax", sets.Select(set => new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", name),
                parameters.Select(p => (p.Property, Declaration: p.Declarations.FirstOrDefault(
                        d => d.ParameterSetName == set || d.ParameterSetName == ParameterAttribute.AllParameterSets)))
                    .Where(p => p.Declaration != null)
                    .OrderBy(p => p.Declaration!.Position < 0 ? int.MaxValue : p.Declaration.Position)
                    .Select(p => Parameter(name, p.Property, p.Declaration!))))),
            new XElement(Command + "parameters",
                parameters.Select(p => Parameter(name, p.Property, p.Declarations[0]))),
            new XElement(Command + "returnValues", cmdlet.GetCustomAttributes<OutputTypeAttribute>()
                .SelectMany(o => o.Type).Select(t => new XElement(Command + "returnValue",
                    new XElement(Dev + "type", new XElement(Maml + "name", t.Name)), Paragraphs("")))),
            new XElement(Command + "examples", examples.Select((e, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
                new XElement(Dev + "code", Text(e, "Code")),
                new XElement(Dev + "remarks", new XElement(Maml + "para", Text(e, "Remarks")))))));
    }

    // The parameters a cmdlet declares in the object its GetDynamicParameters returns (the
    // module's shared parameter holders, Cmdlets/StoreConnection.cs), documented as its own.
    private static IEnumerable<PropertyInfo> DynamicParameters(Type cmdlet)
    {
        if (cmdlet.IsAbstract || !typeof(IDynamicParameters).IsAssignableFrom(cmdlet)) return [];
        object? holder = ((IDynamicParameters)Activator.CreateInstance(cmdlet)!).GetDynamicParameters();
        return holder == null ? [] : holder.GetType().GetProperties();
    }

    private static XElement Parameter(string cmdlet, PropertyInfo property, ParameterAttribute declaration)
    {
        Attribute help = HelpAttributes(property, "ParameterHelpAttribute").SingleOrDefault()
            ?? throw new InvalidDataException(cmdlet + " -" + property.Name + " has no [ParameterHelp]");
        string description = Required(Text(help, "Description"), cmdlet + " -" + property.Name + "'s description");
        bool isSwitch = property.PropertyType == typeof(SwitchParameter);
        var pipeline = new List<string>();
        if (declaration.ValueFromPipeline) pipeline.Add("ByValue");
        if (declaration.ValueFromPipelineByPropertyName) pipeline.Add("ByPropertyName");
        string typeName = property.PropertyType.Name;
        var aliases = property.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames).ToList();
        return new XElement(Command + "parameter",
            new XAttribute("required", declaration.Mandatory ? "true" : "false"),
            new XAttribute("position", declaration.Position < 0 ? "named" : declaration.Position.ToString()),
            new XAttribute("pipelineInput", pipeline.Count == 0 ? "False" : "True (" + string.Join(", ", pipeline) + ")"),
            new XAttribute("globbing", "false"),
            new XAttribute("variableLength", property.PropertyType.IsArray ? "true" : "false"),
            new XAttribute("aliases", aliases.Count == 0 ? "none" : string.Join(", ", aliases)),
            new XElement(Maml + "name", property.Name),
            Paragraphs(description),
            isSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), typeName),
            new XElement(Dev + "type", new XElement(Maml + "name", typeName)));
    }

    private static string Required(string text, string what) =>
        string.IsNullOrWhiteSpace(text) ? throw new InvalidDataException(what + " is empty") : text;

    private static XElement Paragraphs(string text) =>
        new(Maml + "description", new XElement(Maml + "para", text));
}
