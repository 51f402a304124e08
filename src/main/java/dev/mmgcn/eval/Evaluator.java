package dev.mmgcn.eval;

import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;

import java.util.Arrays;

/**
 * Full-ranking evaluation: every item is scored for every evaluated user, the user's training items
 * are masked to −∞ (not to a small number, which can still outrank real candidates), and the top K
 * are compared with the user's items in the target split.
 *
 * <p>Users are scored in blocks with a bounded top-K per row, so memory is one block × items score
 * matrix, never users × items. All buffers are made once here and reused on every call.
 */
public final class Evaluator implements AutoCloseable {
    private final int numItems;
    private final int[] ks;
    private final int[][] positives;
    private final int skipped;
    private final Ranker ranker;

    /**
     * @param train  interactions masked out of the ranking
     * @param target the split whose items count as hits
     */
    public Evaluator(Kernels kernels, int numUsers, int numItems, Interactions train, Interactions target, int[] ks) {
        this(kernels, numUsers, numItems, train, target, ks, 4096);
    }

    /** @param maxBlockUsers users scored per block at most (smaller blocks for tests of the blocking) */
    public Evaluator(Kernels kernels, int numUsers, int numItems, Interactions train, Interactions target, int[] ks,
                     int maxBlockUsers) {
        this.numItems = numItems;
        this.ks = Arrays.stream(ks).map(k -> Math.min(k, numItems)).toArray();
        int topK = Arrays.stream(this.ks).max().orElseThrow();
        try (HostScope host = new HostScope()) {
            CsrMatrix byUser = GraphBuilder.userItems(host, numUsers, numItems, target);
            int[] ptr = byUser.rowPtr().toArray();
            int[] col = byUser.colIdx().toArray();
            int count = 0;
            for (int u = 0; u < numUsers; u++) if (ptr[u + 1] > ptr[u]) count++;
            int[] evalUsers = new int[count];
            this.positives = new int[count][];
            int w = 0;
            for (int u = 0; u < numUsers; u++) {
                if (ptr[u + 1] > ptr[u]) {
                    evalUsers[w] = u;
                    positives[w++] = Arrays.copyOfRange(col, ptr[u], ptr[u + 1]);
                }
            }
            this.skipped = numUsers - count;
            this.ranker = new Ranker(kernels, evalUsers, numItems, GraphBuilder.userItems(host, numUsers, numItems, train),
                    topK, maxBlockUsers);
        }
    }

    /** Users with at least one item in the target split. */
    public int evaluatedUsers() { return positives.length; }

    /** Users with no item in the target split: not scored. */
    public int skippedUsers() { return skipped; }

    /** @param users U×D user representations, @param items I×D item representations (same backend) */
    public RankingMetrics evaluate(Tensor users, Tensor items) {
        RankingMetrics metrics = new RankingMetrics(ks);
        for (int s = 0; s < skipped; s++) metrics.skip();
        ranker.rank(users, items, (position, user, ranked, scores) -> metrics.addUser(ranked, ranked.length, positives[position]));
        return metrics;
    }

    /**
     * The same metrics as {@link #evaluate} when every user scores item i as {@code itemScores[i]} (the
     * item-only check, popularity): each user's ranking is read off one sort of the items
     * ({@link Ranker#rankShared}), not a users × items score matrix. The scores must be finite.
     */
    public RankingMetrics evaluateShared(float[] itemScores) {
        RankingMetrics metrics = new RankingMetrics(ks);
        for (int s = 0; s < skipped; s++) metrics.skip();
        ranker.rankShared(itemScores, (position, user, ranked, scores) -> metrics.addUser(ranked, ranked.length, positives[position]));
        return metrics;
    }

    @Override
    public void close() {
        ranker.close();
    }
}
