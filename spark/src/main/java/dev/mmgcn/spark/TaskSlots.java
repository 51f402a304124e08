package dev.mmgcn.spark;

import java.util.OptionalInt;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * How many tasks a job can run at once, which the user blocks are planned from. In local mode that is the
 * master's thread count. On a cluster, executors register some time after the session starts, and until
 * then Spark's {@code defaultParallelism} is a placeholder (2 on a standalone master): planned from it, a
 * 4-core cluster got 8 blocks. So the slots are what the submission asked for — {@code spark.cores.max}
 * (spark-submit's {@code --total-executor-cores}, standalone and Mesos), else {@code spark.executor.instances}
 * × {@code spark.executor.cores} (YARN, Kubernetes) — and only without either, the cores of the executors
 * that have registered, after waiting for the first (at most {@link #WAIT_MS}).
 */
final class TaskSlots {
    /** Longest wait for a cluster's first executor before planning from what is there. */
    static final long WAIT_MS = 60_000;

    private TaskSlots() {
    }

    /** The slots a submission asked for, from its settings; empty when it asked for none (standalone: all cores). */
    static OptionalInt requested(java.util.function.Function<String, String> conf) {
        Integer max = positive(conf.apply("spark.cores.max"));
        if (max != null) return OptionalInt.of(max);
        Integer instances = positive(conf.apply("spark.executor.instances"));
        Integer cores = positive(conf.apply("spark.executor.cores"));
        if (instances != null && cores != null) return OptionalInt.of(instances * cores);
        return OptionalInt.empty();
    }

    /**
     * The slots to plan from.
     *
     * @param local        a local[N] master: {@code registeredCores} is already its thread count
     * @param registered   executors registered now (not counting the driver)
     * @param registeredCores Spark's defaultParallelism: the registered executors' cores once there are any
     */
    static int of(boolean local, OptionalInt requested, IntSupplier registered, IntSupplier registeredCores, LongSupplier clockMs,
                  long waitMs) {
        if (local) return registeredCores.getAsInt();
        if (requested.isPresent()) return requested.getAsInt();
        long end = clockMs.getAsLong() + waitMs;
        while (registered.getAsInt() == 0 && clockMs.getAsLong() < end) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Math.max(1, registeredCores.getAsInt());
    }

    private static Integer positive(String v) {
        if (v == null || v.isBlank()) return null;
        try {
            int n = Integer.parseInt(v.strip());
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
