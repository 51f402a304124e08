package dev.mmgcn.spark;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The task slots user blocks are planned from: the submission's cores on a cluster, never the placeholder before executors register. */
class TaskSlotsTest {
    @Test
    void aSubmissionsCoresAreTheSlots() {
        assertEquals(OptionalInt.of(4), TaskSlots.requested(Map.of("spark.cores.max", "4")::get), "--total-executor-cores 4 (standalone)");
        assertEquals(OptionalInt.of(12), TaskSlots.requested(Map.of("spark.executor.instances", "3", "spark.executor.cores", "4")::get),
                "--num-executors 3 --executor-cores 4 (YARN, Kubernetes)");
        assertEquals(OptionalInt.empty(), TaskSlots.requested(Map.of("spark.executor.cores", "4")::get), "executors not counted");
        assertEquals(OptionalInt.empty(), TaskSlots.requested(Map.<String, String>of()::get));
        // the cluster: 4 cores asked, Spark's placeholder parallelism 2 before any executor registered
        assertEquals(4, TaskSlots.of(false, OptionalInt.of(4), () -> 0, () -> 2, () -> 0L, 0));
    }

    @Test
    void withoutARequestTheRegisteredExecutorsCoresCountOnceTheFirstIsThere() {
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger cores = new AtomicInteger(2); // the placeholder until an executor registers
        int slots = TaskSlots.of(false, OptionalInt.empty(), () -> {
            if (polls.incrementAndGet() < 3) return 0;
            cores.set(6);
            return 2;
        }, cores::get, () -> 0L, 60_000);
        assertEquals(6, slots, "planned after the executors registered");
        assertEquals(3, polls.get());
        assertEquals(3, TaskSlots.of(true, OptionalInt.of(99), () -> 0, () -> 3, () -> 0L, 0), "local[3]: its threads");
        long[] now = {0};
        assertEquals(2, TaskSlots.of(false, OptionalInt.empty(), () -> 0, () -> 2, () -> now[0] += 500, 1_000), "no executor in time: what is there");
    }
}
