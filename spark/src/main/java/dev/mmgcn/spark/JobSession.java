package dev.mmgcn.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A command's Spark session: an active one is reused (tests, notebooks) and left running; otherwise one
 * is started for the command and stopped after it.
 */
final class JobSession implements AutoCloseable {
    final SparkSession spark;
    final JavaSparkContext sc;
    private final boolean owned;

    JobSession(String app, String masterOption) {
        var active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            spark = active.get();
            owned = false;
        } else {
            spark = SparkRun.session(app, SparkRun.master(masterOption));
            owned = true;
        }
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    private int slots = -1;

    /**
     * The tasks the job can run at once, decided once, before the work is planned ({@link TaskSlots}): on a
     * cluster the submission's cores, or the cores of its executors once the first has registered.
     */
    int slots() {
        if (slots < 0) {
            var conf = spark.sparkContext().getConf();
            boolean local = spark.sparkContext().master().startsWith("local");
            slots = TaskSlots.of(local, TaskSlots.requested(k -> conf.get(k, null)),
                    () -> Math.max(0, spark.sparkContext().getExecutorMemoryStatus().size() - 1), sc::defaultParallelism,
                    System::currentTimeMillis, TaskSlots.WAIT_MS);
        }
        return slots;
    }

    /** The master and the task slots the work was planned for. */
    String describe() {
        return spark.sparkContext().master() + ", " + slots() + " task slots";
    }

    static void line(PrintWriter out, String label, String text) {
        out.printf(Locale.ROOT, "%-11s %s%n", label, text);
    }

    @Override
    public void close() {
        if (owned) spark.stop();
    }
}
