package dev.mmgcn.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

/** The worker pool: every part exactly once, failures reported after the running parts end, safe reuse. */
class ParallelTest {

    @Test
    void everyPartRunsExactlyOnceOverManyCalls() {
        try (Parallel p = new Parallel(3)) {
            SplittableRandom rng = new SplittableRandom(1);
            for (int call = 0; call < 20_000; call++) {
                int count = 1 + rng.nextInt(9);
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                p.forParts(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) assertEquals(1, runs.get(i), "call " + call + ", part " + i + " of " + count);
            }
        }
    }

    @Test
    void resultsWrittenByWorkersAreVisibleToTheCaller() {
        try (Parallel p = new Parallel(2)) {
            for (int call = 0; call < 5_000; call++) {
                long[] out = new long[64]; // plain writes, read by the caller after forParts returns
                int c = call;
                p.forParts(64, i -> out[i] = (long) c * i + 1);
                for (int i = 0; i < 64; i++) assertEquals((long) call * i + 1, out[i]);
            }
        }
    }

    @Test
    void aFailingPartIsRethrownAfterTheOthersFinish() {
        try (Parallel p = new Parallel(3)) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxAfter = new AtomicInteger();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forParts(50, i -> {
                running.incrementAndGet();
                try {
                    if (i == 7) throw new IllegalStateException("part 7");
                    Thread.sleep(1);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
            }));
            assertEquals("part 7", e.getMessage());
            maxAfter.set(running.get());
            assertEquals(0, maxAfter.get(), "no part still runs when the failure reaches the caller");
            // the pool is still usable
            AtomicInteger sum = new AtomicInteger();
            p.forParts(10, sum::addAndGet);
            assertEquals(45, sum.get());
        }
    }

    @Test
    void nestedAndConcurrentCallsRunInline() throws Exception {
        try (Parallel p = new Parallel(2)) {
            AtomicInteger inner = new AtomicInteger();
            p.forParts(4, i -> p.forParts(3, j -> inner.incrementAndGet()));
            assertEquals(12, inner.get());

            // two callers at once: one gets the pool, the other runs its parts itself; both complete
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger total = new AtomicInteger();
            Runnable caller = () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < 2_000; r++) p.forParts(5, i -> total.incrementAndGet());
            };
            Thread a = new Thread(caller), b = new Thread(caller);
            a.start();
            b.start();
            go.countDown();
            a.join();
            b.join();
            assertEquals(2 * 2_000 * 5, total.get());
        }
    }

    @Test
    void afterCloseTheCallerRunsEverything() {
        Parallel p = new Parallel(4);
        p.close();
        Thread self = Thread.currentThread();
        AtomicInteger elsewhere = new AtomicInteger();
        p.forParts(16, i -> {
            if (Thread.currentThread() != self) elsewhere.incrementAndGet();
        });
        assertEquals(0, elsewhere.get());
    }

    @Test
    void rangesCoverTheWholeInterval() {
        try (Parallel p = new Parallel(3)) {
            for (int n : new int[] {0, 1, 2, 3, 10, 1001}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                p.forRange(n, 1, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " item " + i);
            }
        }
    }
}
