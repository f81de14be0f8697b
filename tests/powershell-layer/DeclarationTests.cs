// The declarations of HvrNative.cs against the compiler's view of hvr.h: every exported
// function is declared and binds, every prototype's parameters have the C types' managed
// counterparts, every struct has the C layout, every enum the C values, every opaque type
// a SafeHandle class.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Hvr;
using Xunit;

namespace HvReplication.Layer.Tests
{
    public sealed class DeclarationTests : LayerTest
    {
        [Fact]
        public void LibraryLocatedAndLoaded()
        {
            Check.Equal(o.Library, HvrLibrary.LoadedPath, "the library HVR_LIBRARY names");
            Check.Equal(o.Version, HvrLibrary.Version, "hvr_version");
            Check.Equal(HvrLibrary.ExpectedAbiVersion, HvrLibrary.AbiVersion, "hvr_abi_version");

            // Where the module looks: HVR_LIBRARY first, then its folder, then the system.
            using (TempDir dir = new TempDir())
            {
                string saved = Environment.GetEnvironmentVariable(HvrLibrary.PathVariable);
                try
                {
                    Environment.SetEnvironmentVariable(HvrLibrary.PathVariable, null);
                    Check.Equal("libhvr.so.0", HvrLibrary.Locate(dir.Path), "the system's library when the folder has none");
                    File.WriteAllText(dir.File("libhvr.so"), "");
                    Check.Equal(dir.File("libhvr.so"), HvrLibrary.Locate(dir.Path), "the module folder's library");
                    File.WriteAllText(dir.File("libhvr.so.0"), "");
                    Check.Equal(dir.File("libhvr.so.0"), HvrLibrary.Locate(dir.Path), "the versioned name first");
                    Environment.SetEnvironmentVariable(HvrLibrary.PathVariable, dir.File("absent.so"));
                    FileNotFoundException e = Check.Throws<FileNotFoundException>(delegate { HvrLibrary.Locate(dir.Path); });
                    Check.True(e.Message.Contains(HvrLibrary.PathVariable), "the message names the variable");
                    Environment.SetEnvironmentVariable(HvrLibrary.PathVariable, o.Library);
                    Check.Equal(o.Library, HvrLibrary.Locate(dir.Path), "HVR_LIBRARY before the folder");
                }
                finally
                {
                    Environment.SetEnvironmentVariable(HvrLibrary.PathVariable, saved);
                }
            }
            Check.Throws<InvalidOperationException>(delegate { HvrLibrary.Load("/elsewhere/libhvr.so.0"); });
        }

        // Every symbol libhvr exports has a [DllImport] and binds, but the deprecated aliases,
        // which the layer must not use; every [DllImport] names an exported symbol.
        [Fact]
        public void EveryExportedFunctionDeclared()
        {
            HashSet<string> exported = new HashSet<string>(
                File.ReadAllLines(o.Symbols).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("#")));
            HashSet<string> deprecated = Record.Read(o.Record).Deprecated;
            Check.True(deprecated.Count > 0 && deprecated.IsSubsetOf(exported), "the deprecated aliases are exported");
            Dictionary<string, MethodInfo> declared = Imports();
            foreach (string symbol in exported)
            {
                Check.True(declared.ContainsKey(symbol) != deprecated.Contains(symbol),
                           deprecated.Contains(symbol) ? "HvrNative leaves out the deprecated " + symbol
                                                        : "HvrNative declares " + symbol);
            }
            foreach (KeyValuePair<string, MethodInfo> import in declared)
            {
                Check.True(exported.Contains(import.Key), import.Key + " is exported by libhvr");
                Marshal.Prelink(import.Value);  // binds it now: EntryPointNotFoundException if missing
            }
        }

        // Each prototype's return and parameter types, as clang prints them, against the
        // managed declaration.
        [Fact]
        public void PrototypesMatchTheHeader()
        {
            Dictionary<string, MethodInfo> declared = Imports();
            Record record = Record.Read(o.Record);
            int checkedFunctions = 0;
            foreach (KeyValuePair<string, string> function in record.Functions)
            {
                if (record.Deprecated.Contains(function.Key)) continue;
                MethodInfo method;
                Check.True(declared.TryGetValue(function.Key, out method), "HvrNative declares " + function.Key);
                CheckSignature(function.Key, function.Value, method.ReturnType, method.GetParameters(), record);
                ++checkedFunctions;
            }
            foreach (KeyValuePair<string, string> callback in record.Callbacks)
            {
                Type type = typeof(HvrNative).GetNestedType(callback.Key);
                Check.True(type != null && typeof(Delegate).IsAssignableFrom(type), "HvrNative declares delegate " + callback.Key);
                MethodInfo invoke = type.GetMethod("Invoke");
                // "hvr_status (*)(void *, const hvr_diff_run *)": the same shape as a prototype.
                CheckSignature(callback.Key, callback.Value.Replace("(*)", ""), invoke.ReturnType, invoke.GetParameters(),
                               record);
                UnmanagedFunctionPointerAttribute convention = (UnmanagedFunctionPointerAttribute)Attribute.GetCustomAttribute(
                    type, typeof(UnmanagedFunctionPointerAttribute));
                Check.True(convention != null && convention.CallingConvention == CallingConvention.Cdecl,
                           callback.Key + " is cdecl");
            }
            Check.True(checkedFunctions == declared.Count, "every import was checked against a prototype");
        }

        [Fact]
        public void StructLayoutsMatchTheCompiler()
        {
            Layouts layouts = Layouts.Read(o.Layouts);
            foreach (KeyValuePair<string, long> size in layouts.StructSizes)
            {
                Type type = typeof(HvrNative).GetNestedType(size.Key);
                Check.True(type != null && type.IsValueType, "HvrNative declares struct " + size.Key);
                Check.Equal(size.Value, (long)Marshal.SizeOf(type), "Marshal.SizeOf(" + size.Key + ")");
                FieldInfo[] fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance);
                List<KeyValuePair<string, long>> expected = layouts.Fields[size.Key];
                Check.Equal(expected.Count, fields.Length, size.Key + " field count");
                foreach (KeyValuePair<string, long> field in expected)
                {
                    Check.Equal(field.Value, (long)Marshal.OffsetOf(type, field.Key),
                                "offset of " + size.Key + "." + field.Key);
                }
            }
            foreach (Type nested in typeof(HvrNative).GetNestedTypes())
            {
                if (nested.IsValueType && !nested.IsEnum)
                    Check.True(layouts.StructSizes.ContainsKey(nested.Name), nested.Name + " is a struct of hvr.h");
            }
        }

        [Fact]
        public void EnumsMatchTheHeader()
        {
            Layouts layouts = Layouts.Read(o.Layouts);
            Dictionary<string, Type> managed = new Dictionary<string, Type>();
            foreach (Type type in typeof(HvrNative).Assembly.GetTypes())
            {
                NativeEnumAttribute native = (NativeEnumAttribute)Attribute.GetCustomAttribute(type, typeof(NativeEnumAttribute));
                if (native != null) managed.Add(native.Name, type);
            }
            foreach (KeyValuePair<string, List<KeyValuePair<string, long>>> cEnum in layouts.EnumValues)
            {
                Type type;
                Check.True(managed.TryGetValue(cEnum.Key, out type), "a managed enum mirrors " + cEnum.Key);
                Check.Equal(layouts.EnumSizes[cEnum.Key], (long)Marshal.SizeOf(Enum.GetUnderlyingType(type)),
                            "size of " + cEnum.Key);
                string prefix = ((NativeEnumAttribute)Attribute.GetCustomAttribute(type, typeof(NativeEnumAttribute))).Prefix;
                int mirrored = 0;
                foreach (KeyValuePair<string, long> constant in cEnum.Value)
                {
                    if (constant.Key.EndsWith("_MAX_ENUM_")) continue;  // keeps the C type int-sized only
                    Check.True(constant.Key.StartsWith(prefix), constant.Key + " starts with " + prefix);
                    string name = Pascal(constant.Key.Substring(prefix.Length));
                    Check.True(Enum.IsDefined(type, name), type.Name + "." + name + " mirrors " + constant.Key);
                    Check.Equal(constant.Value, Convert.ToInt64(Enum.Parse(type, name)), type.Name + "." + name);
                    ++mirrored;
                }
                Check.Equal(mirrored, Enum.GetValues(type).Length, type.Name + " has no value the header lacks");
            }
            Check.Equal(layouts.EnumValues.Count, managed.Count, "every managed mirror has its C enum");
        }

        [Fact]
        public void AHandleClassForEveryHandleType()
        {
            Record record = Record.Read(o.Record);
            Dictionary<string, Type> handles = HandleTypes();
            foreach (string opaque in record.Opaques)
                Check.True(handles.ContainsKey(opaque), "a SafeHandle class owns " + opaque);
            Check.Equal(record.Opaques.Count, handles.Count, "every handle class has its C type");
            foreach (Type handle in handles.Values)
            {
                Check.True(typeof(SafeHandle).IsAssignableFrom(handle), handle.Name + " is a SafeHandle");
                Check.True(handle.GetConstructor(Type.EmptyTypes) != null, handle.Name + " has the constructor marshalling needs");
            }
        }

        // ---- helpers ----------------------------------------------------------------------

        private static Dictionary<string, MethodInfo> Imports()
        {
            Dictionary<string, MethodInfo> imports = new Dictionary<string, MethodInfo>();
            foreach (MethodInfo method in typeof(HvrNative).GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                DllImportAttribute import = (DllImportAttribute)Attribute.GetCustomAttribute(method, typeof(DllImportAttribute));
                if (import == null) continue;
                Check.Equal(HvrNative.Library, import.Value, method.Name + " imports from hvr");
                Check.True(import.CallingConvention == CallingConvention.Cdecl, method.Name + " is cdecl");
                imports.Add(import.EntryPoint ?? method.Name, method);
            }
            return imports;
        }

        private static Dictionary<string, Type> HandleTypes()
        {
            Dictionary<string, Type> handles = new Dictionary<string, Type>();
            foreach (Type type in typeof(HvrNative).Assembly.GetTypes())
            {
                NativeHandleAttribute native = (NativeHandleAttribute)Attribute.GetCustomAttribute(type, typeof(NativeHandleAttribute));
                if (native != null) handles.Add(native.Name, type);
            }
            return handles;
        }

        // "HVR_LOG_DEBUG" without its prefix, "DEBUG" -> "Debug"; "PAST_SOURCE_END" -> "PastSourceEnd".
        private static string Pascal(string snake)
        {
            return string.Concat(snake.Split('_').Select(w => w.Substring(0, 1) + w.Substring(1).ToLowerInvariant()));
        }

        private static void CheckSignature(string name, string cType, Type returnType, ParameterInfo[] parameters,
                                           Record record)
        {
            // "R (P1, P2)"; "R (void)" has no parameters. Callback types are typedef names,
            // so no parameter holds parentheses.
            int open = cType.IndexOf('(');
            string cReturn = cType.Substring(0, open).Trim();
            string inside = cType.Substring(open + 1, cType.LastIndexOf(')') - open - 1).Trim();
            string[] cParams = inside == "void" || inside.Length == 0 ? new string[0] : inside.Split(',');
            Check.Equal(cParams.Length, parameters.Length, name + " parameter count");
            CheckType(name + " return", cReturn, returnType, record);
            for (int i = 0; i < cParams.Length; ++i)
                CheckType(name + " parameter " + i + " (" + parameters[i].Name + ")", cParams[i].Trim(),
                          parameters[i].ParameterType, record);
        }

        // Whether managed type `t` marshals as C type `c` (as clang spells it).
        private static void CheckType(string what, string c, Type t, Record record)
        {
            string[] words = c.Replace("*", " * ").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)
                              .Where(w => w != "const").ToArray();
            int stars = words.Count(w => w == "*");
            string cBase = string.Join(" ", words.Where(w => w != "*").ToArray());
            Type element = t.IsByRef || t.IsArray ? t.GetElementType() : null;
            bool ok;
            if (stars == 0)
            {
                ok = Scalar(cBase, t, record);
            }
            else if (stars == 1)
            {
                if (record.Opaques.Contains(cBase))
                    ok = t == typeof(IntPtr) || t == HandleTypes()[cBase];
                else if (record.Structs.Contains(cBase))
                    ok = t == typeof(IntPtr) || (element != null && element.Name == cBase);
                else if (cBase == "char" || cBase == "void" || cBase == "uint8_t")
                    ok = t == typeof(IntPtr) || t == typeof(byte[]);
                else
                    ok = element != null && Scalar(cBase, element, record);
            }
            else if (stars == 2)
            {
                if (record.Opaques.Contains(cBase))
                    ok = t.IsByRef && element == HandleTypes()[cBase];
                else if (cBase == "char")
                    ok = (t.IsByRef && element == typeof(IntPtr)) || t == typeof(IntPtr[]);
                else
                    ok = record.Structs.Contains(cBase) && t.IsByRef && element == typeof(IntPtr);
            }
            else
            {
                ok = false;
            }
            Check.True(ok, what + ": " + t + " does not marshal as " + c);
        }

        private static bool Scalar(string c, Type t, Record record)
        {
            switch (c)
            {
                case "void": return t == typeof(void);
                case "int":
                case "int32_t": return t == typeof(int);
                case "unsigned int":
                case "uint32_t": return t == typeof(uint);
                case "int64_t": return t == typeof(long);
                case "uint64_t": return t == typeof(ulong);
                case "size_t": return t == typeof(UIntPtr);
            }
            if (record.Callbacks.ContainsKey(c)) return t.DeclaringType == typeof(HvrNative) && t.Name == c;
            NativeEnumAttribute native = (NativeEnumAttribute)Attribute.GetCustomAttribute(t, typeof(NativeEnumAttribute));
            return t.IsEnum && native != null && native.Name == c;
        }
    }

    // capi/hvr.abi, the ABI record: prototypes, callbacks, opaque handles and structs.
    internal sealed class Record
    {
        public readonly Dictionary<string, string> Functions = new Dictionary<string, string>();
        public readonly Dictionary<string, string> Callbacks = new Dictionary<string, string>();
        public readonly HashSet<string> Deprecated = new HashSet<string>();
        public readonly HashSet<string> Opaques = new HashSet<string>();
        public readonly HashSet<string> Structs = new HashSet<string>();

        public static Record Read(string path)
        {
            Record r = new Record();
            foreach (string line in File.ReadAllLines(path))
            {
                string[] words = line.Split(' ');
                if (words.Length < 2) continue;
                if ((words[0] == "function" || words[0] == "callback") && words.Length > 3 && words[2] == "=")
                {
                    string type = line.Substring(line.IndexOf(" = ") + 3);
                    (words[0] == "function" ? r.Functions : r.Callbacks)[words[1]] = type;
                }
                else if (words[0] == "deprecated")
                {
                    r.Deprecated.Add(words[1]);
                }
                else if (words[0] == "opaque")
                {
                    r.Opaques.Add(words[1]);
                }
                else if (words[0] == "struct")
                {
                    r.Structs.Add(words[1]);
                }
            }
            Check.True(r.Functions.Count > 100, path + " holds the prototypes");
            return r;
        }
    }

    // What the C helper built from hvr.h printed.
    internal sealed class Layouts
    {
        public readonly Dictionary<string, long> StructSizes = new Dictionary<string, long>();
        public readonly Dictionary<string, List<KeyValuePair<string, long>>> Fields =
            new Dictionary<string, List<KeyValuePair<string, long>>>();
        public readonly Dictionary<string, long> EnumSizes = new Dictionary<string, long>();
        public readonly Dictionary<string, List<KeyValuePair<string, long>>> EnumValues =
            new Dictionary<string, List<KeyValuePair<string, long>>>();

        public static Layouts Read(string path)
        {
            Layouts l = new Layouts();
            foreach (string line in File.ReadAllLines(path))
            {
                string[] w = line.Split(' ');
                switch (w[0])
                {
                    case "struct":
                        l.StructSizes[w[1]] = long.Parse(w[2]);
                        l.Fields[w[1]] = new List<KeyValuePair<string, long>>();
                        break;
                    case "field":
                        l.Fields[w[1]].Add(new KeyValuePair<string, long>(w[2], long.Parse(w[3])));
                        break;
                    case "enum":
                        l.EnumSizes[w[1]] = long.Parse(w[2]);
                        l.EnumValues[w[1]] = new List<KeyValuePair<string, long>>();
                        break;
                    case "value":
                        l.EnumValues[w[1]].Add(new KeyValuePair<string, long>(w[2], long.Parse(w[3])));
                        break;
                    default:
                        throw new Exception(path + ": unexpected line " + line);
                }
            }
            Check.True(l.StructSizes.Count > 5 && l.EnumSizes.Count > 5, path + " holds the layouts");
            return l;
        }
    }
}
