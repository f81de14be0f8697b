// Handles whose close or destroy may wait on the network (hvr_store_close,
// hvr_session_close, hvr_scheduler_destroy, hvr_engine_destroy) are closed by Dispose on
// the disposing thread and never on the finalizer thread, which leaks them instead.
using System;
using System.Runtime.CompilerServices;
using System.Text;
using Hvr;
using Xunit;

namespace HvReplication.Layer.Tests
{
    public sealed class HandleTests : LayerTest
    {
        [Fact]
        public void BlockingHandlesCloseOnlyWhenDisposed()
        {
            Check.True(typeof(BlockingHvrHandle).IsAssignableFrom(typeof(StoreHandle)), "a store's close may block");
            Check.True(typeof(BlockingHvrHandle).IsAssignableFrom(typeof(SessionHandle)), "a session's close may block");
            Check.True(typeof(BlockingHvrHandle).IsAssignableFrom(typeof(SchedulerHandle)), "a scheduler's destroy may block");
            Check.True(typeof(BlockingHvrHandle).IsAssignableFrom(typeof(EngineHandle)), "an engine's destroy may block");
            using (TempDir dir = new TempDir())
            {
                int before = BlockingHvrHandle.LeakedByFinalizer;
                StoreHandle disposed = OpenStore(dir.File("disposed"));
                disposed.Dispose();
                Check.True(disposed.IsClosed, "Dispose closes the store");
                Check.Equal(before, BlockingHvrHandle.LeakedByFinalizer, "nothing leaked by Dispose");

                WeakReference dropped = OpenAndDrop(dir.File("dropped"));
                for (int i = 0; i < 10 && dropped.IsAlive; ++i)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
                Check.True(!dropped.IsAlive, "the dropped store handle was finalized");
                // Other tests may run at once and leak too; this one's leak is among them.
                Check.True(BlockingHvrHandle.LeakedByFinalizer >= before + 1,
                           "the finalizer leaked the dropped store rather than close it");
            }
        }

        private static StoreHandle OpenStore(string folder)
        {
            StoreHandle store;
            Check.Equal(Status.Ok, HvrNative.hvr_store_open(Encoding.UTF8.GetBytes(folder + "\0"), new StoreOptionsHandle(),
                                                            out store),
                        "hvr_store_open");
            return store;
        }

        // Opens a store and forgets it without Dispose, in a frame of its own so that nothing
        // keeps it reachable.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference OpenAndDrop(string folder)
        {
            return new WeakReference(OpenStore(folder));
        }
    }
}
