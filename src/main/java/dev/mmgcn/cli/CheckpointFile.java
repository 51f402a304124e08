package dev.mmgcn.cli;

import dev.mmgcn.api.LoadOptions;
import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.train.Checkpoint;
import dev.mmgcn.train.CheckpointHeader;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Reads the {@code --checkpoint} file, with errors that name the flag, the path and what is wrong. */
final class CheckpointFile {
    private CheckpointFile() {
    }

    /** Checks the path before anything is read: given, a file, readable. */
    static Path check(Path file) {
        if (file == null) throw Failure.usage("--checkpoint FILE is required (train writes <run folder>/best.ckpt)");
        if (!Files.exists(file)) throw Failure.usage("--checkpoint: " + file + " does not exist");
        if (Files.isDirectory(file)) {
            String hint = Files.isRegularFile(file.resolve(RunFolder.CHECKPOINT)) ? "; did you mean " + file.resolve(RunFolder.CHECKPOINT) + "?" : "";
            throw Failure.usage("--checkpoint: " + file + " is a folder, not a checkpoint file" + hint);
        }
        if (!Files.isReadable(file)) throw Failure.io("--checkpoint: " + file + ": permission denied", null);
        return file;
    }

    /** The checkpoint with every float tensor finite (evaluate rebuilds the model from the parameters, export writes them). */
    static Checkpoint read(Path file) {
        Checkpoint ck = load(file, Checkpoint::read);
        for (String name : ck.tensorNames()) {
            float[] v = ck.tensor(name);
            for (int x = 0; x < v.length; x++) {
                if (!Float.isFinite(v[x])) {
                    int cols = ck.shape(name)[1];
                    throw Failure.data("--checkpoint: " + file + ": tensor '" + name + "' holds " + v[x] + " at row " + x / cols + ", column "
                            + x % cols + "; a model with non-finite values cannot be used (re-train, or restore a copy)", null);
                }
            }
        }
        return ck;
    }

    /** The checkpoint as the Java API's model: representations, ids and training items, no dataset. */
    static MmgcnModel model(Path file, LoadOptions options) {
        return load(file, f -> MmgcnModel.load(f, options));
    }

    private interface Loader<T> {
        T load(Path file) throws IOException;
    }

    private static <T> T load(Path file, Loader<T> loader) {
        check(file);
        LoadBudget.checkpoint(file, MemoryBudget.Limits.current());
        try {
            if (Checkpoint.isVersion1(file)) {
                throw Failure.data("--checkpoint: " + file + " is a version-1 checkpoint (no checksums, ids or training items): re-train it, or "
                        + "convert it with the data it was trained on: convert --checkpoint " + file + " --out NEW.ckpt [--data DIR]", null);
            }
            return loader.load(file);
        } catch (FileSystemException e) {
            throw Failure.io("--checkpoint: " + FileErrors.describe(e), e);
        } catch (IOException e) {
            // not ours, truncated, damaged: the content is what is wrong
            throw Failure.data("--checkpoint: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw Failure.memory("--checkpoint: " + file + " does not fit in the JVM heap (" + MemoryBudget.human(Runtime.getRuntime().maxMemory())
                    + "); raise it with MMGCN_JAVA_OPTS=-Xmx…");
        }
    }

    /** A header entry every checkpoint of this engine has (its counts); a clear error when it is missing or damaged. */
    static <T> T entry(Supplier<T> read) {
        try {
            return read.get();
        } catch (CheckpointHeader.Damaged e) {
            throw Failure.data("--checkpoint: " + e.getMessage() + "; was this checkpoint written by mmgcn-engine train?", e);
        }
    }

    /** The model the checkpoint was trained with; a clear error when its settings are missing or damaged. */
    static ModelConfig model(Checkpoint ck) {
        try {
            return ck.info().model();
        } catch (CheckpointHeader.Damaged e) {
            throw Failure.data(e.getMessage(), e);
        }
    }
}
