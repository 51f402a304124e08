package dev.mmgcn.apitest;

import example.ReadmeExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** README's Java API example is this project's src/test/java/example/ReadmeExample.java, and it runs. */
class ReadmeExampleTest {
    private static final Path SOURCE = Path.of("src/test/java/example/ReadmeExample.java");

    @Test
    void readmeQuotesTheExampleVerbatim() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String source = Files.readString(SOURCE);
        assertTrue(readme.contains("```java\n" + source + "```\n"), "README's example differs from " + SOURCE);
    }

    @Test
    void theExampleRuns(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("best.ckpt");
        ModelFixture fx = new ModelFixture(ckpt, 30, 25, 300);
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            ReadmeExample.main(new String[] {ckpt.toString(), "user-4"});
        } finally {
            System.setOut(out);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(12, lines.size(), String.join("\n", lines));
        String first = lines.getFirst().split("\t")[0];
        assertTrue(first.startsWith("item-"), lines.getFirst());
        assertFalse(fx.seen.get(4).contains((Integer.parseInt(first.substring(5)) - 7) / 3), "a training item was recommended");
        assertTrue(lines.get(10).startsWith("like " + first + ": [item-"), lines.get(10));
        assertTrue(lines.get(11).startsWith("user-4 -> [" + first + ", "), lines.get(11));
    }
}
