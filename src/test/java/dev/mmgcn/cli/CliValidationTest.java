package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every option and combination of options is checked before any data is read or any output written.
 * The data folder here has a broken .inter file: an error about it would mean the data had been read
 * before the option was checked; the run folder must not exist afterwards.
 */
class CliValidationTest {
    @TempDir
    Path dir;

    private Path brokenData() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("d.inter"), "this is not an interaction file\n");
        return data;
    }

    private CliTest.Outcome train(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString()));
        args.addAll(Arrays.asList(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void trainOptionsAndCombinationsFailBeforeTheDataIsRead() throws IOException {
        Path data = brokenData();
        Path out = dir.resolve("run");
        String[][] cases = {
                {"--metric needs K of at least 1, got 'recall@0'", "--metric", "recall@0"},
                {"--ks needs cut-offs of at least 1, got 0 in '0,10'", "--ks", "0,10"},
                {"--data and --synthetic cannot be combined", "--synthetic", "tiny"},
                {"--data and --data-seed cannot be combined", "--data-seed", "3"},
                {"--item-offset applies to the original MMGCN files only, and " + data + " is in MMRec format", "--item-offset", "3"},
                {"--threads must be at least 1, got 0", "--threads", "0"},
                {"--epochs must be at least 1, got 0", "--epochs", "0"},
                {"--modality: " + data.resolve("missing.npy") + " does not exist", "--modality", "visual=missing.npy"},
                {"--name: " + data.resolve("other.inter") + " does not exist", "--name", "other"},
                {"--lr must be positive, got 0", "--lr", "0"},
                {"unknown option --epohcs for 'train'; did you mean --epochs?", "--epohcs", "3"},
                {"--epochs given twice", "--epochs", "3", "--epochs", "4"},
                {"--lr needs a value (X)", "--lr"},
        };
        for (String[] c : cases) {
            CliTest.Outcome o = train(data, out, Arrays.copyOfRange(c, 1, c.length));
            assertError(o, 2, c[0]);
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", c));
        }
        assertError(run("train", "--format", "mmgcn", "--out", out.toString()), 2, "--format describes a --data folder, but no --data is given");
        assertError(run("train", "--overwrite"), 2, "--overwrite needs --out DIR");
        assertError(run("train", "--data", dir.resolve("nowhere").toString()), 2, "--data: " + dir.resolve("nowhere") + " does not exist");
        assertError(run("train", "--data", data.resolve("d.inter").toString()), 2, "is a file, not a dataset folder");
        assertError(run("train", "--data", dir.toString()), 2, "has no .inter file (MMRec) and no train.npy");
        assertFalse(Files.exists(out));
    }

    @Test
    void theRunFolderIsCheckedBeforeTheDataIsRead() throws IOException {
        Path data = brokenData();
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertError(train(data, file), 2, "--out: " + file + " is a file; the run needs a folder");
        assertError(train(data, file.resolve("sub")), 2, "--out: cannot create " + file.resolve("sub") + ": " + file + " is a file, not a folder");
        Path earlier = dir.resolve("earlier");
        Files.createDirectories(earlier);
        Files.writeString(earlier.resolve("best.ckpt"), "an earlier run");
        Files.writeString(earlier.resolve("summary.json"), "{}");
        assertError(train(data, earlier), 2, "--out: " + earlier + " is not empty (best.ckpt, summary.json); runs never replace each other");
        assertEquals("an earlier run", Files.readString(earlier.resolve("best.ckpt")));
    }

    @Test
    void otherCommandsCheckTheirOptionsFirst() throws IOException {
        Path missing = dir.resolve("missing.ckpt");
        // the option errors come before the (missing) checkpoint is looked at
        assertError(run("evaluate", "--checkpoint", missing.toString(), "--ks", "0"), 2, "--ks needs cut-offs of at least 1, got 0 in '0'");
        assertError(run("evaluate", "--checkpoint", missing.toString(), "--split", "train"), 2, "--split expects one of [valid, test], got 'train'");
        assertError(run("evaluate", "--checkpoint", missing.toString()), 2, "--checkpoint: " + missing + " does not exist");
        assertError(run("evaluate", "--checkpoint", dir.toString()), 2, "is a folder, not a checkpoint file");
        assertError(run("evaluate"), 2, "--checkpoint FILE is required");
        assertError(run("recommend", "--checkpoint", missing.toString(), "--users", "1", "--k", "0"), 2, "--k must be at least 1, got 0");
        assertError(run("recommend", "--checkpoint", missing.toString()), 2, "give exactly one of --users, --users-file or --all-users");
        assertError(run("recommend", "--checkpoint", missing.toString(), "--users", "1", "--all-users"), 2, "give exactly one of");
        assertError(run("recommend", "--checkpoint", missing.toString(), "--users-file", dir.resolve("u.txt").toString()), 2,
                "--users-file: " + dir.resolve("u.txt") + " does not exist");
        assertError(run("recommend", "--checkpoint", missing.toString(), "--all-users", "--out", dir.toString()), 2,
                "--out: " + dir + " is a folder; give a file name");
        assertError(run("recommend", "--checkpoint", missing.toString(), "--all-users", "--k", "x"), 2, "--k expects an integer, got 'x'");
        assertError(run("bench", "--nodes", "0"), 2, "--nodes must be at least 2 (users and items), got 0");
        assertError(run("bench", "--nnz", "1"), 2, "--nnz must be at least 2");
        assertError(run("bench", "--seconds", "0"), 2, "--seconds must be a positive number of seconds");
        assertError(run("bench", "--seconds", "soon"), 2, "--seconds expects a number, got 'soon'");
        assertError(run("bench", "--backends", "scalar,tpu"), 2, "--backends: unknown backend 'tpu'");
        Path out = dir.resolve("gen");
        assertError(run("generate", "--out", out.toString(), "--preset", "huge"), 2, "--preset: unknown synthetic preset 'huge'");
        assertError(run("generate", "--out", out.toString(), "--users", "0"), 2, "--users must be at least 1, got 0");
        assertError(run("generate", "--out", out.toString(), "--name", "../x"), 2, "--name must be a plain file name");
        assertError(run("generate", "--out", out.toString(), "--preset", "tiny", "--interactions", "70000"), 2,
                "--interactions 70,000 is more than 300 users × 200 items can hold");
        assertError(run("generate"), 2, "--out DIR is required");
        assertFalse(Files.exists(out), "generate created nothing");
        Path file = dir.resolve("f");
        Files.writeString(file, "x");
        assertError(run("generate", "--out", file.toString()), 2, "--out: " + file + " is a file, not a folder");
        assertError(run("export", "--checkpoint", missing.toString(), "--out", dir.toString()), 2, "--checkpoint: " + missing + " does not exist");
        assertError(run("info", "extra"), 2, "info takes no positional arguments");
        assertError(run(), 2, "no command given");
    }

    @Test
    void cutOffsAboveTheItemCountAreClampedAndSaidSo() throws IOException {
        Path out = dir.resolve("run");
        CliTest.Outcome t = run("train", "--synthetic", "tiny", "--epochs", "1", "--dim", "8", "--batch", "1024",
                "--ks", "5,500", "--metric", "recall@300", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("note: cut-offs 300,500 are more than the 200 items: clamped to 200"), t.err());
        assertTrue(t.out().contains("recall@200"), "the metric is evaluated at the clamped K");
        String e = run("evaluate", "--checkpoint", out.resolve("best.ckpt").toString(), "--ks", "10,999").err();
        assertTrue(e.contains("note: --ks 999 is more than the 200 items: clamped to 200"), e);
    }
}
