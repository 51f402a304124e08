package dev.mmgcn.spark;

import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.SeenItems;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A trained model as the Spark jobs read it on the driver: the final user and item representations, each
 * user's training items and the users' and items' own ids, all from one checkpoint (which carries them
 * all). Everything is checked here, before a Spark context exists: a missing or damaged file, a checkpoint
 * without its training record, a representation that does not fit the user and item counts, a non-finite
 * value.
 */
public final class ModelInput {
    private final Path file;
    private final Checkpoint checkpoint;
    private final int users, items, dim;
    private final float[] representation;
    private final SeenItems seen;
    private final IdMap userIds, itemIds;

    private ModelInput(Path file, Checkpoint ck, int users, int items, int dim, float[] representation, TrainingRecord record) {
        this.file = file;
        this.checkpoint = ck;
        this.users = users;
        this.items = items;
        this.dim = dim;
        this.representation = representation;
        this.seen = record.seen();
        this.userIds = record.userIds();
        this.itemIds = record.itemIds();
    }

    /** Reads and checks a checkpoint; every problem is a {@link CliException} naming the file. */
    public static ModelInput read(Path file) {
        if (!Files.exists(file)) {
            boolean cluster = "cluster".equals(System.getProperty("spark.submit.deployMode"));
            throw new CliException("--checkpoint: " + file + " does not exist" + (cluster
                    ? " on the driver's machine: in cluster deploy mode the driver runs on a worker and reads the checkpoint before any file"
                    + " shipped with --files reaches it; give a path every worker can read (a shared file system), or use --deploy-mode client"
                    : ""));
        }
        if (Files.isDirectory(file)) throw new CliException("--checkpoint: " + file + " is a folder; give the checkpoint file (train writes <out>/best.ckpt)");
        Checkpoint ck;
        try {
            ck = Checkpoint.read(file);
        } catch (java.nio.file.FileSystemException e) { // cannot be read: permissions, a file that went away
            throw CliException.io("--checkpoint: cannot read " + file + ": " + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason()));
        } catch (IOException e) { // read, but damaged, truncated, or not a checkpoint: the content is what is wrong
            throw CliException.data("--checkpoint: " + e.getMessage());
        }
        TrainingRecord record = ck.trainingRecord();
        if (record == null) {
            throw CliException.data(file + " has no training record (the users' training items and ids): without it the seen items "
                    + "cannot be left out; re-train with this version, or convert it with Checkpoint.convertVersion1 and the data it was trained on");
        }
        if (!ck.has(Checkpoint.REPRESENTATION)) {
            throw CliException.data(file + " has no '" + Checkpoint.REPRESENTATION + "' tensor (the final user and item representations)");
        }
        if (!ck.tensorNames().contains(Checkpoint.REPRESENTATION)) {
            throw CliException.data(file + ": its '" + Checkpoint.REPRESENTATION + "' tensor holds int32 values; the representations are float32 (F32)");
        }
        int[] shape = ck.shape(Checkpoint.REPRESENTATION);
        int u = record.numUsers(), i = record.numItems();
        if ((long) shape[0] != (long) u + i) {
            throw CliException.data(file + ": the representation has " + shape[0] + " rows, but the training record has " + u
                    + " users + " + i + " items = " + ((long) u + i));
        }
        if (shape[1] < 1) throw CliException.data(file + ": the representation has width " + shape[1]);
        if (i < 1) throw CliException.data(file + ": the model has no items");
        float[] rep = ck.tensor(Checkpoint.REPRESENTATION);
        for (int x = 0; x < rep.length; x++) {
            if (!Float.isFinite(rep[x])) {
                int row = x / shape[1];
                String who = row < u ? "user '" + record.userIds().external(row) + "'" : "item '" + record.itemIds().external(row - u) + "'";
                throw CliException.data(file + ": the representation of " + who + " holds " + rep[x] + "; a model with non-finite values cannot rank");
            }
        }
        return new ModelInput(file, ck, u, i, shape[1], rep, record);
    }

    public Path file() { return file; }

    public Checkpoint checkpoint() { return checkpoint; }

    public int users() { return users; }

    public int items() { return items; }

    public int dim() { return dim; }

    public SeenItems seen() { return seen; }

    public IdMap userIds() { return userIds; }

    public IdMap itemIds() { return itemIds; }

    /** The listed users' representations, row-major, in the order listed. */
    public float[] userRows(int[] userIndices) {
        float[] out = new float[userIndices.length * dim];
        for (int r = 0; r < userIndices.length; r++) System.arraycopy(representation, userIndices[r] * dim, out, r * dim, dim);
        return out;
    }

    /** Items [from, to) as a block. */
    public ItemBlock itemBlock(int from, int to) {
        long base = (long) (users + from) * dim;
        return new ItemBlock(from, to - from, dim, Arrays.copyOfRange(representation, Math.toIntExact(base), Math.toIntExact(base + (long) (to - from) * dim)));
    }

    /** Mean number of training items per user. */
    public double seenPerUser() { return users == 0 ? 0 : seen.items().length / (double) users; }
}
