// The P/Invoke layer's tests, run under Mono against the libhvr.so of the build
// (tests/bindings/CMakeLists.txt). A test is a named method; a failed check throws. The
// program prints one line per test and exits 1 if any failed.
//
//   mono hvr_bindings_test.exe --library PATH --layouts PATH --record PATH --symbols PATH
//        --version X.Y.Z --module FOLDER [--azurite PATH] [--group declarations|module|scenarios|azurite]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Hvr;

namespace HvrBindingsTest
{
    internal sealed class Options
    {
        public string Library;
        public string Layouts;  // what tests/abi's C helper printed: struct layouts and enums
        public string Record;   // capi/hvr.abi: the prototypes as the compiler sees them
        public string Symbols;  // capi/hvr.symbols
        public string Version;
        public string Azurite;  // the azurite-blob launcher, for the azurite group
        public string Module;   // bindings/powershell: the script module and its manifest
        public string Group;
    }

    internal static class Check
    {
        public static void True(bool condition, string what)
        {
            if (!condition) throw new Exception("check failed: " + what);
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new Exception(what + ": expected " + expected + ", found " + actual);
        }

        public static void Bytes(byte[] expected, byte[] actual, string what)
        {
            Equal(expected.Length, actual.Length, what + " (length)");
            for (int i = 0; i < expected.Length; ++i)
            {
                if (expected[i] != actual[i])
                    throw new Exception(what + ": byte " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }

        // The call must throw an HvrException with `status` whose message holds `fragment`.
        public static HvrException Fails(Status status, string fragment, Action call)
        {
            try
            {
                call();
            }
            catch (HvrException e)
            {
                Equal(status, e.Status, "status of '" + e.Message + "'");
                True(e.Message.Contains(fragment), "'" + e.Message + "' mentions '" + fragment + "'");
                Equal(e.Message, e.NativeMessage, "the message is the library's");
                return e;
            }
            throw new Exception("expected HvrException(" + status + ") mentioning '" + fragment + "'");
        }

        public static T Throws<T>(Action call) where T : Exception
        {
            try
            {
                call();
            }
            catch (T e)
            {
                return e;
            }
            throw new Exception("expected " + typeof(T).Name);
        }
    }

    // A temporary folder, removed on Dispose.
    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hvr-bindings-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; private set; }
        public string File(string name) { return System.IO.Path.Combine(Path, name); }
        public void Dispose() { Directory.Delete(Path, true); }
    }

    internal static class Program
    {
        private static int Main(string[] args)
        {
            Options options = Parse(args);
            if (options == null)
            {
                Console.Error.WriteLine("usage: hvr_bindings_test.exe --library PATH --layouts PATH --record PATH " +
                                        "--symbols PATH --version X --module FOLDER [--azurite PATH] [--group NAME]");
                return 2;
            }
            // The module's way: the library named by HVR_LIBRARY.
            Environment.SetEnvironmentVariable(HvrLibrary.PathVariable, options.Library);
            HvrLibrary.Initialize(null);
            return Run(Tests(options), options.Group);
        }

        private static List<KeyValuePair<string, Action>> Tests(Options o)
        {
            List<KeyValuePair<string, Action>> tests = new List<KeyValuePair<string, Action>>();
            Action<string, string, Action> add = delegate(string group, string name, Action test)
            {
                tests.Add(new KeyValuePair<string, Action>(group + "." + name, test));
            };
            add("declarations", "library_located_and_loaded", delegate { DeclarationTests.LibraryLoaded(o); });
            add("declarations", "every_exported_function_declared", delegate { DeclarationTests.EveryFunctionDeclared(o); });
            add("declarations", "prototypes_match_the_header", delegate { DeclarationTests.PrototypesMatch(o); });
            add("declarations", "struct_layouts_match_the_compiler", delegate { DeclarationTests.StructLayoutsMatch(o); });
            add("declarations", "enums_match_the_header", delegate { DeclarationTests.EnumsMatch(o); });
            add("declarations", "a_handle_class_for_every_handle_type", delegate { DeclarationTests.HandlesMatch(o); });
            add("module", "manifest_and_sources", delegate { ModuleTests.ManifestAndSources(o); });
            add("module", "exported_cmdlets", delegate { ModuleTests.ExportedCmdlets(o); });
            add("module", "members_exist_in_the_layer", delegate { ModuleTests.MembersExist(o); });
            add("module", "json_fields_exist", delegate { ModuleTests.JsonFieldsExist(o); });
            add("scenarios", "status_names_and_classes", ScenarioTests.StatusNamesAndClasses);
            add("scenarios", "retry_policy", ScenarioTests.RetryPolicySchedule);
            add("scenarios", "disks_create_write_read_convert_merge", ScenarioTests.Disks);
            add("scenarios", "disk_errors_carry_the_native_message", ScenarioTests.DiskErrors);
            add("scenarios", "manifests_and_diffs", ScenarioTests.ManifestsAndDiffs);
            add("scenarios", "replica_logs_tracked_read_and_applied", ScenarioTests.ReplicaLogs);
            add("scenarios", "local_store_upload_download_points", ScenarioTests.LocalStore);
            add("scenarios", "store_disks_piece_by_piece", ScenarioTests.StorePieces);
            add("scenarios", "log_callback", ScenarioTests.LogCallback);
            add("scenarios", "callbacks_survive_garbage_collection", ScenarioTests.CallbacksSurviveCollection);
            add("scenarios", "callback_exceptions_reach_the_caller", ScenarioTests.CallbackExceptions);
            add("scenarios", "cancellation", ScenarioTests.Cancellation);
            add("scenarios", "operations_report_progress_and_stop", ScenarioTests.Operations);
            add("scenarios", "replication_session_protect_cycle_failover_failback", ScenarioTests.Replication);
            add("scenarios", "replication_defaults_and_lifetimes", ScenarioTests.ReplicationDefaults);
            add("azurite", "upload_and_download_with_log", delegate { AzuriteTests.UploadAndDownload(o); });
            return tests;
        }

        private static int Run(List<KeyValuePair<string, Action>> tests, string group)
        {
            int failed = 0, ran = 0;
            foreach (KeyValuePair<string, Action> test in tests)
            {
                if (group != null && !test.Key.StartsWith(group + ".")) continue;
                ++ran;
                Stopwatch watch = Stopwatch.StartNew();
                try
                {
                    test.Value();
                    Console.WriteLine("ok   " + test.Key + " (" + watch.ElapsedMilliseconds + " ms)");
                }
                catch (Exception e)
                {
                    ++failed;
                    Console.WriteLine("FAIL " + test.Key + ": " + e);
                }
            }
            Console.WriteLine(ran - failed + " passed, " + failed + " failed");
            return failed == 0 && ran > 0 ? 0 : 1;
        }

        private static Options Parse(string[] args)
        {
            Options o = new Options();
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--library": o.Library = args[i + 1]; break;
                    case "--layouts": o.Layouts = args[i + 1]; break;
                    case "--record": o.Record = args[i + 1]; break;
                    case "--symbols": o.Symbols = args[i + 1]; break;
                    case "--version": o.Version = args[i + 1]; break;
                    case "--azurite": o.Azurite = args[i + 1]; break;
                    case "--module": o.Module = args[i + 1]; break;
                    case "--group": o.Group = args[i + 1]; break;
                    default: return null;
                }
            }
            if (args.Length % 2 != 0 || o.Library == null || o.Layouts == null || o.Record == null || o.Symbols == null ||
                o.Version == null || o.Module == null)
                return null;
            return o;
        }
    }
}
