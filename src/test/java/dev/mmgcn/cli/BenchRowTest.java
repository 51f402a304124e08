package dev.mmgcn.cli;

import dev.mmgcn.kernels.Ceilings;
import dev.mmgcn.profile.Work;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bench row's share of the roofline, by hand: 2 GFLOP at a 4 GFLOP/s ceiling is a 0.5 s floor. */
class BenchRowTest {
    private static String row(double ms) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        BenchCommand.row(new PrintStream(b, true, StandardCharsets.UTF_8), "vector", "case", ms, new Work(2e9, 1e6),
                new Ceilings(4.0, 10.0, "given"));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shareOfTheRooflineAndAProbeThatRanSlowed() {
        String half = row(1000); // 0.5 s floor in 1 s
        assertTrue(half.contains(" 50.0 % (FLOP-bound)"), half);
        assertFalse(half.contains("probed ceiling"), half);
        String faster = row(250); // 0.5 s of work done in 0.25 s: the ceiling was measured too low
        assertTrue(faster.contains("200.0 % (FLOP-bound): above the probed ceiling"), faster);
    }
}
