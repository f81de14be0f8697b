// What the C# layer's tests share: the files of the build they check the layer against,
// named by environment variables that tests/powershell-layer/CMakeLists.txt sets; the
// library loaded the module's way (the file HVR_LIBRARY names) before any test runs; checks
// that throw on failure; temporary folders.
using System;
using System.Collections.Generic;
using System.IO;
using Hvr;
using Xunit;

// The tests force collections while native code calls back and time their callbacks: run
// one at a time, as the library's embedders' processes would, not beside each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace HvReplication.Layer.Tests
{
    internal sealed class Options
    {
        public string Library;  // libhvr of the build (HVR_LIBRARY)
        public string Layouts;  // what tests/abi's C helper printed: struct layouts and enums
        public string Record;   // the ABI record of the build: the prototypes as the compiler sees them
        public string Symbols;  // capi/hvr.symbols
        public string Version;  // the project's version
        public string Module;   // bindings/powershell: the script module and its manifest

        private static readonly Lazy<Options> current = new Lazy<Options>(Load);

        // The options, once the library is loaded from Library.
        public static Options Current { get { return current.Value; } }

        private static Options Load()
        {
            Options o = new Options
            {
                Library = Required(HvrLibrary.PathVariable),
                Layouts = Required("HVR_TEST_LAYOUTS"),
                Record = Required("HVR_TEST_ABI_RECORD"),
                Symbols = Required("HVR_TEST_SYMBOLS"),
                Version = Required("HVR_TEST_VERSION"),
                Module = Required("HVR_TEST_MODULE_SOURCE"),
            };
            HvrLibrary.Initialize(null);
            return o;
        }

        private static string Required(string variable)
        {
            string value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value))
                throw new InvalidOperationException(variable + " is not set: tests/powershell-layer/CMakeLists.txt sets it");
            return value;
        }
    }

    // The base of the test classes: the library is loaded before a test calls into it.
    public abstract class LayerTest
    {
        internal readonly Options o = Options.Current;
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
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hvr-layer-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; private set; }
        public string File(string name) { return System.IO.Path.Combine(Path, name); }
        public void Dispose() { Directory.Delete(Path, true); }
    }
}
