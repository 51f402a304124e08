package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;

/**
 * Each fused kernel against the primitives the training step used before it, at TikTok's shapes
 * (16,018 nodes, width 64, batch 2,048), on the Vector API backend:
 * <ul>
 *   <li>{@code biasLeakyRelu}: fused in place on a GEMM output vs {@code addRowVector} then {@code leakyRelu};</li>
 *   <li>{@code biasLeakyReluBackward}: the pre-activation gradient and the bias gradient in one pass vs
 *       {@code fill}, {@code leakyReluBackward}, {@code sumRows};</li>
 *   <li>{@code penalty}: the regulariser over five (table, index) pairs, forward and backward, as
 *       {@code gatherSumSquares}(+Backward) vs gather, sumSquares, adds, and the backward's fill,
 *       sumSquaresBackward, scatter;</li>
 *   <li>{@code adam}: one {@code adamStep} over the flat buffer of the default model's parameters
 *       (3.5 M floats) vs one call per parameter (23).</li>
 * </ul>
 */
public class FusedOps extends Timed {
    static final int NODES = 16_018, USERS = 9_308, WIDTH = 64, BATCH = 2_048;
    /** The default TikTok model's parameter sizes (id embedding, then per modality: preference and two layers). */
    static final int[] PARAMETERS = {NODES * 64,
            USERS * 128, 128 * 128, 128 * 64, 64, 192 * 64, 64, 64 * 64, 64 * 64, 64, 128 * 64, 64,
            USERS * 128, 128 * 128, 128 * 64, 64, 192 * 64, 64, 64 * 64, 64 * 64, 64, 128 * 64, 64};

    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Operands extends BackendMemory {
        @Param({"fused", "primitives"})
        public String variant;

        @Param({"vector1", "vectorAll"})
        public String backend;

        Tensor z, y, dy, dz, bias, dBias, one, scalar, step, partial;
        Tensor id, pref, dId, dPref, rows, dRows;
        IntTensor users, pos, neg;
        Tensor[] params, grads, m, v;
        Tensor flatParam, flatGrad, flatM, flatV;

        @Setup
        public void setUp() {
            attach(Backend.cpu(backend));
            z = up(NODES, WIDTH, 1);
            y = up(NODES, WIDTH, 2);
            dy = up(NODES, WIDTH, 3);
            dz = scope.floats(NODES, WIDTH);
            bias = up(1, WIDTH, 4);
            dBias = scope.floats(1, WIDTH);
            scalar = scope.floats(1, 1);
            partial = scope.floats(1, 1);
            one = scope.floats(1, 1);
            kernels.fill(one, 1f);
            step = scope.floats(1, 1);
            kernels.fill(step, 3f);
            id = up(NODES, 64, 5);
            pref = up(USERS, 128, 6);
            dId = scope.floats(NODES, 64);
            dPref = scope.floats(USERS, 128);
            rows = scope.floats(BATCH, 128);
            dRows = scope.floats(BATCH, 128);
            users = indices(BATCH, USERS, 7, 0);
            pos = indices(BATCH, NODES - USERS, 8, USERS);
            neg = indices(BATCH, NODES - USERS, 9, USERS);
            long total = 0;
            for (int p : PARAMETERS) total += p;
            flatParam = up((int) total, 1, 10);
            flatGrad = up((int) total, 1, 11);
            flatM = scope.floats((int) total, 1);
            flatV = scope.floats((int) total, 1);
            params = new Tensor[PARAMETERS.length];
            grads = new Tensor[PARAMETERS.length];
            m = new Tensor[PARAMETERS.length];
            v = new Tensor[PARAMETERS.length];
            long at = 0;
            for (int i = 0; i < PARAMETERS.length; i++) {
                params[i] = flatParam.view(at, PARAMETERS[i], 1);
                grads[i] = flatGrad.view(at, PARAMETERS[i], 1);
                m[i] = flatM.view(at, PARAMETERS[i], 1);
                v[i] = flatV.view(at, PARAMETERS[i], 1);
                at += PARAMETERS[i];
            }
        }

        private Tensor up(int r, int c, long seed) {
            Tensor t = scope.floats(r, c);
            kernels.upload(Fixtures.random(host, r, c, seed), t);
            return t;
        }

        private IntTensor indices(int n, int bound, long seed, int offset) {
            SplittableRandom rng = new SplittableRandom(seed);
            IntTensor h = host.ints(n, 1);
            for (int i = 0; i < n; i++) h.setFlat(i, offset + rng.nextInt(bound));
            IntTensor d = scope.ints(n, 1);
            kernels.upload(h, d);
            return d;
        }

        boolean fused() { return variant.equals("fused"); }
    }

    @Benchmark
    public float biasLeakyRelu(Operands o) {
        Kernels k = o.kernels;
        if (o.fused()) {
            k.biasLeakyRelu(o.z, o.bias, 0.01f, o.y);
        } else {
            k.addRowVector(o.bias, o.z);
            k.leakyRelu(o.z, 0.01f, o.y);
        }
        return k.readScalar(o.y);
    }

    @Benchmark
    public float biasLeakyReluBackward(Operands o) {
        Kernels k = o.kernels;
        if (o.fused()) {
            k.biasLeakyReluBackward(o.y, o.dy, 0.01f, o.dz, o.dBias, 0f);
        } else {
            k.fill(o.dz, 0f);
            k.leakyReluBackward(o.y, o.dy, 0.01f, o.dz);
            k.sumRows(o.dz, 0f, o.dBias);
        }
        return k.readScalar(o.dBias);
    }

    @Benchmark
    public float penalty(Operands o) {
        Kernels k = o.kernels;
        Tensor[] tables = {o.id, o.id, o.id, o.pref, o.pref};
        IntTensor[] index = {o.users, o.pos, o.neg, o.users, o.users};
        k.fill(o.dId, 0f);
        k.fill(o.dPref, 0f);
        Tensor[] grad = {o.dId, o.dId, o.dId, o.dPref, o.dPref};
        if (o.fused()) {
            for (int i = 0; i < 5; i++) k.gatherSumSquares(tables[i], index[i], 1e-4f, i == 0 ? 0f : 1f, o.scalar);
            for (int i = 0; i < 5; i++) k.gatherSumSquaresBackward(tables[i], index[i], 1e-4f, o.one, grad[i]);
        } else {
            for (int i = 0; i < 5; i++) {
                Tensor r = o.rows.reshape(BATCH, tables[i].cols());
                k.gatherRows(tables[i], index[i], r);
                k.sumSquares(r, o.partial);
                k.axpby(1e-4f, o.partial, i == 0 ? 0f : 1f, o.scalar);
            }
            for (int i = 0; i < 5; i++) {
                Tensor r = o.rows.reshape(BATCH, tables[i].cols());
                Tensor d = o.dRows.reshape(BATCH, tables[i].cols());
                k.gatherRows(tables[i], index[i], r);
                k.fill(d, 0f);
                k.sumSquaresBackward(r, o.one, d);
                k.scatterAddRows(d, index[i], grad[i]);
            }
        }
        return k.readScalar(o.scalar);
    }

    @Benchmark
    public float adam(Operands o) {
        Kernels k = o.kernels;
        if (o.fused()) {
            k.adamStep(o.flatParam, o.flatGrad, o.flatM, o.flatV, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, o.step);
        } else {
            for (int i = 0; i < o.params.length; i++) {
                k.adamStep(o.params[i], o.grads[i], o.m[i], o.v[i], 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 3);
            }
        }
        return k.readScalar(o.flatParam);
    }
}
