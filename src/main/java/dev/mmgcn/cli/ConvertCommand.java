package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code convert}: a version-1 checkpoint ({@code MMGCNCK1}: no checksums, ids or training items) rewritten
 * as version 2, with the training record taken from the data it was trained on.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Converts a version-1 checkpoint (MMGCNCK1, written before checksums, ids and training items were kept) to",
                "the current format. The data it was trained on is loaded (the folder recorded in the checkpoint, or --data DIR",
                "when it has moved) for the users' and items' ids and each user's training items; its user and item counts must",
                "match. The new file is written atomically; an existing --out is replaced only with --overwrite."},
        footer = {"", Main.EXIT_CODES})
final class ConvertCommand extends DataCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FILE", order = 2, description = "the version-2 checkpoint to write (required)")
    Path out;

    @Option(names = "--overwrite", order = 3, description = "replace --out when it exists")
    boolean overwrite;

    @Override
    List<Key<?>> keys() {
        return DataSpec.KEYS; // loads data, runs no kernels
    }

    @Override
    public Integer call() throws IOException {
        CheckpointFile.check(checkpoint);
        if (out == null) throw Failure.usage("--out FILE is required (the converted checkpoint)");
        if (Files.isDirectory(out)) throw Failure.usage("--out: " + out + " is a folder; give a file name, e.g. " + out.resolve("best.ckpt"));
        OutputFile.regularOrAbsent("--out", out);
        if (Files.exists(out) && !overwrite) throw Failure.usage("--out: " + out + " exists; pass --overwrite to replace it");
        Checkpoint old = readVersion1();
        Settings s = settings(old);
        DataSpec spec = DataSpec.of(s);
        DataLoading.Plan plan = DataLoading.check(spec, s);
        OutputFile.file("--out", out);
        try (Progress progress = Progress.forStderr(top.err)) {
            progress.startOpen("loading " + DataLoading.name(spec), Progress.readDetail(plan.bytes()));
            try (Dataset data = dataset(old, s, top.err)) {
                progress.finish();
                try {
                    Checkpoint.convertVersion1(checkpoint, data, out);
                } catch (FileSystemException e) {
                    throw Failure.io("--out: " + FileErrors.describe(e), e);
                }
                TrainingRecord r = CheckpointFile.read(out).trainingRecord(); // read back: every checksum verified
                top.out.printf(Locale.ROOT, "converted %s (version 1) to %s (version %d): %,d users, %,d items, %d tensors; data fingerprint %s%n",
                        checkpoint, out, Checkpoint.VERSION, r.numUsers(), r.numItems(), old.tensorNames().size(),
                        r.fingerprint().digest().substring(0, 12));
            }
        }
        return 0;
    }

    private Checkpoint readVersion1() {
        try {
            if (!Checkpoint.isVersion1(checkpoint)) {
                CheckpointFile.read(checkpoint); // a damaged or foreign file is said as such
                throw Failure.usage("--checkpoint: " + checkpoint + " is already a version-" + Checkpoint.VERSION + " checkpoint; there is nothing to convert");
            }
            return Checkpoint.readVersion1(checkpoint);
        } catch (FileSystemException e) {
            throw Failure.io("--checkpoint: " + FileErrors.describe(e), e);
        } catch (IOException e) {
            throw Failure.data("--checkpoint: " + e.getMessage(), e);
        }
    }
}
