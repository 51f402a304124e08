package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** generate says when it writes other than what was asked; bench times every backend on the same inputs. */
class GenerateAndBenchTest {
    @TempDir
    Path dir;

    private static List<String[]> pairs(Path inter) throws Exception {
        return Files.readAllLines(inter).stream().skip(1).map(l -> l.split("\t")).toList();
    }

    @Test
    void aCountItCannotMeetIsSaidWithTheCountWritten() throws Exception {
        Path out = dir.resolve("capped");
        // 100 users can hold at most half of 20 items each: 1,000 of the 1,500 asked
        CliTest.Outcome g = run("generate", "--users", "100", "--items", "20", "--interactions", "1500", "--out", out.toString());
        assertEquals(0, g.code(), g.err());
        int written = pairs(out.resolve("synthetic.inter")).size();
        assertTrue(written <= 1000, "written " + written);
        assertTrue(g.err().contains(String.format(Locale.ROOT, "note: wrote %,d interactions, %.1f %% fewer than --interactions 1,500",
                written, 100.0 * (1500 - written) / 1500)), g.err());
    }

    @Test
    void dataWithoutHeldOutInteractionsIsSaidSo() throws Exception {
        Path out = dir.resolve("small");
        CliTest.Outcome g = run("generate", "--users", "10", "--items", "4", "--interactions", "20", "--out", out.toString());
        assertEquals(0, g.code(), g.err());
        List<String[]> rows = pairs(out.resolve("synthetic.inter"));
        assertFalse(rows.isEmpty());
        assertTrue(rows.stream().allMatch(r -> r[2].equals("0")), "no valid (1) or test (2) rows in the file");
        assertTrue(g.err().contains("note: the data has no valid and no test interactions"), g.err());
        assertTrue(g.out().contains("train on it (without held-out interactions) with: ./mmgcn train --data " + out), g.out());

        Path fine = dir.resolve("fine");
        CliTest.Outcome ok = run("generate", "--preset", "tiny", "--out", fine.toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals("", ok.err(), "a preset meets its own shape without notes");
    }

    /** The scalar backend skips the large GEMM; the SpMM after it must still get the same graph as the vector backend's. */
    @Test
    void everyBackendTimesTheSameGraph() {
        CliTest.Outcome b = run("bench", "--backends", "scalar,vector", "--seconds", "0.01", "--nodes", "2000", "--nnz", "20000");
        assertEquals(0, b.code(), b.err());
        Matcher m = Pattern.compile("(?m)^(scalar|vector) +spmm nnz (\\d+) width 64").matcher(b.out());
        String scalar = null, vector = null;
        while (m.find()) {
            if (m.group(1).equals("scalar")) scalar = m.group(2);
            else vector = m.group(2);
        }
        assertNotNull(scalar, b.out());
        assertEquals(scalar, vector, "the stored entries of the graph each backend timed:\n" + b.out());
    }
}
