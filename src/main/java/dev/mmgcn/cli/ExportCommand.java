package dev.mmgcn.cli;

import dev.mmgcn.data.Npy;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code export}: a checkpoint's final user and item representations as float32 .npy files. */
final class ExportCommand {
    private ExportCommand() {
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args a = new Args("export")
                .option("checkpoint", "FILE", "checkpoint written by train (required)")
                .option("out", "DIR", "folder for user_embeddings.npy and item_embeddings.npy (required)")
                .flag("help", "show this help")
                .parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine export --checkpoint FILE --out DIR\n\n"
                    + "Writes user_embeddings.npy (users × d) and item_embeddings.npy (items × d), float32, row i = id i;\n"
                    + "score(u, i) is their dot product.\n\n" + a.help());
            return 0;
        }
        Checkpoint ck = CheckpointData.read(a);
        String dir = a.get("out", null);
        if (dir == null) throw new Args.UsageException("--out DIR is required");
        int users = Integer.parseInt(ck.get("data.users"));
        int[] shape = ck.shape(Checkpoint.REPRESENTATION);
        float[] r = ck.tensor(Checkpoint.REPRESENTATION);
        Path outDir = Path.of(dir);
        Files.createDirectories(outDir);
        try (HostScope host = new HostScope()) {
            Tensor all = host.floats(shape[0], shape[1]);
            all.copyFrom(r);
            Path u = outDir.resolve("user_embeddings.npy");
            Path i = outDir.resolve("item_embeddings.npy");
            Npy.writeFloats(u, all.rowSlice(0, users));
            Npy.writeFloats(i, all.rowSlice(users, shape[0]));
            out.printf("wrote %s (%d x %d) and %s (%d x %d)%n", u, users, shape[1], i, shape[0] - users, shape[1]);
        }
        return 0;
    }
}
