package dev.mmgcn.model;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The test oracle for the model: MMGCN's forward pass in double precision, written from the equations in
 * docs/models.md ("MMGCN, and where this differs from the public code") and nothing else — no tape, no
 * kernels, no CSR:
 * <pre>
 *   per modality m:  X0 = rowL2normalize([P_m ; proj_m(F_m)])        proj_m(F) = F·W + b when F is wider than latent
 *     layer l:       H  = LeakyReLU(agg(X W1))                          agg over graph neighbours: mean | max | sum
 *                    X^ = LeakyReLU(X W2 + b2) + E_id                   (+ E_id only with the id embedding)
 *                    X' = LeakyReLU([H ‖ X^] W3 + b3)  |  LeakyReLU(H W3 + b3 + X^)
 *                         (the last layer's X' without the LeakyReLU with --signed-output)
 *   R = mean_m X_L^m  or  sum_m X_L^m
 * </pre>
 * The graph is the set of distinct training pairs, undirected: user u and item i are neighbours when
 * (u, i) was seen at least once. A node without neighbours aggregates to zero under all three rules (the
 * sum and the max over nothing, and the mean by the same convention). Parameter values come in by the
 * engine's names and layouts (weights in×out, biases 1×out), as the engine initialised them.
 */
final class DenseMmgcn {
    private final MmgcnConfig config;
    private final int users;
    private final int items;
    private final List<List<Integer>> neighbours = new ArrayList<>();
    private final Map<String, double[][]> params;

    /**
     * @param pairs  training interactions as (user, item) pairs; repeats are one edge
     * @param params parameter values by name
     */
    DenseMmgcn(MmgcnConfig config, int users, int items, int[][] pairs, Map<String, double[][]> params) {
        this.config = config;
        this.users = users;
        this.items = items;
        this.params = params;
        List<TreeSet<Integer>> sets = new ArrayList<>();
        for (int n = 0; n < users + items; n++) sets.add(new TreeSet<>());
        for (int[] p : pairs) {
            sets.get(p[0]).add(users + p[1]);
            sets.get(users + p[1]).add(p[0]);
        }
        for (TreeSet<Integer> s : sets) neighbours.add(List.copyOf(s));
    }

    /** R for the given modalities (name → item features, items × width), in the order the model holds them. */
    double[][] representation(Map<String, double[][]> features) {
        double[][] r = null;
        for (Map.Entry<String, double[][]> m : features.entrySet()) {
            double[][] x = branch(m.getKey(), m.getValue());
            r = r == null ? x : Dense.add(r, x);
        }
        return config.fusion() == MmgcnConfig.Fusion.MEAN ? Dense.scale(r, 1.0 / features.size()) : r;
    }

    private double[][] branch(String m, double[][] f) {
        double[][] itemRows = f[0].length > config.latentDim()
                ? Dense.linear(f, param(m + ".projection.weight"), param(m + ".projection.bias")) : f;
        double[][] x = Dense.rowL2Normalize(Dense.stackRows(param(m + ".preference"), itemRows));
        for (int l = 1; l <= config.layers(); l++) x = layer(m + ".layer" + l, x, config.signedOutput() && l == config.layers());
        return x;
    }

    /** One layer; {@code signed}: X' without its LeakyReLU (the last layer of a signed-output model). */
    private double[][] layer(String name, double[][] x, boolean signed) {
        double slope = config.slope();
        double[][] h = Dense.leakyRelu(aggregate(Dense.matmul(x, param(name + ".conv"))), slope);
        double[][] xHat = Dense.leakyRelu(Dense.linear(x, param(name + ".self.weight"), param(name + ".self.bias")), slope);
        if (config.idEmbedding()) xHat = Dense.add(xHat, param("id_embedding"));
        double[][] w3 = param(name + ".combine.weight"), b3 = param(name + ".combine.bias");
        double[][] z = config.combination() == Combination.CONCAT ? Dense.linear(Dense.concatCols(h, xHat), w3, b3)
                : Dense.add(Dense.linear(h, w3, b3), xHat);
        return signed ? z : Dense.leakyRelu(z, slope);
    }

    /** Row n of the result combines the rows of {@code messages} at n's neighbours. */
    private double[][] aggregate(double[][] messages) {
        int width = messages[0].length;
        double[][] out = new double[messages.length][width];
        for (int n = 0; n < out.length; n++) {
            List<Integer> nb = neighbours.get(n);
            if (nb.isEmpty()) continue;
            for (int j = 0; j < width; j++) {
                double acc = config.aggregation() == Aggregation.MAX ? Double.NEGATIVE_INFINITY : 0;
                for (int v : nb) acc = config.aggregation() == Aggregation.MAX ? Math.max(acc, messages[v][j]) : acc + messages[v][j];
                out[n][j] = config.aggregation() == Aggregation.MEAN ? acc / nb.size() : acc;
            }
        }
        return out;
    }

    private double[][] param(String name) {
        double[][] p = params.get(name);
        if (p == null) throw new IllegalArgumentException("the engine has no parameter " + name + " (it has " + params.keySet() + ")");
        return p;
    }

    int users() { return users; }

    int items() { return items; }
}
