package dev.mmgcn.tape;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences against the tape's gradients, in float32 on host backends, judged twice:
 * <ul>
 *   <li>per probe: |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|);</li>
 *   <li>per parameter (group): ‖a − n‖₂ ≤ groupRtol·‖n‖₂ + atol over the group's probes, so an error that
 *       scales a whole group's gradient by 1 + ε fails once ε·‖n‖ exceeds that, even where each single
 *       probe is small enough to slip under its own bound (and one probe near an undetected kink cannot
 *       fail the group on its own). With groupRtol = 2e-2, a 10 % error in any group whose gradient norm
 *       is above about 12·atol fails; {@link Result#assertDetects} checks that this holds for the groups of
 *       a given test.</li>
 * </ul>
 * Float32 differences at h = 1e-2 carry about 1e-3 relative rounding noise; differences of a loss computed
 * in double from the float forward output, far less.
 *
 * <p>A probe whose step crosses a kink (a LeakyReLU input changing sign, an argmax changing) has a
 * central difference that is no derivative at all; it shows as central differences at h, h/2 and h/4
 * that disagree by more than half the tolerance (on a smooth stretch they agree to O(h²)), and such probes
 * are skipped; the derivative compared is the one at h/4 — but at most half of any parameter's probes, so a real error cannot hide behind the rule.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** One parameter's accepted probes: analytic and numeric derivatives side by side. */
    public record Group(String name, double[] analytic, double[] numeric) {
        double normNumeric() {
            double s = 0;
            for (double v : numeric) s += v * v;
            return Math.sqrt(s);
        }

        /** ‖f·a − n‖₂: the group's error if every analytic value were scaled by f. */
        double error(double f) {
            double s = 0;
            for (int i = 0; i < numeric.length; i++) s += (f * analytic[i] - numeric[i]) * (f * analytic[i] - numeric[i]);
            return Math.sqrt(s);
        }
    }

    /** Every group's probes and the group tolerance they were judged by. */
    public record Result(List<Group> groups, double rtol, double atol) {
        /** Fails unless scaling any single group's analytic gradient by {@code factor} would have failed the group check. */
        public void assertDetects(double factor) {
            for (Group g : groups) {
                double bound = rtol * g.normNumeric() + atol;
                assertTrue(g.error(factor) > bound, () -> g.name() + ": a gradient off by a factor " + factor + " would pass (error "
                        + g.error(factor) + " within " + bound + "; gradient norm " + g.normNumeric() + ")");
            }
        }
    }

    public static Result check(Kernels k, Tape tape, List<Var> params, Function<Tape, Var> loss, int probesPerParam,
                               double h, double rtol, double atol, long seed) {
        return check(k, tape, params, loss, t -> k.readScalar(loss.apply(t).value()), probesPerParam, h, rtol, rtol, atol, seed);
    }

    /**
     * As above, with the finite differences taken of {@code value} (each call starts a new tape step): the
     * same function as {@code loss}, computed another way — e.g. in double from the forward pass's output —
     * so that their noise and the loss's own backward are both out of the numeric side.
     */
    public static Result check(Kernels k, Tape tape, List<Var> params, Function<Tape, Var> loss, ToDoubleFunction<Tape> value,
                               int probesPerParam, double h, double rtol, double groupRtol, double atol, long seed) {
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
        List<Group> groups = new ArrayList<>();
        for (int j = 0; j < params.size(); j++) {
            Var p = params.get(j);
            float[] analytic = grads[j];
            Tensor v = p.value();
            int probes = (int) Math.min(probesPerParam, v.size());
            int skipped = 0;
            double[] as = new double[probes], ns = new double[probes];
            int kept = 0;
            for (int t = 0; t < probes; t++) {
                long i = probes == v.size() ? t : rng.nextLong(v.size());
                double wide = central(tape, value, v, i, h);
                double half = central(tape, value, v, i, h / 2);
                double numeric = central(tape, value, v, i, h / 4);
                double a = analytic[(int) i];
                double tol = atol + rtol * Math.max(Math.abs(a), Math.abs(numeric));
                // a smooth function's central differences at h, h/2 and h/4 agree to O(h²); across a kink they
                // do not, unless it lies within a small fraction of h/4 of the probe
                if (Boolean.getBoolean("gc.debug")) System.err.printf("GC %s[%d] a=%.6f wide=%.6f half=%.6f q=%.6f tol=%.6f%n", p.name(), i, a, wide, half, numeric, tol);
                if (Math.abs(wide - half) > tol / 2 || Math.abs(half - numeric) > tol / 2) {
                    skipped++;
                    continue;
                }
                assertTrue(Math.abs(a - numeric) <= tol,
                        () -> p.name() + "[" + i + "]: analytic " + a + " vs numeric " + numeric);
                as[kept] = a;
                ns[kept] = numeric;
                kept++;
            }
            int skips = skipped;
            assertTrue(skips * 2 <= probes, () -> p.name() + ": " + skips + " of " + probes + " probes straddled a kink");
            Group g = new Group(p.name(), Arrays.copyOf(as, kept), Arrays.copyOf(ns, kept));
            double bound = groupRtol * g.normNumeric() + atol;
            assertTrue(g.error(1) <= bound, () -> p.name() + ": gradient off by " + g.error(1) + " in norm over " + g.numeric().length
                    + " probes (allowed " + bound + "; norm " + g.normNumeric() + ")");
            groups.add(g);
        }
        return new Result(groups, groupRtol, atol);
    }

    /**
     * (f(x + h) − f(x − h)) / (x₊ − x₋), where x₊ and x₋ are the floats the parameter really holds: x ± h
     * rounded to float differs from x ± h by up to half an ulp of x, a relative error of ulp(x)/h in the
     * step (about 1e-4 at x ≈ 1, h = 1e-3) that dividing by 2h would add to every numeric derivative.
     */
    private static double central(Tape tape, ToDoubleFunction<Tape> value, Tensor v, long i, double h) {
        float orig = v.getFlat(i);
        float plus = (float) (orig + h);
        float minus = (float) (orig - h);
        v.setFlat(i, plus);
        double up = eval(tape, value);
        v.setFlat(i, minus);
        double down = eval(tape, value);
        v.setFlat(i, orig);
        return (up - down) / ((double) plus - minus);
    }

    /**
     * Σ (out + offset)² in double from a forward output and a constant offset of the same shape: the value
     * whose finite differences a check should take when its loss is {@code sumSquares(add(out, offset))}.
     * That loss read back as a float is summed in float32, and its rounding (an ulp of a loss of about 30
     * is 2e-6) divided by a step of 2·1.25e-3 is a noise of 8e-4 in every numeric derivative — a third of
     * the tolerance, enough to make smooth probes look like kinks on one vector width and not another.
     */
    public static double offsetSquares(Tensor out, Tensor offset) {
        float[] o = out.toArray();
        float[] c = offset.toArray();
        if (o.length != c.length) throw new IllegalArgumentException(out.shape() + " vs " + offset.shape());
        double s = 0;
        for (int i = 0; i < o.length; i++) {
            double d = (double) o[i] + c[i];
            s += d * d;
        }
        return s;
    }

    private static double eval(Tape tape, ToDoubleFunction<Tape> value) {
        tape.begin();
        return value.applyAsDouble(tape);
    }
}
