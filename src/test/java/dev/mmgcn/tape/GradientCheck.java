package dev.mmgcn.tape;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Tensor;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences against the tape's gradients, in float32 on host backends.
 * Tolerance: |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|), with rtol = 2e-2 and
 * atol = 2e-3 by default — float32 differences at h = 1e-2 carry about that much rounding noise.
 */
final class GradientCheck {
    private GradientCheck() {
    }

    static void check(Kernels k, Tape tape, List<Var> params, Function<Tape, Var> loss, int probesPerParam,
                      double h, double rtol, double atol, long seed) {
        tape.begin();
        Var l = loss.apply(tape);
        tape.backward(l);
        // read every analytic gradient first: each numeric evaluation below starts a new tape step
        float[][] grads = new float[params.size()][];
        for (int j = 0; j < params.size(); j++) {
            Var p = params.get(j);
            assertTrue(tape.hasGrad(p), "no gradient reached " + p);
            grads[j] = p.grad().toArray();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int j = 0; j < params.size(); j++) {
            Var p = params.get(j);
            float[] analytic = grads[j];
            Tensor value = p.value();
            int probes = (int) Math.min(probesPerParam, value.size());
            for (int t = 0; t < probes; t++) {
                long i = probes == value.size() ? t : rng.nextLong(value.size());
                float orig = value.getFlat(i);
                value.setFlat(i, (float) (orig + h));
                double up = eval(k, tape, loss);
                value.setFlat(i, (float) (orig - h));
                double down = eval(k, tape, loss);
                value.setFlat(i, orig);
                double numeric = (up - down) / (2 * h);
                double a = analytic[(int) i];
                double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
                assertTrue(Math.abs(a - numeric) <= tol,
                        () -> p.name() + "[" + i + "]: analytic " + a + " vs numeric " + numeric);
            }
        }
    }

    private static double eval(Kernels k, Tape tape, Function<Tape, Var> loss) {
        tape.begin();
        return k.readScalar(loss.apply(tape).value());
    }
}
