package dev.mmgcn.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of one command. Under {@code spark-submit} the master and every setting come from
 * it; run directly (./mmgcn spark-…, tests), {@code --master} (default {@code local[*]}) applies, and a
 * local master keeps Spark on the loopback address with no web UI.
 */
final class SparkRun {
    private SparkRun() {
    }

    /** The master this run will use: spark-submit's, else {@code --master}, else local[*]. */
    static String master(String option) {
        String submitted = new SparkConf().get("spark.master", null);
        if (option != null) return option;
        return submitted != null ? submitted : "local[*]";
    }

    static SparkSession session(String app, String master) {
        SparkSession.Builder b = SparkSession.builder().appName(app).master(master);
        if (master.startsWith("local")) {
            b.config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false");
        }
        return b.getOrCreate();
    }
}
