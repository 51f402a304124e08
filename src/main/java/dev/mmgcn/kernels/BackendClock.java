package dev.mmgcn.kernels;

/**
 * Time marks on a backend's own timeline, for {@code --profile}. A mark is an opaque number from
 * {@link #mark()}; {@link #seconds} turns two of them into elapsed time.
 *
 * <p>Host backends finish every call before it returns, so their timeline is the host clock
 * ({@link #HOST}). A device backend queues work, so the host clock would only measure how long the
 * queueing took: it should record an event in its stream at each mark (CUDA: {@code cuEventRecord}
 * from a pool of events created once) and resolve elapsed times in {@link #seconds} (waiting for the
 * later event, then {@code cuEventElapsedTime}), which the profiler calls only at the end of an epoch,
 * so marks never add a host synchronisation inside a step. {@link #reset()} tells it that every mark
 * handed out so far has been resolved, so a pool can be reused.
 */
public interface BackendClock {

    /** A mark at the current point of the backend's timeline. */
    long mark();

    /** Seconds between two marks of this clock; may wait for the backend to reach {@code to}. */
    double seconds(long from, long to);

    /** Every mark handed out so far has been resolved and will not be asked about again. */
    default void reset() {
    }

    /** The host's monotonic clock: right for backends that compute synchronously. */
    BackendClock HOST = new BackendClock() {
        @Override
        public long mark() {
            return System.nanoTime();
        }

        @Override
        public double seconds(long from, long to) {
            return (to - from) / 1e9;
        }
    };
}
