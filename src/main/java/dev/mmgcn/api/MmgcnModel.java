package dev.mmgcn.api;

import dev.mmgcn.data.IdMap;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.train.Checkpoint;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A trained recommender loaded from a checkpoint, answering in the users' and items' own ids:
 * <pre>{@code
 * try (MmgcnModel model = MmgcnModel.load(Path.of("runs/tiktok/best.ckpt"))) {
 *     for (ScoredItem s : model.recommend("u42", 10)) System.out.println(s.item() + " " + s.score());
 * }
 * }</pre>
 * The checkpoint carries everything needed (representations, id maps, each user's training items), so
 * no dataset is read. Scores are ⟨user, item⟩ of the final representations, ranked with the engine's
 * kernels (Vector API when the JVM has {@code jdk.incubator.vector}, else scalar) one user row at a
 * time: never a users × items matrix.
 *
 * <p>Thread-safe: any number of threads may call any method concurrently; single-user calls run on
 * the calling thread. {@link #close()} waits for calls in progress and frees the off-heap tables; calls
 * after it throw {@link IllegalStateException}. Logs through {@link System.Logger} ("dev.mmgcn.api"),
 * never to the console directly.
 */
public final class MmgcnModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.mmgcn.api");

    private final Scorer scorer;
    private final IdMap users, items;
    private final ModelInfo info;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private MmgcnModel(Scorer scorer, IdMap users, IdMap items, ModelInfo info) {
        this.scorer = scorer;
        this.users = users;
        this.items = items;
        this.info = info;
    }

    /** Loads a checkpoint written by {@code train} with {@link LoadOptions#defaults()}. */
    public static MmgcnModel load(Path checkpoint) throws IOException {
        return load(checkpoint, LoadOptions.defaults());
    }

    /**
     * Loads a checkpoint written by {@code train}.
     *
     * @throws IOException when the file is missing, damaged (every byte is checksummed), of another
     *                     format or version, lacks the training record, or its representation is not float32 or
     *                     holds a non-finite value; the message names the file
     */
    public static MmgcnModel load(Path checkpoint, LoadOptions options) throws IOException {
        long t0 = System.nanoTime();
        Checkpoint ck = Checkpoint.read(checkpoint);
        TrainingRecord record = ck.trainingRecord();
        if (record == null) {
            throw new IOException(checkpoint + " has no training record (ids and training items); re-train to serve it");
        }
        if (!ck.has(Checkpoint.REPRESENTATION)) throw new IOException(checkpoint + " has no '" + Checkpoint.REPRESENTATION + "' tensor");
        if (!ck.tensorNames().contains(Checkpoint.REPRESENTATION)) {
            throw new IOException(checkpoint + ": its '" + Checkpoint.REPRESENTATION + "' tensor holds int32 values; the representations are float32 (F32)"
                    + ": damaged, or not written by mmgcn-engine train");
        }
        int[] shape = ck.shape(Checkpoint.REPRESENTATION);
        int nu = record.numUsers(), ni = record.numItems();
        if ((long) shape[0] != (long) nu + ni) {
            throw new IOException(checkpoint + ": the representation has " + shape[0] + " rows for " + nu + " users + " + ni + " items");
        }
        float[] rep = ck.tensor(Checkpoint.REPRESENTATION);
        for (int x = 0; x < rep.length; x++) {
            if (!Float.isFinite(rep[x])) { // scores of NaN would rank nothing, and JSON has no number for them
                int row = x / shape[1];
                String who = row < nu ? "user '" + record.userIds().external(row) + "'" : "item '" + record.itemIds().external(row - nu) + "'";
                throw new IOException(checkpoint + ": the representation of " + who + " holds " + rep[x]
                        + "; a model with non-finite values cannot rank (was it written by a diverged run? re-train, or restore a copy)");
            }
        }
        Kernels single = Backends.vector(1).orElse(null);
        Kernels batch;
        if (single == null) {
            LOG.log(Level.WARNING, Backends.SIMD_HINT + "; scoring with the scalar kernels");
            single = new ScalarKernels();
            batch = single;
        } else {
            batch = options.batchThreads() == 1 ? single : Backends.vector(options.batchThreads()).orElseThrow();
        }
        Scorer scorer = new Scorer(ck.tensor(Checkpoint.REPRESENTATION), nu, ni, shape[1], record.seen(), single, batch);
        Map<String, String> settings = ck.info().entries();
        String version = MmgcnModel.class.getPackage().getImplementationVersion();
        String backend = single.name() + (single == batch ? "" : " (" + options.batchThreads() + " threads for batches)");
        ModelInfo info = new ModelInfo(checkpoint, Checkpoint.VERSION, version == null ? "dev" : version, nu, ni, shape[1],
                settings, record.fingerprint().digest(), backend);
        LOG.log(Level.DEBUG, () -> String.format("loaded %s: %,d users, %,d items, width %d, %s kernels, in %.0f ms",
                checkpoint, nu, ni, shape[1], backend, (System.nanoTime() - t0) / 1e6));
        return new MmgcnModel(scorer, record.userIds(), record.itemIds(), info);
    }

    /** The {@code k} best items for a user, best first, leaving out the user's training items. */
    public List<ScoredItem> recommend(String userId, int k) {
        return recommend(userId, k, Seen.EXCLUDE);
    }

    /**
     * The {@code k} best items for a user, best first. With {@link Seen#EXCLUDE} fewer than {@code k}
     * come back only when the user has seen nearly every item; {@code k} above the item count is cut to it.
     *
     * @throws UnknownIdException      when the user is not in the training data
     * @throws IllegalArgumentException when {@code k < 1}
     */
    public List<ScoredItem> recommend(String userId, int k, Seen seen) {
        int kk = checkK(k);
        return read(() -> items(scorer.recommend(user(userId), kk, seen == Seen.EXCLUDE)));
    }

    /** Top-{@code k} lists for many users, in the order given, training items left out. */
    public List<Recommendation> recommend(List<String> userIds, int k) {
        return recommend(userIds, k, Seen.EXCLUDE);
    }

    /**
     * Top-{@code k} lists for many users in one blocked pass (multithreaded, see {@link LoadOptions}).
     *
     * @throws UnknownIdException when any user is unknown (all unknown ids are listed; nothing is ranked)
     */
    public List<Recommendation> recommend(List<String> userIds, int k, Seen seen) {
        int kk = checkK(k);
        int[] idx = indices(userIds, users, "user");
        if (idx.length == 0) return List.of();
        return read(() -> {
            Scorer.Ranked[] r = scorer.recommend(idx, kk, seen == Seen.EXCLUDE);
            List<Recommendation> out = new ArrayList<>(r.length);
            for (int p = 0; p < r.length; p++) out.add(new Recommendation(userIds.get(p), items(r[p])));
            return out;
        });
    }

    /**
     * The model's score for each listed item (in the order given), whether or not the user has seen it;
     * the same numbers {@link #recommend} ranks by.
     *
     * @throws UnknownIdException when the user or any item is unknown
     */
    public List<ScoredItem> score(String userId, List<String> itemIds) {
        int u = user(userId);
        int[] idx = indices(itemIds, items, "item");
        return read(() -> {
            float[] s = scorer.score(u, idx);
            List<ScoredItem> out = new ArrayList<>(s.length);
            for (int j = 0; j < s.length; j++) out.add(new ScoredItem(itemIds.get(j), s[j]));
            return out;
        });
    }

    /** The {@code k} items most similar to an item by cosine of their representations, the item itself left out. */
    public List<ScoredItem> similarItems(String itemId, int k) {
        int kk = checkK(k);
        int i = items.index(itemId);
        if (i < 0) throw new UnknownIdException("item", List.of(String.valueOf(itemId)));
        return read(() -> items(scorer.similar(i, kk)));
    }

    /** Whether the model knows this user. */
    public boolean hasUser(String userId) { return users.index(userId) >= 0; }

    /** Whether the model knows this item. */
    public boolean hasItem(String itemId) { return items.index(itemId) >= 0; }

    /** Every user id, in the model's order (a read-only view). */
    public List<String> userIds() { return view(users); }

    /** Every item id, in the model's order (a read-only view). */
    public List<String> itemIds() { return view(items); }

    /** Sizes, settings, data fingerprint and backend of this model. */
    public ModelInfo info() { return info; }

    /** Waits for calls in progress, then frees the model's memory. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) scorer.close();
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private interface Call<T> {
        T run();
    }

    private <T> T read(Call<T> call) {
        lock.readLock().lock();
        try {
            if (closed) throw new IllegalStateException("the model " + info.file() + " is closed");
            return call.run();
        } finally {
            lock.readLock().unlock();
        }
    }

    private int checkK(int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        return Math.min(k, scorer.numItems());
    }

    private int user(String id) {
        int u = users.index(id);
        if (u < 0) throw new UnknownIdException("user", List.of(String.valueOf(id)));
        return u;
    }

    private static int[] indices(List<String> ids, IdMap map, String kind) {
        int[] idx = new int[ids.size()];
        List<String> unknown = new ArrayList<>();
        for (int j = 0; j < idx.length; j++) {
            idx[j] = map.index(ids.get(j));
            if (idx[j] < 0) unknown.add(String.valueOf(ids.get(j)));
        }
        if (!unknown.isEmpty()) throw new UnknownIdException(kind, unknown);
        return idx;
    }

    private List<ScoredItem> items(Scorer.Ranked r) {
        List<ScoredItem> out = new ArrayList<>(r.count());
        for (int j = 0; j < r.count(); j++) out.add(new ScoredItem(items.external(r.items()[j]), r.scores()[j]));
        return List.copyOf(out);
    }

    private static List<String> view(IdMap ids) {
        return new AbstractList<>() {
            @Override
            public String get(int index) { return ids.external(index); }

            @Override
            public int size() { return ids.size(); }
        };
    }
}
