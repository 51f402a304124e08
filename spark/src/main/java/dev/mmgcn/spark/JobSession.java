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

    String describe() {
        return spark.sparkContext().master() + ", " + sc.defaultParallelism() + " task slots";
    }

    static void line(PrintWriter out, String label, String text) {
        out.printf(Locale.ROOT, "%-11s %s%n", label, text);
    }

    @Override
    public void close() {
        if (owned) spark.stop();
    }
}
