package dev.mmgcn.spark.bench;

import dev.mmgcn.spark.BlockRanker;
import dev.mmgcn.spark.ModelInput;
import dev.mmgcn.spark.UserBlock;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Users per second of one Spark task's ranking ({@link BlockRanker}, one thread) for several tile shapes,
 * on the first USERS users of a checkpoint against all its items, the shapes interleaved round by round so
 * that a shared machine's load falls on each alike. The first round is JIT warm-up and is not reported.
 *
 * <pre>java … dev.mmgcn.spark.bench.TileSweep CHECKPOINT USERS ROUNDS K UxI [UxI …]</pre>
 */
public final class TileSweep {
    private TileSweep() {
    }

    public static void main(String[] args) throws Exception {
        ModelInput m = ModelInput.read(Path.of(args[0]));
        int n = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]), k = Integer.parseInt(args[3]);
        String[] shapes = Arrays.copyOfRange(args, 4, args.length);
        int[] users = new int[n];
        for (int u = 0; u < n; u++) users[u] = u;
        int[] ptr = new int[n + 1];
        for (int u = 0; u < n; u++) ptr[u + 1] = ptr[u] + m.seen().count(u);
        int[] seen = Arrays.copyOfRange(m.seen().items(), 0, ptr[n]);
        UserBlock block = new UserBlock(0, users, m.dim(), m.userRows(users), ptr, seen, null, null, null);
        double[][] rate = new double[shapes.length][rounds];
        try (HostScope s = new HostScope()) {
            Tensor items = s.floats(m.items(), m.dim());
            items.copyFrom(m.itemBlock(0, m.items()).rows());
            for (int r = 0; r <= rounds; r++) {
                for (int c = 0; c < shapes.length; c++) {
                    String[] ui = shapes[c].split("x");
                    try (BlockRanker br = BlockRanker.create(k, Integer.parseInt(ui[0]), Integer.parseInt(ui[1]))) {
                        long t0 = System.nanoTime();
                        br.rank(block, items, 0);
                        double sec = (System.nanoTime() - t0) / 1e9;
                        if (r > 0) rate[c][r - 1] = n / sec;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%,d users x %,d items, width %d, top %d, one thread; users/s per round after one warm-up round%n",
                n, m.items(), m.dim(), k);
        for (int c = 0; c < shapes.length; c++) {
            double[] v = rate[c].clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "tile %-10s median %,8.0f users/s  (min %,.0f, max %,.0f)%n", shapes[c], v[v.length / 2], v[0], v[v.length - 1]);
        }
    }
}
