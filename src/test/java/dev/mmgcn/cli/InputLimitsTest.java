package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Settings and argument files are read only when they are regular files of a bounded size, and a file that
 * includes itself or leaves a setting empty is refused: each case once read until the heap was full, blocked on
 * a pipe, spent minutes in YAML's scanner, or silently started a default run. Every refusal is quick, so each
 * runs under a timeout (the old behaviour hangs).
 */
class InputLimitsTest {
    @TempDir
    Path dir;

    static CliTest.Outcome quickly(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(args), "refused at once, not read on and on");
    }

    @Test
    void aConfigThatIsADeviceOrAPipeIsRefusedUnread() throws Exception {
        Path out = dir.resolve("run");
        if (Files.exists(Path.of("/dev/zero"))) {
            assertError(quickly("train", "--config", "/dev/zero", "--out", out.toString()), 2, "--config: /dev/zero is a character device, not a regular file");
        }
        Path pipe = OutputTargetsTest.fifo(dir.resolve("run.yaml"));
        assertError(quickly("train", "--config", pipe.toString(), "--out", out.toString()), 2, "is a named pipe (FIFO), not a regular file");
        assertError(quickly("sweep", "--grid", pipe.toString(), "--synthetic", "tiny", "--out", out.toString()), 2, "is a named pipe (FIFO)");
        assertFalse(Files.exists(out));
    }

    @Test
    void aConfigLargerThanASettingsFileIsRefusedBeforeParsing() throws Exception {
        Path yaml = dir.resolve("big.yaml");
        Files.writeString(yaml, "data: " + "a".repeat(1 << 20) + "\n"); // one plain scalar: 20 s of YAML scanning per MB
        assertError(quickly("train", "--config", yaml.toString(), "--out", dir.resolve("run").toString()), 2,
                "--config: " + yaml + " has " + Files.size(yaml) + " bytes; a settings file holds at most 262144");
    }

    @Test
    void aSettingLeftEmptyIsRefusedNotTakenAsTheDefault() throws Exception {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "synthetic: tiny\ndim: 4\nepochs: null\n");
        assertError(quickly("train", "--config", yaml.toString(), "--out", dir.resolve("run").toString()), 2,
                yaml + ": epochs has no value; give one, or leave the key out for the default 1000");
        Files.writeString(yaml, "synthetic: tiny\ndim: 4\nlr:\n");
        assertError(quickly("train", "--config", yaml.toString(), "--out", dir.resolve("run").toString()), 2, yaml + ": lr has no value");
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void anArgumentFileThatIncludesItselfIsRefusedNamingTheChain() throws Exception {
        Path a = dir.resolve("a.args"), b = dir.resolve("b.args");
        Files.writeString(a, "--epochs 1\n@" + b + "\n");
        Files.writeString(b, "# more options\n@" + a + " --synthetic tiny\n");
        assertError(quickly("train", "@" + a, "--out", dir.resolve("run").toString()), 2,
                "the argument file includes itself (a.args → b.args → a.args)");
        assertFalse(Files.exists(dir.resolve("run")), "no run was started");
        if (Files.exists(Path.of("/dev/zero"))) {
            assertError(quickly("train", "@/dev/zero"), 2, "@/dev/zero: /dev/zero is a character device, not a regular file of arguments");
        }
        // an argument file used as picocli reads them: quotes, comments, nesting, @@ for a literal @
        Path c = dir.resolve("c.args"), d = dir.resolve("d.args");
        Files.writeString(c, "compare # the command\n@" + d + "\n");
        Files.writeString(d, "'--format' \"tsv\" @@not-a-file\n");
        CliTest.Outcome o = run("@" + c);
        assertError(o, 2, "@not-a-file");
    }
}
