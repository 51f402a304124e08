package dev.mmgcn.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed pool of daemon workers for the SIMD backend. The calling thread always takes a share of the
 * work itself, so a pool of {@code threads} runs {@code threads - 1} workers and a single-threaded
 * instance starts none. Work is split by the caller into parts whose results never depend on which
 * thread ran them, which is what keeps every kernel deterministic whatever the thread count.
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

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, Worker::new);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} cut into at most {@code threads} contiguous ranges of at least
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
        return (int) Math.min(threads, byGrain);
    }

    /** Start of range {@code i} of {@code parts} equal ranges over {@code [0, n)}. */
    static int bound(int n, int parts, int i) {
        return (int) ((long) n * i / parts);
    }

    /**
     * Runs parts {@code 0..count-1}, each exactly once, claimed dynamically by the caller and up to
     * {@code threads - 1} workers. Exceptions from any part are rethrown on the caller once every
     * started part has finished, so no worker still writes into buffers the caller may free.
     */
    void forParts(int count, Part body) {
        if (count <= 0) return;
        int helpers = Math.min(threads, count) - 1;
        if (helpers <= 0 || pool == null || pool.isShutdown() || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < count; i++) body.run(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(helpers);
        Runnable claim = () -> {
            try {
                for (int i; failure.get() == null && (i = next.getAndIncrement()) < count; ) body.run(i);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        for (int h = 0; h < helpers; h++) {
            try {
                pool.execute(() -> {
                    try {
                        claim.run();
                    } finally {
                        done.countDown();
                    }
                });
            } catch (RejectedExecutionException closed) {
                done.countDown(); // the pool is shut down: the caller's own loop claims that share
            }
        }
        claim.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdown();
    }

    /** Marks pool threads, so that a kernel called from inside a part runs inline instead of waiting on its own pool. */
    private static final class Worker extends Thread {
        private static final AtomicInteger COUNT = new AtomicInteger();

        Worker(Runnable r) {
            super(r, "mmgcn-simd-" + COUNT.incrementAndGet());
            setDaemon(true);
        }
    }
}
