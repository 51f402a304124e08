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
 *
 * <p>A probe whose step crosses a kink (a LeakyReLU input changing sign, an argmax changing) has a
 * central difference that is no derivative at all; it shows as forward and backward differences that
 * disagree, and such probes are skipped — but at most half of any parameter's probes, so a real error
 * cannot hide behind the rule.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    public static void check(Kernels k, Tape tape, List<Var> params, Function<Tape, Var> loss, int probesPerParam,
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
            int skipped = 0;
            for (int t = 0; t < probes; t++) {
                long i = probes == value.size() ? t : rng.nextLong(value.size());
                float orig = value.getFlat(i);
                double mid = eval(k, tape, loss);
                value.setFlat(i, (float) (orig + h));
                double up = eval(k, tape, loss);
                value.setFlat(i, (float) (orig - h));
                double down = eval(k, tape, loss);
                value.setFlat(i, orig);
                double numeric = (up - down) / (2 * h);
                double forward = (up - mid) / h, backward = (mid - down) / h;
                double a = analytic[(int) i];
                double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
                if (Math.abs(forward - backward) > 2 * tol) {
                    skipped++;
                    continue;
                }
                assertTrue(Math.abs(a - numeric) <= tol,
                        () -> p.name() + "[" + i + "]: analytic " + a + " vs numeric " + numeric);
            }
            int skips = skipped;
            assertTrue(skips * 2 <= probes, () -> p.name() + ": " + skips + " of " + probes + " probes straddled a kink");
        }
    }

    private static double eval(Kernels k, Tape tape, Function<Tape, Var> loss) {
        tape.begin();
        return k.readScalar(loss.apply(tape).value());
    }
}
