package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** What --help says, and how @FILE arguments are read. */
class HelpTextTest {
    static final List<String> COMMANDS = List.of("train", "evaluate", "recommend", "serve", "export", "convert", "generate", "info", "bench",
            "sweep", "compare", "report");

    /** Each option's help is one paragraph: no line but its last ends short (a description split into lines that each wrap). */
    @Test
    void everyOptionsHelpWrapsAsOneParagraph() {
        for (String c : COMMANDS) {
            CliTest.Outcome h = run(c, "--help");
            assertEquals(0, h.code(), c);
            List<List<String>> blocks = new ArrayList<>();
            List<String> current = null;
            for (String l : h.out().lines().toList()) {
                if (l.matches("^  (-\\w, )?--.*|^      --.*")) {
                    current = new ArrayList<>(List.of(l));
                    blocks.add(current);
                } else if (current != null && l.startsWith(" ".repeat(31)) && !l.isBlank()) {
                    current.add(l);
                } else {
                    current = null;
                }
            }
            assertFalse(blocks.isEmpty(), c);
            for (List<String> b : blocks) {
                for (String l : b.subList(0, b.size() - 1)) assertTrue(l.length() >= 70, c + " --help wraps a line short:\n" + String.join("\n", b));
            }
        }
    }

    @Test
    void theDataOptionsOfACheckpointsCommandDefaultToWhatItRecorded() {
        for (String c : List.of("evaluate", "convert")) {
            String help = run(c, "--help").out();
            String data = help.substring(help.indexOf("      --data=DIR"), help.indexOf("      --format=FMT"));
            assertTrue(data.contains("(default: as recorded in the checkpoint)"), data);
            assertFalse(help.contains("built-in synthetic"), c + " does not default to the synthetic data: " + help);
        }
        assertTrue(run("train", "--help").out().contains("(default: built-in synthetic data)"), "train does");
    }

    @Test
    void theTopHelpListsTheLaunchersCommandsToo() {
        String help = run("--help").out();
        for (String c : List.of("test", "spark-recommend", "spark-evaluate", "spark-generate-catalogue")) {
            assertTrue(help.lines().anyMatch(l -> l.startsWith("  " + c + " ")), c + " in:\n" + help);
        }
    }

    @Test
    void anArgumentFileThatIsNotThereIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nosuchfile");
        assertError(run("train", "@" + missing), 2, "@" + missing + ": " + missing + " does not exist (@FILE reads more arguments from FILE)");
        assertError(run("train", "@" + dir), 2, "is a folder");
    }

    @Test
    void anArgumentFileWithAByteOrderMarkReadsAsWithout(@TempDir Path dir) throws Exception {
        Path args = dir.resolve("args.txt");
        Files.write(args, "\uFEFF--epochs 0\n".getBytes(StandardCharsets.UTF_8));
        // the first argument is read as --epochs (and refused for its value), not as an unknown "\uFEFF--epochs"
        assertError(run("train", "@" + args, "--synthetic", "tiny"), 2, "--epochs must be at least 1, got 0");
    }
}
