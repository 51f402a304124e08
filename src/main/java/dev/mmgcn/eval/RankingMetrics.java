package dev.mmgcn.eval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Top-K ranking metrics averaged over evaluated users: Precision, Recall, NDCG (ideal DCG over
 * min(|positives|, K) hits), MAP (average precision normalised by min(|positives|, K)) and hit rate.
 * Users without positives in the split are not averaged in; the caller counts them via {@link #skip()}.
 *
 * <p>Partial results over disjoint sets of users (one per worker or partition) combine with
 * {@link #merge}; they are {@link Serializable} so that a distributed job can ship them back.
 */
public final class RankingMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int[] DEFAULT_KS = {10, 20, 50};
    public static final String[] NAMES = {"precision", "recall", "ndcg", "map", "hit"};

    private final int[] ks;
    private final double[][] sums;
    private int users;
    private int skipped;

    public RankingMetrics(int[] ks) {
        if (ks.length == 0) throw new IllegalArgumentException("need at least one K");
        for (int k : ks) if (k < 1) throw new IllegalArgumentException("K must be positive, got " + k);
        this.ks = ks.clone();
        this.sums = new double[NAMES.length][ks.length];
    }

    public int[] ks() { return ks.clone(); }

    /** Metrics with these exact running sums ([metric][k], metrics in {@link #NAMES} order): what {@link #sums()} gave, restored. */
    public static RankingMetrics restore(int[] ks, double[][] sums, int users, int skipped) {
        RankingMetrics m = new RankingMetrics(ks);
        if (sums.length != NAMES.length) throw new IllegalArgumentException(sums.length + " metric rows for " + NAMES.length + " metrics");
        for (int i = 0; i < NAMES.length; i++) {
            if (sums[i].length != ks.length) throw new IllegalArgumentException(sums[i].length + " sums for " + ks.length + " cut-offs");
            m.sums[i] = sums[i].clone();
        }
        m.users = users;
        m.skipped = skipped;
        return m;
    }

    /** The running sums behind the means, [metric][k] in {@link #NAMES} × {@link #ks()} order (a copy): a resumable state. */
    public double[][] sums() {
        double[][] out = new double[sums.length][];
        for (int i = 0; i < sums.length; i++) out[i] = sums[i].clone();
        return out;
    }

    /**
     * @param ranked    the user's recommendations, best first; at least max K of them unless there are fewer items
     * @param length    how many entries of {@code ranked} to read
     * @param positives the user's relevant items, sorted ascending, non-empty
     */
    public void addUser(int[] ranked, int length, int[] positives) {
        if (positives.length == 0) throw new IllegalArgumentException("a user without positives must be skipped, not scored");
        users++;
        for (int j = 0; j < ks.length; j++) {
            int k = ks[j];
            int n = Math.min(k, length);
            int hits = 0;
            double dcg = 0;
            double precisionSum = 0;
            for (int r = 0; r < n; r++) {
                if (java.util.Arrays.binarySearch(positives, ranked[r]) >= 0) {
                    hits++;
                    dcg += 1 / log2(r + 2);
                    precisionSum += hits / (double) (r + 1);
                }
            }
            int ideal = Math.min(positives.length, k);
            double idcg = 0;
            for (int r = 0; r < ideal; r++) idcg += 1 / log2(r + 2);
            sums[0][j] += hits / (double) k;
            sums[1][j] += hits / (double) positives.length;
            sums[2][j] += dcg / idcg;
            sums[3][j] += precisionSum / ideal;
            sums[4][j] += hits > 0 ? 1 : 0;
        }
    }

    public void skip() { skipped++; }

    /**
     * Adds the sums and counts of {@code other}, a partial result over other users with the same cut-offs:
     * afterwards this object holds the metrics over both sets of users (up to the order of the sums).
     */
    public void merge(RankingMetrics other) {
        if (!java.util.Arrays.equals(ks, other.ks)) {
            throw new IllegalArgumentException("cannot merge metrics at K=" + java.util.Arrays.toString(other.ks)
                    + " into metrics at K=" + java.util.Arrays.toString(ks));
        }
        for (int m = 0; m < sums.length; m++) for (int j = 0; j < ks.length; j++) sums[m][j] += other.sums[m][j];
        users += other.users;
        skipped += other.skipped;
    }

    public int users() { return users; }

    public int skipped() { return skipped; }

    /** The mean of {@code metric} ("precision", "recall", "ndcg", "map", "hit") at {@code k}. */
    public double get(String metric, int k) {
        int m = indexOf(metric);
        for (int j = 0; j < ks.length; j++) {
            if (ks[j] == k) return users == 0 ? 0 : sums[m][j] / users;
        }
        throw new IllegalArgumentException("K=" + k + " was not evaluated (have " + java.util.Arrays.toString(ks) + ")");
    }

    /** Parses "recall@20" and returns that metric. */
    public double get(String metricAtK) {
        String[] parts = parse(metricAtK);
        return get(parts[0], Integer.parseInt(parts[1]));
    }

    /** Validates a "metric@K" name, returning {metric, K}. */
    public static String[] parse(String metricAtK) {
        String s = metricAtK.toLowerCase(Locale.ROOT);
        int at = s.indexOf('@');
        if (at < 0) throw new IllegalArgumentException("metric '" + metricAtK + "' should look like recall@20");
        String name = s.substring(0, at);
        indexOf(name);
        try {
            Integer.parseInt(s.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metric '" + metricAtK + "' should look like recall@20");
        }
        return new String[] {name, s.substring(at + 1)};
    }

    private static int indexOf(String metric) {
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(metric)) return i;
        throw new IllegalArgumentException("unknown metric '" + metric + "': expected one of " + String.join(", ", NAMES));
    }

    /** Every metric at every K, in a stable order: "precision@10", …, "hit@50". */
    public Map<String, Double> asMap() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String name : NAMES) for (int k : ks) out.put(name + "@" + k, get(name, k));
        return out;
    }

    private static double log2(double x) {
        return StrictMath.log(x) / StrictMath.log(2);
    }
}
