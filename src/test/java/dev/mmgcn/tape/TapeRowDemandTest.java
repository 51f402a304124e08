package dev.mmgcn.tape;

import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MMGCN's first layer reads X0 = rows-normalised [P ; F], P the users' trainable preferences and F the
 * items' constant features. Only P's rows of X0's gradient reach a parameter, so the backward GEMMs into
 * X0 ({@link Var#gradRows}) compute those rows alone. Checked three ways: the gradient of every
 * parameter against finite differences, P's gradient against the same chain with F trainable (every
 * row computed), to the bit, and the shapes of the GEMMs the backward pass asks for.
 */
class TapeRowDemandTest {
    private static final int USERS = 5, ITEMS = 7, IN = 6, OUT = 4;

    /** gemm calls seen: {transA, transB, rows of C}. */
    private final List<int[]> gemms = new ArrayList<>();

    private Kernels counting(Kernels real) {
        InvocationHandler h = (p, m, args) -> {
            if (m.getName().equals("gemm")) {
                gemms.add(new int[] {(Boolean) args[0] ? 1 : 0, (Boolean) args[1] ? 1 : 0, ((Tensor) args[6]).rows()});
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, h);
    }

    private static Tensor gaussian(Scope s, int rows, int cols, SplittableRandom rng) {
        Tensor t = s.floats(rows, cols);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) rng.nextGaussian());
        return t;
    }

    /** Parameters and the loss of one first layer: a plain linear, a fused LeakyReLU linear, and the two-input form. */
    private record Chain(Var p, Var f, Var w1, Var w2, Var w3, Var b3, Var offset) {
        Var block(Tape t) {
            Var x = t.l2NormalizeRows(t.concatRows(p, f), 1e-12f);
            Var messages = t.matmul(x, w1);
            Var self = t.linearLeakyRelu(x, w2, null, 0.01f);
            return t.linearLeakyRelu(messages, self, w3, b3, 0.01f);
        }

        Var loss(Tape t) {
            return t.sumSquares(t.add(block(t), offset));
        }

        List<Var> trainable() {
            List<Var> all = new ArrayList<>(List.of(p, w1, w2, w3, b3));
            if (f.requiresGrad) all.add(f);
            return all;
        }
    }

    private static Chain chain(Scope s, boolean featuresTrainable) {
        SplittableRandom rng = new SplittableRandom(25);
        Var p = Var.parameter("p", gaussian(s, USERS, IN, rng), s.floats(USERS, IN));
        Tensor fv = gaussian(s, ITEMS, IN, rng);
        Var f = featuresTrainable ? Var.parameter("f", fv, s.floats(ITEMS, IN)) : Var.constant("f", fv);
        Var w1 = Var.parameter("w1", gaussian(s, IN, OUT, rng), s.floats(IN, OUT));
        Var w2 = Var.parameter("w2", gaussian(s, IN, OUT, rng), s.floats(IN, OUT));
        Var w3 = Var.parameter("w3", gaussian(s, 2 * OUT, OUT, rng), s.floats(2 * OUT, OUT));
        Var b3 = Var.parameter("b3", gaussian(s, 1, OUT, rng), s.floats(1, OUT));
        Var offset = Var.constant("c", gaussian(s, USERS + ITEMS, OUT, rng));
        return new Chain(p, f, w1, w2, w3, b3, offset);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Kernels k = Backends.byName("scalar");
        try (Scope s = k.newScope(); Tape tape = new Tape(k)) {
            Chain c = chain(s, false);
            Function<Tape, Var> block = c::block;
            GradientCheck.check(k, tape, c.trainable(), c::loss,
                    t -> GradientCheck.offsetSquares(block.apply(t).value(), c.offset().value()), 6, 5e-3, 3e-2, 3e-2, 3e-3, 10);
        }
    }

    @Test
    void preferenceGradientIsTheFullComputationsToTheBit() {
        for (String backend : Backends.vector().isPresent() ? List.of("scalar", "vector") : List.of("scalar")) {
            Kernels k = Backends.byName(backend);
            try (Scope s = k.newScope(); Tape tape = new Tape(k)) {
                float[][] grads = new float[2][];
                for (int trainable = 0; trainable < 2; trainable++) {
                    Chain c = chain(s, trainable == 1);
                    tape.begin();
                    tape.backward(c.loss(tape));
                    assertTrue(tape.hasGrad(c.p()));
                    grads[trainable] = c.p().grad().toArray();
                }
                assertArrayEquals(grads[1], grads[0], backend + ": P's gradient with F constant (its rows skipped) against F trainable");
            }
        }
    }

    @Test
    void backwardGemmsIntoX0RunOnTheUsersRowsOnly() {
        for (boolean featuresTrainable : new boolean[] {false, true}) {
            gemms.clear();
            Kernels k = counting(Backends.byName("scalar"));
            try (Scope s = k.newScope(); Tape tape = new Tape(k)) {
                Chain c = chain(s, featuresTrainable);
                tape.begin();
                Var loss = c.loss(tape);
                gemms.clear();
                tape.backward(loss);
            }
            // gradients of the inputs are op(A)·Wᵀ (transB); the ones into X0 have IN columns
            List<Integer> intoX0 = new ArrayList<>();
            for (int[] g : gemms) if (g[0] == 0 && g[1] == 1) intoX0.add(g[2]);
            // the combine's two inputs (messages, self) need every row; then conv and self into X0
            assertEquals(4, intoX0.size(), "input-gradient GEMMs: " + intoX0);
            int rowsIntoX0 = featuresTrainable ? USERS + ITEMS : USERS;
            assertEquals(List.of(USERS + ITEMS, USERS + ITEMS, rowsIntoX0, rowsIntoX0), intoX0,
                    featuresTrainable ? "F trainable: every row" : "F constant: P's rows only");
        }
    }
}
