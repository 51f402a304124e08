package dev.mmgcn.cli;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** The smaller cases of issue 21, each said as what it is. */
class SmallCasesTest {
    @TempDir
    Path dir;

    @Test
    void reportWithTwoRunsSaysItTakesOne() {
        assertError(run("report", "A", "B"), 2, "report takes one RUN; unexpected 'B'");
    }

    @Test
    void aHostThatIsNotThisMachinesIsBlamedNotPortZero() {
        TrainedModel m = TrainedModel.withoutData();
        CliTest.Outcome o = InputLimitsTest.quickly("serve", "--checkpoint", m.checkpoint.toString(), "--host", "8.8.8.8", "--port", "0");
        assertError(o, 2, "--host 8.8.8.8: not an address of this machine");
        assertFalse(o.err().contains("--port"), o.err());
    }

    /** The loss column keeps its width for any loss: the '|' after the eval seconds stays where a normal loss puts it. */
    @Test
    void aHugeLossKeepsTheEpochTableAligned() {
        RankingMetrics m = new RankingMetrics(new int[] {20});
        m.addUser(new int[] {1, 2, 3}, 3, new int[] {2});
        Validation end = new Validation(1, 3, 3, 3, 0.5, m, m, true, m);
        EpochTable t = new EpochTable("recall@20", 30, true);
        String normal = t.row(new Trainer.EpochReport(1, 0.693147, 1.5, 0.25, end, true, 1));
        for (double loss : new double[] {1e30, 12345.678, -4.5e12, 3e200, -1e-300 * 1e303, Double.POSITIVE_INFINITY, Double.NaN}) {
            String row = t.row(new Trainer.EpochReport(1, loss, 1.5, 0.25, end, true, 1));
            assertEquals(normal.indexOf('|'), row.indexOf('|'), "loss " + loss + ":\n" + normal + "\n" + row);
            if (Double.isFinite(loss)) assertEquals(normal.length(), row.length(), row); // (a non-finite loss is never marked best)
            String mid = t.row(end, loss);
            assertEquals(t.row(end, 0.5).indexOf('|'), mid.indexOf('|'), mid);
        }
        assertTrue(t.row(new Trainer.EpochReport(1, 1e30, 1.5, 0.25, end, true, 1)).startsWith(" 1/30 1.00e+30 "), "3 significant digits");
    }

    @Test
    void aRunWhoseSummaryIsNotASummaryIsNotShownAsFinished() throws Exception {
        TrainedModel m = TrainedModel.fresh(dir);
        Path run = m.checkpoint.getParent();
        Files.writeString(run.resolve("summary.json"), "[]");
        CliTest.Outcome o = run("compare", run.toString(), "--format", "tsv");
        assertEquals(0, o.code(), o.err());
        String row = o.out().lines().skip(1).findFirst().orElseThrow();
        assertEquals("damaged", row.split("\t")[1], o.out());
    }

    @Test
    void anotherRunsLastCheckpointIsSaidToBeOneBeforeItsEpochsAreCompared() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        assertEquals(0, run("train", "--synthetic", "tiny", "--epochs", "1", "--dim", "4", "--out", a.toString()).code());
        assertEquals(0, run("train", "--synthetic", "tiny", "--epochs", "3", "--dim", "4", "--out", b.toString()).code());
        Files.copy(b.resolve("last.ckpt"), a.resolve("last.ckpt"), StandardCopyOption.REPLACE_EXISTING);
        assertError(run("train", "--resume", a.toString(), "--epochs", "2"), 3, "last.ckpt belongs to run ");
    }
}
