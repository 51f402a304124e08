package dev.mmgcn.tape;

import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.PrimitivesOnly;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.GraphConvLayer;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finite-difference checks of every tape primitive, and of a composed two-layer graph-conv block,
 * on each CPU backend. Each op's output is reduced with L = Σ (out + C)², C a fixed random offset, so
 * that ops with a constant output norm (row normalisation) still get a non-trivial gradient.
 */
class TapeGradientTest {
    /** "defaults": the scalar primitives with every fused kernel in its default implementation. */
    static Stream<String> backends() {
        return Backends.vector().isPresent() ? Stream.of("scalar", "vector", "defaults") : Stream.of("scalar", "defaults");
    }

    private Scope scope;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        scope = null;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) c.close();
        closeables.clear();
    }

    private Kernels kernels(String name) {
        Kernels k = name.equals("defaults") ? new PrimitivesOnly(new ScalarKernels()) : Backends.byName(name);
        scope = k.newScope();
        closeables.add(scope);
        return k;
    }

    private Tape tape(Kernels k) {
        Tape t = new Tape(k);
        closeables.add(t);
        return t;
    }

    /** A parameter with values from a gaussian, kept at least {@code gap} away from zero (LeakyReLU's kink). */
    private Var param(String name, int rows, int cols, SplittableRandom rng, double gap) {
        Tensor v = scope.floats(rows, cols);
        for (long i = 0; i < v.size(); i++) {
            double x = rng.nextGaussian();
            if (Math.abs(x) < gap) x = Math.copySign(gap + Math.abs(x), x == 0 ? 1 : x);
            v.setFlat(i, (float) x);
        }
        return Var.parameter(name, v, scope.floats(rows, cols));
    }

    private Var offset(int rows, int cols, SplittableRandom rng) {
        Tensor v = scope.floats(rows, cols);
        for (long i = 0; i < v.size(); i++) v.setFlat(i, (float) rng.nextGaussian());
        return Var.constant("offset", v);
    }

    private void checkOp(Kernels k, List<Var> params, Function<Tape, Var> op, int rows, int cols, SplittableRandom rng) {
        Var c = offset(rows, cols, rng);
        GradientCheck.check(k, tape(k), params, t -> t.sumSquares(t.add(op.apply(t), c)),
                t -> GradientCheck.offsetSquares(op.apply(t).value(), c.value()), 12, 1e-2, 2e-2, 2e-2, 2e-3, 7);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void linearWithBias(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(1);
        Var x = param("x", 5, 7, rng, 0), w = param("w", 7, 3, rng, 0), b = param("b", 1, 3, rng, 0);
        checkOp(k, List.of(x, w, b), t -> t.linear(x, w, b), 5, 3, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void spmmMeanAndTransposePath(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(2);
        CsrMatrix g = k.upload(GraphBuilder.bipartite(scope, 4, 5, pairs(rng, 4, 5, 9), GraphBuilder.Weights.MEAN), scope);
        Var x = param("x", 9, 6, rng, 0);
        checkOp(k, List.of(x), t -> t.spmm(g, x), 9, 6, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void csrMaxWithoutTies(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(3);
        // node 6 is isolated (an item nobody interacted with): its row must give zeros and no gradient
        CsrMatrix g = k.upload(GraphBuilder.bipartite(scope, 3, 4,
                new Interactions(new int[] {0, 0, 1, 2, 2}, new int[] {0, 1, 1, 2, 0}), GraphBuilder.Weights.ONES), scope);
        Var x = param("x", 7, 5, rng, 0);
        // distinct values at least 0.05 apart, so a step of h = 1e-2 never changes an argmax
        float[] vals = new float[35];
        int[] perm = shuffled(rng, 35);
        for (int i = 0; i < 35; i++) vals[i] = (perm[i] - 17) * 0.05f;
        x.value().copyFrom(vals);
        checkOp(k, List.of(x), t -> t.csrMax(g, x), 7, 5, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void gatherWithRepeatedIndices(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(4);
        Var table = param("table", 6, 5, rng, 0);
        IntTensor idx = scope.ints(7, 1);
        idx.copyFrom(new int[] {0, 3, 3, 5, 1, 0, 3});
        checkOp(k, List.of(table), t -> t.gather(table, idx), 7, 5, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concatColsAndRows(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(5);
        Var a = param("a", 4, 3, rng, 0), b = param("b", 4, 5, rng, 0), c = param("c", 2, 8, rng, 0);
        checkOp(k, List.of(a, b, c), t -> t.concatRows(t.concatCols(a, b), c), 6, 8, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void leakyRelu(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(6);
        Var x = param("x", 5, 9, rng, 0.05);
        checkOp(k, List.of(x), t -> t.leakyRelu(x, 0.01f), 5, 9, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void l2NormalizeRows(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(7);
        // 37 columns: two 16-lane vectors and a tail, so the vector body runs at every width, not only the tail
        Var x = param("x", 6, 37, rng, 0);
        checkOp(k, List.of(x), t -> t.l2NormalizeRows(x, 1e-12f), 6, 37, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void addScaleMean(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(8);
        Var a = param("a", 3, 4, rng, 0), b = param("b", 3, 4, rng, 0), c = param("c", 3, 4, rng, 0);
        checkOp(k, List.of(a, b, c), t -> t.scale(t.add(t.mean(List.of(a, b, c)), a), 1.5f), 3, 4, rng);
        // one Var twice in a sum, and a sum feeding a mean
        checkOp(k, List.of(a, b), t -> t.mean(List.of(t.sum(List.of(a, b, a)), b)), 3, 4, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rowDotSumSquaresAndBpr(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(9);
        Var u = param("u", 9, 37, rng, 0), p = param("p", 9, 37, rng, 0), n = param("n", 9, 37, rng, 0);
        GradientCheck.check(k, tape(k), List.of(u, p, n),
                t -> t.add(t.bprLoss(t.rowDot(u, p), t.rowDot(u, n)), t.scale(t.sumSquares(u), 0.1f)),
                12, 1e-2, 2e-2, 2e-3, 9);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void fusedLinearLeakyReluWithFanOut(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(11);
        Var x = param("x", 6, 5, rng, 0), w = param("w", 5, 4, rng, 0), b = param("b", 1, 4, rng, 0);
        Var w2 = param("w2", 5, 4, rng, 0);
        // x feeds the fused node and a plain matmul; w feeds two fused nodes, one without a bias
        checkOp(k, List.of(x, w, b, w2), t -> t.add(t.add(t.linearLeakyRelu(x, w, b, 0.1f), t.matmul(x, w2)),
                t.linearLeakyRelu(x, w, null, 0.1f)), 6, 4, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void fusedLinearOverTwoInputsWithoutConcatenation(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(12);
        Var a = param("a", 7, 3, rng, 0), c = param("c", 7, 5, rng, 0);
        Var w = param("w", 8, 4, rng, 0), b = param("b", 1, 4, rng, 0);
        checkOp(k, List.of(a, c, w, b), t -> t.linearLeakyRelu(a, c, w, b, 0.2f), 7, 4, rng);
        // the same Var on both sides: [a ‖ a]·w
        Var w6 = param("w6", 6, 4, rng, 0);
        checkOp(k, List.of(a, w6, b), t -> t.linearLeakyRelu(a, a, w6, b, 0.2f), 7, 4, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void fusedLinearWithAddend(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(13);
        Var x = param("x", 6, 5, rng, 0), w = param("w", 5, 4, rng, 0), b = param("b", 1, 4, rng, 0);
        Var e = param("e", 6, 4, rng, 0);
        checkOp(k, List.of(x, w, b, e), t -> t.linearAddLeakyRelu(x, w, b, e, 0.05f), 6, 4, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void fusedNodesComputeWhatTheirCompositionsDo(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(14);
        Var a = param("a", 9, 3, rng, 0), c = param("c", 9, 5, rng, 0), e = param("e", 9, 4, rng, 0);
        Var w = param("w", 8, 4, rng, 0), b = param("b", 1, 4, rng, 0);
        Tape t = tape(k);
        t.begin();
        float[] fused = t.linearLeakyRelu(a, c, w, b, 0.2f).value().toArray();
        float[] plain = t.leakyRelu(t.linear(t.concatCols(a, c), w, b), 0.2f).value().toArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain, fused, 1e-5f);
        Var w3 = param("w3", 3, 4, rng, 0);
        fused = t.linearAddLeakyRelu(a, w3, b, e, 0.2f).value().toArray();
        plain = t.leakyRelu(t.add(t.linear(a, w3, b), e), 0.2f).value().toArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain, fused, 1e-5f);
        // a negative slope cannot use the output's signs: it takes the unfused path and is still right
        checkOp(k, List.of(a, c, w, b), tt -> tt.linearLeakyRelu(a, c, w, b, -0.5f), 9, 4, rng);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rowPenaltyOverSeveralTables(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(15);
        Var id = param("id", 8, 5, rng, 0), pref = param("pref", 4, 3, rng, 0);
        IntTensor users = scope.ints(6, 1);
        users.copyFrom(new int[] {0, 3, 3, 1, 0, 2});
        IntTensor items = scope.ints(6, 1);
        items.copyFrom(new int[] {5, 7, 4, 4, 6, 5});
        Var[] tables = {id, id, pref};
        IntTensor[] rows = {users, items, users};
        GradientCheck.check(k, tape(k), List.of(id, pref), t -> t.add(t.rowPenalty(tables, rows, 0.3f),
                t.sumSquares(t.gather(id, items))), 12, 1e-2, 2e-2, 2e-3, 15);
        // the value by hand: 0.3·(Σ over the gathered rows of their squares)
        Tape t = tape(k);
        t.begin();
        double want = 0;
        for (int r : new int[] {0, 3, 3, 1, 0, 2}) for (int c = 0; c < 5; c++) want += Math.pow(id.value().get(r, c), 2);
        for (int r : new int[] {5, 7, 4, 4, 6, 5}) for (int c = 0; c < 5; c++) want += Math.pow(id.value().get(r, c), 2);
        for (int r : new int[] {0, 3, 3, 1, 0, 2}) for (int c = 0; c < 3; c++) want += Math.pow(pref.value().get(r, c), 2);
        org.junit.jupiter.api.Assertions.assertEquals(0.3 * want, k.readScalar(t.rowPenalty(tables, rows, 0.3f).value()), 1e-4 * want);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void twoLayerGraphConvBlock(String backend) {
        Kernels k = kernels(backend);
        var rng = new SplittableRandom(10);
        for (Combination comb : Combination.values()) {
            ParameterStore store = new ParameterStore(k);
            closeables.add(store);
            CsrMatrix g = k.upload(GraphBuilder.bipartite(scope, 5, 6, pairs(rng, 5, 6, 12), GraphBuilder.Weights.MEAN), scope);
            GraphConvLayer l1 = new GraphConvLayer(store, "l1", 6, 4, Aggregation.MEAN, comb, 0.01f, rng);
            GraphConvLayer l2 = new GraphConvLayer(store, "l2", 4, 4, Aggregation.MEAN, comb, 0.01f, rng);
            Var x0 = param("x0", 11, 6, rng, 0);
            Var id = param("id", 11, 4, rng, 0);
            List<Var> all = new ArrayList<>(store.all());
            all.add(x0);
            all.add(id);
            Var c = offset(11, 4, rng);
            Function<Tape, Var> block = t -> l2.forward(t, l1.forward(t, t.l2NormalizeRows(x0, 1e-12f), g, id), g, id);
            GradientCheck.check(k, tape(k), all, t -> t.sumSquares(t.add(block.apply(t), c)),
                    t -> GradientCheck.offsetSquares(block.apply(t).value(), c.value()), 6, 5e-3, 3e-2, 3e-2, 3e-3, 10);
        }
    }

    static Interactions pairs(SplittableRandom rng, int users, int items, int n) {
        int[] u = new int[n], i = new int[n];
        for (int k = 0; k < n; k++) {
            u[k] = rng.nextInt(users);
            i[k] = rng.nextInt(items);
        }
        return new Interactions(u, i);
    }

    static int[] shuffled(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static {
        // the scalar backend is the reference; make sure the name resolves even without SIMD
        new ScalarKernels();
    }
}
