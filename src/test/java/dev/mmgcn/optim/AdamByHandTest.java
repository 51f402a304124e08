package dev.mmgcn.optim;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.TestBackends;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Adam} against its published update rule, worked by hand — independent of every backend's
 * {@code adamStep}. Kingma &amp; Ba (2015), Algorithm 1, with PyTorch's eps placement, and Loshchilov &amp;
 * Hutter's decoupled weight decay (AdamW), for step t = 1, 2, …:
 * <pre>
 *   θ ← θ − lr·λ·θ                        decoupled weight decay, before the update (λ = weightDecay)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * </pre>
 * The gradient g is fed through the tape as d/dθ of ⟨θ, c⟩ = c, a constant chosen per step. The parameter
 * is 1×4 and the run goes over every CPU backend, and CUDA where present. Tolerance 1e-6 absolute: the
 * engine works in float, and every value here is O(1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdamByHandTest {
    private static final double TOL = 1e-6;
    private final List<Kernels> backends = allBackends();

    private static List<Kernels> allBackends() {
        List<Kernels> all = new java.util.ArrayList<>(TestBackends.cpu());
        TestBackends.cuda().ifPresent(all::add);
        return all;
    }

    @AfterAll
    void close() {
        backends.forEach(Kernels::close);
    }

    Stream<Named<Kernels>> backends() {
        return backends.stream().map(k -> Named.of(TestBackends.label(k), k));
    }

    /** Runs Adam for {@code grads.length} steps from θ0 and returns θ after each step. */
    private static float[][] run(Kernels k, float[] theta0, float[][] grads, float lr, float beta1, float beta2, float eps, float wd) {
        float[][] out = new float[grads.length][];
        try (ParameterStore store = new ParameterStore(k); Tape tape = new Tape(k); HostScope host = new HostScope();
             Scope dev = k.newScope(); Adam adam = new Adam(k, lr, beta1, beta2, eps, wd)) {
            Var theta = store.create("theta", 1, theta0.length, t -> t.copyFrom(theta0));
            for (int s = 0; s < grads.length; s++) {
                Tensor ch = host.floats(1, theta0.length);
                ch.copyFrom(grads[s]);
                Tensor cd = dev.floats(1, theta0.length);
                k.upload(ch, cd);
                tape.begin();
                tape.backward(tape.rowDot(theta, Var.constant("c", cd))); // d⟨θ, c⟩/dθ = c
                adam.step(tape, List.of(theta));
                out[s] = store.read(theta, host);
            }
        }
        return out;
    }

    private static void assertClose(double[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], TOL, what + " element " + i);
    }

    /**
     * Step 1 with bias correction: m̂ = g and v̂ = g², so θ moves by lr·g/(|g| + ε) — lr·sign(g) for
     * |g| ≫ ε, nothing where g = 0. Without the correction the first step would be √(1 − β2)/(1 − β1) ≈ 0.32
     * times that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void firstStepMovesEachCoordinateByTheLearningRate(Kernels k) {
        float[][] got = run(k, new float[] {1f, -2f, 0.5f, 3f}, new float[][] {{2f, -4f, 0f, 1e-3f}}, 0.1f, 0.9f, 0.999f, 1e-8f, 0f);
        // 1 − 0.1·2/2, −2 − 0.1·(−4)/4, 0.5 − 0, 3 − 0.1·1e-3/(1e-3 + 1e-8)
        assertClose(new double[] {0.9, -1.9, 0.5, 3 - 0.1 * 1e-3 / (1e-3 + 1e-8)}, got[0], "θ after step 1");
    }

    /** ε is added to √v̂ (outside the root, after bias correction): with ε = 0.5 and g = 2, step 1 is 0.1·2/(2 + 0.5). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void epsilonIsAddedToTheBiasCorrectedRoot(Kernels k) {
        float[][] got = run(k, new float[] {1f, 1f, 1f, 1f}, new float[][] {{2f, 0.5f, -1f, 0f}}, 0.1f, 0.9f, 0.999f, 0.5f, 0f);
        assertClose(new double[] {1 - 0.1 * 2 / 2.5, 1 - 0.1 * 0.5 / 1.0, 1 + 0.1 * 1 / 1.5, 1}, got[0], "θ after step 1, ε = 0.5");
    }

    /**
     * AdamW's decay is decoupled: θ shrinks by lr·λ·θ and the gradient is untouched. With λ = 0.5, lr = 0.1,
     * θ = 1 and g = 2 the first step gives 1·(1 − 0.05) − 0.1 = 0.85 (an L2 penalty folded into g would give
     * g = 2.5 and, after normalisation, 1 − 0.1 = 0.9). A zero gradient still decays: 3·0.95.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void adamWDecaysTheParameterNotTheGradient(Kernels k) {
        float[][] got = run(k, new float[] {1f, -2f, 3f, 0.5f}, new float[][] {{2f, -1f, 0f, 0.5f}}, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
        assertClose(new double[] {0.95 - 0.1, -2 * 0.95 + 0.1, 3 * 0.95, 0.5 * 0.95 - 0.1 * 0.5 / (0.5 + 1e-8)}, got[0], "θ after step 1, λ = 0.5");
    }

    /** Four steps with changing gradients (signs flip, one coordinate's gradient vanishes), against the rule worked in double. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void severalStepsFollowTheRule(Kernels k) {
        float[] theta0 = {0.3f, -1.2f, 2f, 0f};
        float[][] g = {{1f, -0.5f, 0.25f, 3f}, {-2f, -0.5f, 0f, 1f}, {0.5f, 1f, 0f, -4f}, {0.1f, -0.2f, 0.3f, 0f}};
        float lr = 0.05f, b1 = 0.8f, b2 = 0.95f, eps = 1e-3f, wd = 0.1f;
        float[][] got = run(k, theta0, g, lr, b1, b2, eps, wd);
        double[] theta = new double[4], m = new double[4], v = new double[4];
        for (int i = 0; i < 4; i++) theta[i] = theta0[i];
        for (int t = 1; t <= g.length; t++) {
            for (int i = 0; i < 4; i++) {
                double gi = g[t - 1][i];
                theta[i] -= (double) lr * wd * theta[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                theta[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            assertClose(theta, got[t - 1], "θ after step " + t);
        }
    }
}
