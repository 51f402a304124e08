package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** The console shows every validation metrics.jsonl records — one row each, inside an epoch and at its end — and "*" only at new bests. */
class ConsoleTableTest {
    @TempDir
    Path dir;

    @Test
    void everyValidationHasItsRowAndOnlyNewBestsAStar() throws Exception {
        Path out = dir.resolve("run");
        CliTest.Outcome t = run("train", "--synthetic", "tiny", "--dim", "8", "--batch", "1024", "--eval-every", "2", "--epochs", "2", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        List<String> rows = t.out().lines().filter(l -> l.matches(" *\\d+(\\.\\d+)?/2 .*")).toList();
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertTrue(lines.size() > 2, "validated inside its epochs (--eval-every 2)");
        assertEquals(lines.size(), rows.size(), "a row per metrics.jsonl line:\n" + t.out());
        List<Map<String, Object>> records = new ArrayList<>();
        for (String l : lines) records.add(Json.read(l));
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> m = records.get(i);
            boolean end = Boolean.TRUE.equals(m.get("end_of_epoch"));
            String cell = end ? m.get("epoch") + "/2" : m.get("epoch") + "." + m.get("step") + "/2";
            String row = rows.get(i);
            assertEquals(cell, row.strip().split(" +")[0], row);
            @SuppressWarnings("unchecked") double recall = ((Number) ((Map<String, Object>) m.get("valid")).get("recall@20")).doubleValue();
            assertTrue(row.contains(String.format(Locale.ROOT, "%.4f", recall)), "the validation's recall@20 in " + row);
            assertEquals(Boolean.TRUE.equals(m.get("best")), row.endsWith(" *"), "a star exactly at a new best: " + row);
        }
    }
}
