package dev.mmgcn.profile;

import dev.mmgcn.profile.EpochProfile.Family;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

import java.util.Map;
import java.util.function.Function;

import static dev.mmgcn.profile.EpochProfile.Family.GEMM;
import static dev.mmgcn.profile.EpochProfile.Family.OPTIMISER;
import static dev.mmgcn.profile.EpochProfile.Family.ROWS;
import static dev.mmgcn.profile.EpochProfile.Family.SPARSE;

/**
 * What each kernel call costs ({@link Work}, from its arguments' shapes) and which roofline family it is
 * in: one row per {@link dev.mmgcn.kernels.Kernels} method, its arguments by position as the interface
 * declares them. A call without a row (transfers, reads, masking) is counted and timed with no FLOPs or
 * bytes, in the element-wise family; {@code ProfilerTest} names every kernel that has none, so a new one
 * is given its row or argued free there.
 */
final class Costs {
    record Row(Family family, Function<Object[], Work> work) {
    }

    private static final Row FREE = new Row(ROWS, a -> Work.NONE);

    private static final Map<String, Row> ROWS_BY_METHOD = Map.ofEntries(
            rows("fill", a -> Work.elementwise(t(a, 0).size(), 0, 1)),
            rows("copyBlock", a -> Work.elementwise((long) i(a, 6) * i(a, 7), b(a, 8) ? 1 : 0, b(a, 8) ? 3 : 2)),
            rows("axpby", a -> Work.elementwise(t(a, 3).size(), f(a, 2) == 0f ? 1 : 3, f(a, 2) == 0f ? 2 : 3)),
            Map.entry("gemm", new Row(GEMM, a -> Work.gemm(b(a, 0), b(a, 1), t(a, 3), t(a, 4), f(a, 5), t(a, 6)))),
            rows("addRowVector", a -> Work.elementwise(t(a, 1).size(), 1, 2)),
            rows("sumRows", a -> Work.elementwise(t(a, 0).size(), 1, 1)),
            sparse("spmm", a -> Work.spmm(csr(a, 0), t(a, 1), f(a, 2), t(a, 3))),
            sparse("csrMax", a -> Work.csrMax(csr(a, 0), t(a, 1), t(a, 2))),
            sparse("csrMaxBackward", a -> Work.elementwise(t(a, 1).size(), 1, 4)),
            sparse("gatherRows", a -> Work.indexed(ix(a, 1), t(a, 2).cols(), 0, 2)),
            sparse("scatterAddRows", a -> Work.indexed(ix(a, 1), t(a, 0).cols(), 1, 3)),
            rows("leakyRelu", a -> Work.elementwise(t(a, 0).size(), 1, 2)),
            rows("leakyReluBackward", a -> Work.elementwise(t(a, 0).size(), 2, 4)),
            rows("rowL2Normalize", a -> Work.rows(t(a, 0).size(), 3, 2, t(a, 0).rows())),
            rows("rowL2NormalizeBackward", a -> Work.rows(t(a, 0).size(), 5, 4, t(a, 0).rows())),
            rows("rowDot", a -> Work.rows(t(a, 0).size(), 2, 2, t(a, 0).rows())),
            rows("scaleRowsAdd", a -> Work.rows(t(a, 1).size(), 2, 3, t(a, 1).rows())),
            rows("sumSquares", a -> Work.elementwise(t(a, 0).size(), 2, 1)),
            rows("sumSquaresBackward", a -> Work.elementwise(t(a, 0).size(), 2, 3)),
            rows("bprLoss", a -> Work.elementwise(t(a, 0).size(), 2, 2)),
            rows("bprLossBackward", a -> Work.elementwise(t(a, 0).size(), 4, 6)),
            Map.entry("adamStep", new Row(OPTIMISER, a -> Work.elementwise(t(a, 0).size(), 12, 7))),
            rows("topK", a -> Work.elementwise(t(a, 0).size(), 1, 1)),
            rows("copy(ints)", a -> Work.elementwise(((IntTensor) a[0]).size(), 0, 2)),
            rows("add", a -> Work.elementwise(t(a, 2).size(), 1, 3)),
            rows("biasLeakyRelu", a -> Work.elementwise(t(a, 3).size(), 2, 2)),
            rows("biasLeakyReluBackward", a -> Work.elementwise(t(a, 0).size(), a[4] == null ? 1 : 2, 3)),
            sparse("gatherSumSquares", a -> Work.indexed(ix(a, 1), t(a, 0).cols(), 2, 1)),
            sparse("gatherSumSquaresBackward", a -> Work.indexed(ix(a, 1), t(a, 0).cols(), 2, 3)));

    private Costs() {
    }

    /** The row for {@code c}: its family and work; a free element-wise row when it has none. */
    static Row of(Call c) {
        return ROWS_BY_METHOD.getOrDefault(c.method(), FREE);
    }

    /** Whether {@code c} has a row of its own. */
    static boolean priced(Call c) {
        return ROWS_BY_METHOD.containsKey(c.method());
    }

    /** Every row names a counted call (a renamed kernel must take its row along). */
    static void check() {
        for (String m : ROWS_BY_METHOD.keySet()) Call.named(m);
    }

    private static Map.Entry<String, Row> rows(String method, Function<Object[], Work> work) {
        return Map.entry(method, new Row(ROWS, work));
    }

    private static Map.Entry<String, Row> sparse(String method, Function<Object[], Work> work) {
        return Map.entry(method, new Row(SPARSE, work));
    }

    private static Tensor t(Object[] a, int i) { return (Tensor) a[i]; }
    private static IntTensor ix(Object[] a, int i) { return (IntTensor) a[i]; }
    private static CsrMatrix csr(Object[] a, int i) { return (CsrMatrix) a[i]; }
    private static float f(Object[] a, int i) { return (Float) a[i]; }
    private static int i(Object[] a, int i) { return (Integer) a[i]; }
    private static boolean b(Object[] a, int i) { return (Boolean) a[i]; }
}
