// HvrCore.cs: cancellation, the retry policy, byte ranges, and long calls run as
// operations a script can watch (progress) and stop (Ctrl+C) from its own thread.
using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Hvr
{
    // A half-open byte range [Offset, Offset + Length) of a disk.
    public struct ByteRange
    {
        public ByteRange(ulong offset, ulong length) : this() { Offset = offset; Length = length; }
        public ulong Offset { get; private set; }
        public ulong Length { get; private set; }
        public ulong End { get { return Offset + Length; } }
        public override string ToString() { return "[" + Offset + ", " + End + ")"; }

        // An array of hvr_disk_range the library allocated: read, then freed.
        internal static ByteRange[] Take(IntPtr ranges, UIntPtr count)
        {
            try
            {
                int n = checked((int)count.ToUInt64());
                ByteRange[] result = new ByteRange[n];
                int size = Marshal.SizeOf(typeof(HvrNative.hvr_disk_range));
                for (int i = 0; i < n; ++i)
                {
                    HvrNative.hvr_disk_range r = (HvrNative.hvr_disk_range)Marshal.PtrToStructure(
                        IntPtr.Add(ranges, i * size), typeof(HvrNative.hvr_disk_range));
                    result[i] = new ByteRange(r.offset, r.length);
                }
                return result;
            }
            finally
            {
                HvrNative.hvr_disk_ranges_free(ranges);
            }
        }

        internal static HvrNative.hvr_changed_range[] ToNative(ICollection<ByteRange> ranges)
        {
            HvrNative.hvr_changed_range[] result = new HvrNative.hvr_changed_range[ranges == null ? 0 : ranges.Count];
            int i = 0;
            if (ranges != null)
            {
                foreach (ByteRange r in ranges)
                {
                    result[i].offset = r.Offset;
                    result[i].length = r.Length;
                    ++i;
                }
            }
            return result;
        }
    }

    internal static class UnixTime
    {
        private static readonly DateTimeOffset Epoch = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public static DateTimeOffset ToDate(long seconds) { return Epoch.AddSeconds(seconds); }
        public static long ToSeconds(DateTimeOffset date) { return (long)Math.Floor((date - Epoch).TotalSeconds); }
    }

    // A cancellation token for long calls. Cancel may be called from any thread while calls
    // given the token run; they stop with HvrException(Status.Cancelled) at the next point
    // where stopping leaves nothing half done.
    public sealed class CancelToken : IDisposable
    {
        private readonly CancelTokenHandle handle;

        public CancelToken()
        {
            Errors.Check(HvrNative.hvr_cancel_token_create(out handle), "hvr_cancel_token_create");
        }

        public void Cancel() { HvrNative.hvr_cancel_token_cancel(handle); }
        public bool IsCancelled { get { return HvrNative.hvr_cancel_token_is_cancelled(handle) != 0; } }
        public void Dispose() { handle.Dispose(); }

        internal static CancelTokenHandle HandleOf(CancelToken token)
        {
            return token == null ? CancelTokenHandle.Null : token.handle;
        }

        // Puts a long call's token and progress on its options handle through that options
        // type's two setters (hvr.h: every long call takes them the same way); the handle
        // keeps the progress callback alive, the caller keeps the token alive for the call.
        internal static void SetOn<Options>(Options options, CancelToken cancel, HvrNative.hvr_progress_fn progressFn,
                                            Func<Options, CancelTokenHandle, Status> setCancel, string setCancelName,
                                            Func<Options, HvrNative.hvr_progress_fn, IntPtr, Status> setProgress,
                                            string setProgressName) where Options : HvrHandle
        {
            if (cancel != null) Errors.Check(setCancel(options, HandleOf(cancel)), setCancelName);
            if (progressFn == null) return;
            options.KeepAlive(progressFn);
            Errors.Check(setProgress(options, progressFn, IntPtr.Zero), setProgressName);
        }
    }

    public sealed class RetryDecision
    {
        internal RetryDecision(RetryAction action, DateTimeOffset? at) { Action = action; At = at; }
        public RetryAction Action { get; private set; }
        public DateTimeOffset? At { get; private set; }  // for RetryAction.At
    }

    // The retry policy (docs/retry-policy.md): after a failure at t0, retry n runs at the
    // first replication tick not earlier than t0 + offset(n). Immutable; thread-safe.
    public sealed class RetryPolicy : IDisposable
    {
        private readonly RetryPolicyHandle handle;

        // The default schedule: 1, 2, 4, 8, 10 minutes, then every 30 minutes.
        public RetryPolicy()
        {
            Errors.Check(HvrNative.hvr_retry_policy_create(out handle), "hvr_retry_policy_create");
        }

        // A custom schedule, in whole seconds.
        public RetryPolicy(IList<TimeSpan> backoff, TimeSpan steadyInterval)
        {
            if (backoff == null) throw new ArgumentNullException("backoff");
            long[] seconds = new long[backoff.Count];
            for (int i = 0; i < seconds.Length; ++i) seconds[i] = WholeSeconds(backoff[i], "backoff");
            Errors.Check(HvrNative.hvr_retry_policy_create_custom(seconds, new UIntPtr((uint)seconds.Length),
                                                                  WholeSeconds(steadyInterval, "steadyInterval"),
                                                                  out handle),
                         "hvr_retry_policy_create_custom");
        }

        public TimeSpan[] Backoff
        {
            get
            {
                UIntPtr count;
                long steady;
                Errors.Check(HvrNative.hvr_retry_policy_get_schedule(handle, null, UIntPtr.Zero, out count, out steady),
                             "hvr_retry_policy_get_schedule");
                long[] seconds = new long[count.ToUInt64()];
                Errors.Check(HvrNative.hvr_retry_policy_get_schedule(handle, seconds, count, out count, out steady),
                             "hvr_retry_policy_get_schedule");
                return Array.ConvertAll(seconds, s => TimeSpan.FromSeconds(s));
            }
        }

        public TimeSpan SteadyInterval
        {
            get
            {
                UIntPtr count;
                long steady;
                Errors.Check(HvrNative.hvr_retry_policy_get_schedule(handle, null, UIntPtr.Zero, out count, out steady),
                             "hvr_retry_policy_get_schedule");
                return TimeSpan.FromSeconds(steady);
            }
        }

        // The decision after a run of failures: the first attempt failed at firstFailure,
        // `retries` attempts followed, the latest at lastAttempt, failing with lastError.
        public RetryDecision NextAttempt(DateTimeOffset firstFailure, DateTimeOffset lastAttempt, int retries,
                                         Status lastError, TimeSpan replicationInterval)
        {
            RetryAction action;
            long when;
            Errors.Check(HvrNative.hvr_retry_policy_next_attempt(handle, UnixTime.ToSeconds(firstFailure),
                                                                 UnixTime.ToSeconds(lastAttempt), retries, lastError,
                                                                 WholeSeconds(replicationInterval, "replicationInterval"),
                                                                 out action, out when),
                         "hvr_retry_policy_next_attempt");
            return new RetryDecision(action, action == RetryAction.At ? UnixTime.ToDate(when) : (DateTimeOffset?)null);
        }

        // When the first `count` retries run if every attempt fails with `error` (each at the
        // time the policy gives), as offsets from the first failure. Empty for an error that
        // is not retried.
        public TimeSpan[] Schedule(TimeSpan replicationInterval, Status error, int count)
        {
            DateTimeOffset start = UnixTime.ToDate(0);
            DateTimeOffset last = start;
            List<TimeSpan> offsets = new List<TimeSpan>();
            for (int n = 0; n < count; ++n)
            {
                RetryDecision decision = NextAttempt(start, last, n, error, replicationInterval);
                if (decision.Action != RetryAction.At) break;
                last = decision.At.Value;
                offsets.Add(last - start);
            }
            return offsets.ToArray();
        }

        public void Dispose() { handle.Dispose(); }

        private static long WholeSeconds(TimeSpan span, string name)
        {
            if (span.Ticks % TimeSpan.TicksPerSecond != 0)
                throw new ArgumentException("the retry policy counts in whole seconds", name);
            return (long)span.TotalSeconds;
        }
    }

    // A long call running on a worker thread, so that the thread that started it stays free
    // to report progress (PowerShell's Write-Progress works only on the pipeline thread) and
    // to stop it: Cancel, or Dispose, cancels through the operation's token and waits for
    // the call to return. Thread-safe.
    public sealed class Operation<T> : IDisposable
    {
        private readonly CancelToken token = new CancelToken();
        private readonly Task<T> task;
        private long done;
        private long total;
        private long reports;

        private Operation(Func<CancelToken, ProgressCallback, T> work)
        {
            task = Task.Factory.StartNew(() => work(token, OnProgress), CancellationToken.None,
                                         TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        // Runs `work` on a worker thread with the operation's token and progress sink. The
        // wrappers' Start* methods use it; C# callers may too (not PowerShell script
        // blocks, which cannot run on a worker thread).
        public static Operation<T> Start(Func<CancelToken, ProgressCallback, T> work)
        {
            if (work == null) throw new ArgumentNullException("work");
            return new Operation<T>(work);
        }

        public ulong Done { get { return (ulong)Interlocked.Read(ref done); } }
        public ulong Total { get { return (ulong)Interlocked.Read(ref total); } }
        public long Reports { get { return Interlocked.Read(ref reports); } }  // progress calls so far
        public int PercentComplete
        {
            get
            {
                ulong t = Total;
                return t == 0 ? 0 : (int)Math.Min(100, Done * 100.0 / t);
            }
        }
        public bool IsCompleted { get { return task.IsCompleted; } }

        // Waits up to `milliseconds` (-1: without end); true once the call has returned.
        // Throws what the call threw (an HvrException with the native message).
        public bool Wait(int milliseconds)
        {
            try
            {
                return task.Wait(milliseconds);
            }
            catch (AggregateException e)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }

        public T Result
        {
            get
            {
                Wait(Timeout.Infinite);
                return task.Result;
            }
        }

        public void Cancel() { token.Cancel(); }

        // Cancels a call still running and waits for it; its outcome is dropped.
        public void Dispose()
        {
            if (!task.IsCompleted) token.Cancel();
            try { task.Wait(); }
            catch (AggregateException) { }
            token.Dispose();
        }

        private void OnProgress(ulong d, ulong t)
        {
            Interlocked.Exchange(ref total, (long)t);
            Interlocked.Exchange(ref done, (long)d);
            Interlocked.Increment(ref reports);
        }
    }
}
