package dev.mmgcn.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of daemon workers for the SIMD backend. The calling thread always takes a share of the
 * work itself, so a pool of {@code threads} runs {@code threads - 1} workers and a single-threaded
 * instance starts none. Work is split by the caller into parts whose results never depend on which
 * thread ran them, which is what keeps every kernel deterministic whatever the thread count.
 *
 * <p>A call publishes one job; parts are claimed from a shared counter by the caller and by whichever
 * workers are awake, and the caller returns as soon as every part has <em>finished</em> — it never waits
 * for a worker that has not started, because an unclaimed part is simply claimed by the caller. (The
 * earlier pool waited on a latch for every helper it had handed the job to: on a busy machine a
 * descheduled helper held up every kernel call, and a 2-thread epoch took longer than a 1-thread one.)
 * Between jobs a worker spins for {@link #SPIN_NANOS} before it parks, since the next kernel call usually
 * follows within microseconds; a caller whose parts are being finished by others spins as long, then parks.
 *
 * <p>One job at a time: a call that finds the pool busy (another thread's kernel) or that comes from a
 * worker (a kernel inside a part) runs its parts inline.
 */
final class Parallel implements AutoCloseable {

    /** The body of a split loop over a half-open range. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** The body of one numbered part. */
    @FunctionalInterface
    interface Part {
        void run(int index);
    }

    /**
     * How long an idle worker, or a caller waiting for parts, spins before parking
     * ({@code -Dmmgcn.parallel.spinNanos} to measure others).
     */
    static final long SPIN_NANOS = Long.getLong("mmgcn.parallel.spinNanos", 20_000L);

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock submit = new ReentrantLock();
    private volatile Job job;
    private volatile boolean closed;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this);
            workers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * How many parts a split aims for: several per thread, so that when a thread is held up (the machine
     * is shared, or one core is slower) its unclaimed parts go to the others instead of everyone waiting.
     */
    int parts() {
        return threads == 1 ? 1 : 4 * threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into at most {@link #parts()} contiguous ranges of at least
     * {@code grain} items; with one range it runs on the caller without any hand-off.
     */
    void forRange(int n, int grain, Range body) {
        int parts = partsFor(n, grain);
        if (parts <= 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        forParts(parts, i -> body.run(bound(n, parts, i), bound(n, parts, i + 1)));
    }

    /** How many ranges {@link #forRange} would use for {@code n} items of the given grain. */
    int partsFor(int n, int grain) {
        if (n <= 0) return 0;
        long byGrain = (n + (long) Math.max(grain, 1) - 1) / Math.max(grain, 1);
        return (int) Math.min(parts(), byGrain);
    }

    /** Start of range {@code i} of {@code parts} equal ranges over {@code [0, n)}. */
    static int bound(int n, int parts, int i) {
        return (int) ((long) n * i / parts);
    }

    /**
     * Runs parts {@code 0..count-1}, each exactly once, claimed dynamically by the caller and the workers.
     * Exceptions from any part are rethrown on the caller once every claimed part has finished, so no
     * worker still writes into buffers the caller may free; parts not yet started when one fails are skipped.
     */
    void forParts(int count, Part body) {
        if (count <= 0) return;
        if (count == 1 || workers.length == 0 || closed || Thread.currentThread() instanceof Worker || !submit.tryLock()) {
            for (int i = 0; i < count; i++) body.run(i);
            return;
        }
        try {
            Job j = new Job(body, count);
            job = j;
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            j.work();
            j.awaitParts();
            Throwable t = j.failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        } finally {
            submit.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    /** One call's parts: a claim counter, a count of finished parts, and the caller to wake at the end. */
    private static final class Job {
        final Part body;
        final int count;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile Thread waiter;

        Job(Part body, int count) {
            this.body = body;
            this.count = count;
        }

        /** Claims and runs parts until none is left. */
        void work() {
            for (int i; (i = next.getAndIncrement()) < count; ) {
                try {
                    if (failure.get() == null) body.run(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
                if (finished.incrementAndGet() == count) {
                    Thread w = waiter;
                    if (w != null) LockSupport.unpark(w);
                }
            }
        }

        /** Returns once every part has finished: spins a little, then parks until the last one wakes it. */
        void awaitParts() {
            if (finished.get() == count) return;
            long start = System.nanoTime();
            while (System.nanoTime() - start < SPIN_NANOS) {
                for (int s = 0; s < 64; s++) {
                    if (finished.get() == count) return;
                    Thread.onSpinWait();
                }
            }
            waiter = Thread.currentThread();
            while (finished.get() < count) LockSupport.park(this);
        }
    }

    /** A pool thread; marks itself so that a kernel called from inside a part runs inline. */
    private static final class Worker extends Thread {
        private static final AtomicInteger COUNT = new AtomicInteger();
        private final Parallel pool;
        volatile boolean parked;

        Worker(Parallel pool) {
            super("mmgcn-simd-" + COUNT.incrementAndGet());
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = null;
            while (!pool.closed) {
                Job j = pool.job;
                if (j != null && j != seen) {
                    seen = j;
                    j.work();
                    continue;
                }
                if (spinFor(seen)) continue;
                parked = true;
                // re-check after announcing: a job published before the flag was seen must not be slept through
                if (pool.job == seen && !pool.closed) LockSupport.park(this);
                parked = false;
            }
        }

        /** Spins up to SPIN_NANOS for a job other than {@code seen}; true when one (or closing) came. */
        private boolean spinFor(Job seen) {
            long start = System.nanoTime();
            while (System.nanoTime() - start < SPIN_NANOS) {
                for (int s = 0; s < 64; s++) {
                    if (pool.job != seen || pool.closed) return true;
                    Thread.onSpinWait();
                }
            }
            return false;
        }
    }
}
