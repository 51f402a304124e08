package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Failures say which path, which option and why, with the exit code of their kind (README's table). */
class CliErrorTest {
    @TempDir
    Path dir;

    private Path trainedCheckpoint(Path data) {
        assertEquals(0, run("generate", "--preset", "tiny", "--out", data.toString()).code());
        Path out = dir.resolve("run");
        CliTest.Outcome t = run("train", "--data", data.toString(), "--epochs", "1", "--dim", "8", "--batch", "1024", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        return out.resolve("best.ckpt");
    }

    @Test
    void aMovedDataFolderIsNamedAsTheCheckpointsAndAnotherCanBeGiven() throws IOException {
        Path data = dir.resolve("data");
        Path ckpt = trainedCheckpoint(data);
        Path moved = dir.resolve("moved");
        Files.move(data, moved);
        // a recorded path that is gone cannot be read (exit 4, README's table); a wrong --data given now is a usage error (2)
        assertError(run("evaluate", "--checkpoint", ckpt.toString()), 4, "data (recorded in checkpoint " + ckpt + "): " + data
                + " does not exist; the data may have moved: pass --data DIR to load it from where it is now");
        assertError(run("evaluate", "--checkpoint", ckpt.toString(), "--data", data.toString()), 2, "--data: " + data + " does not exist");
        CliTest.Outcome r = run("recommend", "--checkpoint", ckpt.toString(), "--users", "1");
        assertEquals(0, r.code(), "recommend needs the checkpoint only: " + r.err());
        CliTest.Outcome e = run("evaluate", "--checkpoint", ckpt.toString(), "--data", moved.toString());
        assertEquals(0, e.code(), e.err());
        assertFalse(e.err().contains("the data differ"), "the same data, moved: " + e.err());
        // different data under the moved path: said, with what changed
        List<String> rows = new ArrayList<>(Files.readAllLines(moved.resolve("tiny.inter")));
        rows.removeLast();
        Files.write(moved.resolve("tiny.inter"), rows);
        CliTest.Outcome changed = run("evaluate", "--checkpoint", ckpt.toString(), "--data", moved.toString());
        assertEquals(0, changed.code(), changed.err());
        assertTrue(changed.err().contains("warning: the data differ from those the checkpoint was trained on: the test interactions changed (608 → 607)"),
                changed.err());
    }

    @Test
    void badContentIsADataErrorWithCode3() throws IOException {
        Path data = dir.resolve("data");
        Path ckpt = trainedCheckpoint(data);
        Path cut = dir.resolve("cut.ckpt");
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertError(run("evaluate", "--checkpoint", cut.toString()), 3, "--checkpoint: " + cut + ": the header describes ");
        Path text = dir.resolve("notes.ckpt");
        Files.writeString(text, "hello, not a checkpoint");
        assertError(run("export", "--checkpoint", text.toString(), "--out", dir.resolve("e").toString()), 3, "damaged, truncated, or not a safetensors file");
        Files.writeString(data.resolve("tiny.inter"), "userID\titemID\tx_label\n0\t1\t0\n1\tseven\t0\n");
        assertError(run("train", "--data", data.toString(), "--out", dir.resolve("r2").toString()), 3,
                data.resolve("tiny.inter") + ":3: itemID 'seven' is not an integer");
        Path users = dir.resolve("users.txt");
        Files.writeString(users, "1\n2\nthree\n");
        assertError(run("recommend", "--checkpoint", ckpt.toString(), "--users-file", users.toString()), 3,
                "--users-file " + users + ": unknown user id 'three' (line 3); the model's 300 users are ids as written in its training data, e.g. '0', '1', '2'");
    }

    @Test
    void fileSystemRefusalsNamePathOptionAndReasonWithCode4() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        assertError(run("train", "--synthetic", "tiny", "--out", "/proc/x"), 4,
                "--out: cannot create the folder /proc/x: the system does not allow creating files or folders in /proc");
        assertError(run("generate", "--out", "/proc/x/y"), 4, "--out: cannot create the folder /proc/x/y:");
    }

    @Test
    void divergenceIsCode6AndTheRunRecordSaysSo() throws IOException {
        Path out = dir.resolve("run");
        assertError(run("train", "--synthetic", "tiny", "--epochs", "3", "--dim", "8", "--lr", "1e30", "--out", out.toString()), 6,
                "training diverged at epoch 1 (loss NaN); try a smaller --lr");
        Map<String, Object> config = Json.read(Files.readString(out.resolve("config.json")));
        assertEquals("diverged", config.get("status"));
        assertTrue(((String) config.get("error")).startsWith("training diverged"));
        assertTrue(Files.readString(out.resolve("train.log")).strip().endsWith("try a smaller --lr (now 1.0E30)"));
        assertFalse(Files.exists(out.resolve("best.ckpt")), "no checkpoint of a diverged epoch");
        assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "the diverged epoch's line is kept, loss null");
        assertNull(Json.read(Files.readAllLines(out.resolve("metrics.jsonl")).getFirst()).get("loss"));
    }

    /**
     * A full disk, for real: a 64 KB tmpfs in a private mount namespace (unshare), so the test needs no
     * privileges and leaves no mount behind. The child writes there; the old file must survive whole.
     */
    @Test
    void aFullDiskIsSaidAsSuchAndLeavesTheOldFile() throws Exception {
        Path ckpt = trainedCheckpoint(dir.resolve("data"));
        Path mount = dir.resolve("small");
        Files.createDirectories(mount);
        String java = ProcessHandle.current().info().command().orElseThrow();
        String script = "m=\"$1\"; shift; mount -t tmpfs -o size=64k tmpfs \"$m\" || exit 77; printf 'OLD\\n' > \"$m/recs.tsv\"; "
                + "\"$@\"; code=$?; echo \"exit=$code\"; cat \"$m/recs.tsv\"; ls -A \"$m\"; exit 0";
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c", script, "sh", mount.toString(), java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "recommend", "--checkpoint", ckpt.toString(), "--all-users", "--k", "100", "--out", mount.resolve("recs.tsv").toString(), "--overwrite"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(Relaunch.OPT_OUT, "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            assumeTrue(false, "unshare is not available: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assumeTrue(code != 77 && !err.contains("unshare:"), "cannot mount a private tmpfs here: " + err);
        assertTrue(out.contains("exit=4"), out + err);
        assertTrue(err.contains("error: cannot write " + mount.resolve("recs.tsv") + ": no space left on device (the disk is full"), err);
        assertEquals(1, err.lines().filter(l -> l.startsWith("error:")).count(), "one error line: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertTrue(out.contains("exit=4\nOLD\nrecs.tsv\n"), "the old file, whole, and no temporary beside it: " + out);
    }
}
