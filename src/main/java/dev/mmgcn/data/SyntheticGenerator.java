package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded synthetic multimodal dataset whose structure a recommender can learn.
 *
 * <p>Each item has latent factors z ∈ ℝ^F. Each modality observes its own window of those factors
 * through a random linear map plus noise, so no single modality sees everything and cold items can
 * still be ranked from features. Each user has a taste per modality over that modality's window and
 * a personal mix of modalities; the affinity of user u for item i is ⟨taste_u, z_i⟩ plus an item
 * popularity term. A user's items are the top affinities (with Gumbel noise) among candidates drawn
 * by popularity, which gives the long-tailed item degrees real data has. Interactions are split per
 * user into train / valid / test.
 */
public final class SyntheticGenerator {

    /**
     * @param modalities  modality name → feature width, in order
     * @param factors     latent item factors F
     * @param skew        spread of log-popularity (0 = uniform)
     * @param noise       feature noise relative to signal
     * @param heldOut     fraction of each user's interactions in valid and in test (each)
     */
    public record Spec(String name, int users, int items, int interactions, Map<String, Integer> modalities,
                       int factors, double skew, double noise, double heldOut) {
        public Spec {
            if (users < 1 || items < 2) throw new IllegalArgumentException("a synthetic set needs ≥1 user and ≥2 items");
            if (interactions < users) throw new IllegalArgumentException("need at least one interaction per user");
            if (modalities.isEmpty()) throw new IllegalArgumentException("need at least one modality");
            modalities = new LinkedHashMap<>(modalities);
        }

        public Spec withSize(int u, int i, int n) {
            return new Spec(name, u, i, n, modalities, factors, skew, noise, heldOut);
        }

        public Spec withName(String n) {
            return new Spec(n, users, items, interactions, modalities, factors, skew, noise, heldOut);
        }

        public String describe() {
            return String.format(Locale.ROOT, "%s (%,d users, %,d items, ~%,d interactions, %s)", name, users, items,
                    interactions, modalities);
        }
    }

    private static Map<String, Integer> dims(Object... nameDim) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int k = 0; k < nameDim.length; k += 2) m.put((String) nameDim[k], (Integer) nameDim[k + 1]);
        return m;
    }

    /** The built-in default: trains to clearly-above-popularity quality in about a minute on two cores. */
    public static final Spec DEFAULT = new Spec("synthetic", 3000, 2000, 90_000,
            dims("visual", 128, "acoustic", 64, "textual", 96), 16, 1.0, 0.5, 0.1);
    /** The MMGCN paper's MovieLens shape (features are synthetic). */
    public static final Spec MOVIELENS = new Spec("movielens-shape", 55_485, 5_986, 1_239_508,
            dims("visual", 2048, "acoustic", 128, "textual", 100), 16, 1.0, 0.5, 0.1);
    /** The MMGCN paper's TikTok shape. */
    public static final Spec TIKTOK = new Spec("tiktok-shape", 36_656, 76_085, 726_065,
            dims("visual", 128, "acoustic", 128, "textual", 128), 16, 1.0, 0.5, 0.1);
    /** The MMGCN paper's Kwai shape. */
    public static final Spec KWAI = new Spec("kwai-shape", 7_010, 86_483, 298_492,
            dims("visual", 2048), 16, 1.0, 0.5, 0.1);
    /** A few hundred users: for unit tests. */
    public static final Spec TINY = new Spec("tiny", 300, 200, 6_000,
            dims("visual", 24, "textual", 12), 8, 1.0, 0.5, 0.1);

    public static Spec preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "default", "synthetic" -> DEFAULT;
            case "movielens" -> MOVIELENS;
            case "tiktok" -> TIKTOK;
            case "kwai" -> KWAI;
            case "tiny" -> TINY;
            default -> throw new IllegalArgumentException("unknown synthetic preset '" + name
                    + "': expected default, tiny, movielens, tiktok or kwai");
        };
    }

    /** Catalogues up to this size consider every item for every user. */
    private static final int FULL_CANDIDATES = 4000;
    /** Taste signal relative to the Gumbel choice noise: high enough that personal taste, not popularity, decides most picks. */
    private static final double TASTE_STRENGTH = 3.0;
    private static final double POPULARITY_WEIGHT = 1.0;

    private SyntheticGenerator() {
    }

    public static Dataset generate(Spec spec, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int f = spec.factors();
        int nm = spec.modalities().size();

        double[][] z = new double[spec.items()][f];
        for (double[] row : z) for (int k = 0; k < f; k++) row[k] = rng.nextGaussian();
        double[] logPop = new double[spec.items()];
        for (int i = 0; i < logPop.length; i++) logPop[i] = spec.skew() * rng.nextGaussian();

        // each modality sees a contiguous window (wrapping) of about 60% of the factors
        int window = Math.max(1, (int) Math.round(f * (nm == 1 ? 1.0 : 0.6)));
        int[][] seen = new int[nm][window];
        for (int m = 0; m < nm; m++) {
            int start = nm == 1 ? 0 : (m * f) / nm;
            for (int k = 0; k < window; k++) seen[m][k] = (start + k) % f;
        }

        HostScope scope = new HostScope();
        List<Modality> modalities = new ArrayList<>();
        int m = 0;
        for (Map.Entry<String, Integer> e : spec.modalities().entrySet()) {
            modalities.add(new Modality(e.getKey(), features(scope, z, seen[m++], e.getValue(), spec.noise(), rng)));
        }

        int[][] chosen = chooseItems(spec, z, logPop, seen, rng);
        return split(spec, chosen, modalities, scope, rng);
    }

    private static Tensor features(HostScope scope, double[][] z, int[] window, int dim, double noise, SplittableRandom rng) {
        double[][] a = new double[window.length][dim];
        double s = 1 / Math.sqrt(window.length);
        for (double[] row : a) for (int j = 0; j < dim; j++) row[j] = rng.nextGaussian() * s;
        Tensor t = scope.floats(z.length, dim);
        double[] out = new double[dim];
        for (int i = 0; i < z.length; i++) {
            Arrays.fill(out, 0);
            for (int k = 0; k < window.length; k++) {
                double zk = z[i][window[k]];
                for (int j = 0; j < dim; j++) out[j] += zk * a[k][j];
            }
            for (int j = 0; j < dim; j++) t.set(i, j, (float) (out[j] + noise * rng.nextGaussian()));
        }
        return t;
    }

    private static int[][] chooseItems(Spec spec, double[][] z, double[] logPop, int[][] seen, SplittableRandom rng) {
        int users = spec.users();
        int items = spec.items();
        int f = spec.factors();
        int[] degree = degrees(spec, rng);
        AliasTable byPopularity = new AliasTable(logPop);
        double scale = TASTE_STRENGTH / Math.sqrt(f);
        int[][] chosen = new int[users][];
        double[] taste = new double[f];
        for (int u = 0; u < users; u++) {
            // a taste per modality window, mixed by the user's own modality weights
            Arrays.fill(taste, 0);
            double[] mix = new double[seen.length];
            double total = 0;
            for (int m = 0; m < mix.length; m++) total += mix[m] = -StrictMath.log(1 - rng.nextDouble());
            for (int m = 0; m < seen.length; m++) {
                for (int k : seen[m]) taste[k] += (mix[m] / total) * seen.length * rng.nextGaussian();
            }
            int n = degree[u];
            // small catalogues: every item is a candidate; large ones: a popularity-drawn pool, which
            // keeps generation linear in users while still favouring popular items
            int candidates = items <= FULL_CANDIDATES ? items : Math.min(items, Math.max(20 * n, FULL_CANDIDATES / 2));
            int[] cand = new int[candidates];
            double[] key = new double[candidates];
            int filled = 0;
            // distinct candidates by popularity; sampling is cheap enough to retry duplicates
            java.util.BitSet taken = new java.util.BitSet(items);
            int attempts = 0;
            while (filled < candidates && attempts < candidates * 20) {
                attempts++;
                int i = candidates == items ? attempts - 1 : byPopularity.sample(rng);
                if (taken.get(i)) continue;
                taken.set(i);
                double dot = 0;
                for (int k = 0; k < f; k++) dot += taste[k] * z[i][k];
                double gumbel = -StrictMath.log(-StrictMath.log(rng.nextDouble() + 1e-300));
                cand[filled] = i;
                key[filled++] = scale * dot + POPULARITY_WEIGHT * logPop[i] + gumbel;
            }
            n = Math.min(n, filled);
            chosen[u] = topByKey(cand, key, filled, n);
        }
        return chosen;
    }

    private static int[] topByKey(int[] cand, double[] key, int filled, int n) {
        Integer[] order = new Integer[filled];
        for (int k = 0; k < filled; k++) order[k] = k;
        Arrays.sort(order, (x, y) -> Double.compare(key[y], key[x]));
        int[] out = new int[n];
        for (int k = 0; k < n; k++) out[k] = cand[order[k]];
        return out;
    }

    /** Long-tailed user degrees (log-normal) with at least 5 each, scaled to the requested total. */
    private static int[] degrees(Spec spec, SplittableRandom rng) {
        int users = spec.users();
        double[] raw = new double[users];
        double sum = 0;
        for (int u = 0; u < users; u++) sum += raw[u] = StrictMath.exp(0.8 * rng.nextGaussian());
        int minimum = Math.min(5, spec.items() / 2);
        double extra = Math.max(0, spec.interactions() - (double) minimum * users);
        int[] d = new int[users];
        for (int u = 0; u < users; u++) {
            d[u] = (int) Math.min(spec.items() / 2, minimum + Math.round(extra * raw[u] / sum));
        }
        return d;
    }

    private static Dataset split(Spec spec, int[][] chosen, List<Modality> modalities, HostScope scope, SplittableRandom rng) {
        IntList tu = new IntList(), ti = new IntList(), vu = new IntList(), vi = new IntList(), su = new IntList(), si = new IntList();
        for (int u = 0; u < chosen.length; u++) {
            int[] items = chosen[u];
            for (int k = items.length - 1; k > 0; k--) {
                int j = rng.nextInt(k + 1);
                int t = items[k];
                items[k] = items[j];
                items[j] = t;
            }
            int n = items.length;
            int held = n >= 3 ? Math.max(1, (int) Math.round(n * spec.heldOut())) : 0;
            for (int k = 0; k < n; k++) {
                if (k < held) {
                    su.add(u);
                    si.add(items[k]);
                } else if (k < 2 * held) {
                    vu.add(u);
                    vi.add(items[k]);
                } else {
                    tu.add(u);
                    ti.add(items[k]);
                }
            }
        }
        return new Dataset(spec.name(), spec.users(), spec.items(),
                new Interactions(tu.toArray(), ti.toArray()), new Interactions(vu.toArray(), vi.toArray()),
                new Interactions(su.toArray(), si.toArray()), modalities, scope);
    }

    /** Vose's alias method over exp(logWeight): O(1) draws from a fixed discrete distribution. */
    private static final class AliasTable {
        private final double[] prob;
        private final int[] alias;

        AliasTable(double[] logWeight) {
            int n = logWeight.length;
            double max = Arrays.stream(logWeight).max().orElse(0);
            double[] w = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) sum += w[i] = StrictMath.exp(logWeight[i] - max);
            prob = new double[n];
            alias = new int[n];
            int[] small = new int[n], large = new int[n];
            int ns = 0, nl = 0;
            for (int i = 0; i < n; i++) {
                w[i] = w[i] * n / sum;
                if (w[i] < 1) small[ns++] = i; else large[nl++] = i;
            }
            while (ns > 0 && nl > 0) {
                int s = small[--ns], l = large[--nl];
                prob[s] = w[s];
                alias[s] = l;
                w[l] = w[l] + w[s] - 1;
                if (w[l] < 1) small[ns++] = l; else large[nl++] = l;
            }
            while (nl > 0) prob[large[--nl]] = 1;
            while (ns > 0) prob[small[--ns]] = 1;
        }

        int sample(SplittableRandom rng) {
            int i = rng.nextInt(prob.length);
            return rng.nextDouble() < prob[i] ? i : alias[i];
        }
    }

    /** A growable int array, to avoid boxing while splitting. */
    static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
