package dev.mmgcn.cli;

import dev.mmgcn.data.Npy;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code export}: a checkpoint's final user and item representations as float32 .npy files. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Writes user_embeddings.npy (users × d) and item_embeddings.npy (items × d), float32, row i = id i;",
                "score(u, i) is their dot product. Each file is written atomically (a kill leaves the old file or the new one)."},
        footer = {"", Main.EXIT_CODES})
final class ExportCommand implements Callable<Integer> {
    static final String USERS = "user_embeddings.npy";
    static final String ITEMS = "item_embeddings.npy";

    @ParentCommand
    MmgcnCommand top;

    @Option(names = "--checkpoint", paramLabel = "FILE", order = 1, description = "checkpoint written by train (required)")
    Path checkpoint;

    @Option(names = "--out", paramLabel = "DIR", order = 2, description = "folder for " + USERS + " and " + ITEMS + " (required)")
    Path out;

    @Override
    public Integer call() {
        CheckpointFile.check(checkpoint);
        if (out == null) throw Failure.usage("--out DIR is required");
        Path u = out.resolve(USERS);
        Path i = out.resolve(ITEMS);
        for (Path p : new Path[] {u, i}) {
            if (java.nio.file.Files.isDirectory(p)) throw Failure.usage("--out: " + p + " is a folder; it would be replaced by the export");
        }
        Checkpoint ck = CheckpointFile.read(checkpoint);
        int users = CheckpointFile.intEntry(ck, "data.users");
        if (!ck.has(Checkpoint.REPRESENTATION)) throw Failure.data("--checkpoint " + checkpoint + " has no representation tensor", null);
        int[] shape = ck.shape(Checkpoint.REPRESENTATION);
        if (users > shape[0]) throw Failure.data("--checkpoint " + checkpoint + ": " + users + " users but " + shape[0] + " representation rows", null);
        float[] r = ck.tensor(Checkpoint.REPRESENTATION);
        OutputFile.folder("--out", out);
        OutputFile.clean("--out", u, i);
        try (HostScope host = new HostScope()) {
            Tensor all = host.floats(shape[0], shape[1]);
            all.copyFrom(r);
            Npy.writeFloats(u, all.rowSlice(0, users));
            Npy.writeFloats(i, all.rowSlice(users, shape[0]));
            top.out.printf("wrote %s (%d x %d) and %s (%d x %d)%n", u, users, shape[1], i, shape[0] - users, shape[1]);
        }
        return 0;
    }
}
