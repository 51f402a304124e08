package dev.mmgcn.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two jobs in one JVM, each with its own Spark session (a command that starts and stops one, twice): broadcast ids
 * restart at 0 in the second, and the executor's cached item table must not be the first job's (it was: "user width
 * 16 differs from item width 4").
 */
class SessionRestartTest {
    @TempDir
    Path dir;

    @Test
    void aSecondSessionRanksItsOwnItems() throws Exception {
        assertTrue(SparkSession.getActiveSession().isEmpty(), "each command below starts and stops its own session");
        Path narrow = dir.resolve("narrow.ckpt"), wide = dir.resolve("wide.ckpt");
        Fixtures.tiedModel(narrow, 20, 15, 4, 1);
        Fixtures.tiedModel(wide, 30, 25, 16, 2);
        for (Path m : new Path[] {narrow, wide}) {
            SparkJobsTest.Result r = SparkJobsTest.cli("recommend", "--checkpoint", m.toString(), "--count-only", "--master", "local[2]", "--k", "3");
            assertEquals(0, r.code(), r.out() + r.err());
        }
    }
}
