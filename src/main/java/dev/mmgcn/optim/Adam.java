package dev.mmgcn.optim;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with optional decoupled weight decay (AdamW). Moment buffers live in the backend's memory
 * and are created on the first step of each parameter. A parameter that got no gradient this step is
 * left alone, as PyTorch does for a parameter whose {@code grad} is None.
 */
public final class Adam implements AutoCloseable {
    private final Kernels kernels;
    private final Scope scope;
    private final Map<Var, Tensor[]> moments = new IdentityHashMap<>();
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private int step;

    public Adam(Kernels kernels, float learningRate, float weightDecay) {
        this(kernels, learningRate, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    public Adam(Kernels kernels, float learningRate, float beta1, float beta2, float eps, float weightDecay) {
        this.kernels = kernels;
        this.scope = kernels.newScope();
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public void step(Tape tape, List<Var> parameters) {
        step++;
        for (Var p : parameters) {
            if (!tape.hasGrad(p)) continue;
            Tensor[] mv = moments.computeIfAbsent(p, v -> new Tensor[] {
                    scope.floats(v.rows(), v.cols()), scope.floats(v.rows(), v.cols())});
            kernels.adamStep(p.value(), p.grad(), mv[0], mv[1], learningRate, beta1, beta2, eps, weightDecay, step);
        }
    }

    /** Steps taken so far (the bias correction's t). */
    public int steps() { return step; }

    /**
     * Each parameter's first and second moments as host copies ({@code {m, v}}), by parameter name; a
     * parameter that has had no step yet is absent. With {@link #steps()} this is the whole optimiser state.
     */
    public Map<String, float[][]> moments(List<Var> parameters) {
        Map<String, float[][]> out = new java.util.LinkedHashMap<>();
        try (dev.mmgcn.storage.HostScope host = new dev.mmgcn.storage.HostScope()) {
            for (Var p : parameters) {
                Tensor[] mv = moments.get(p);
                if (mv == null) continue;
                float[][] pair = new float[2][];
                for (int i = 0; i < 2; i++) {
                    Tensor t = host.floats(p.rows(), p.cols());
                    kernels.download(mv[i], t);
                    pair[i] = t.toArray();
                }
                out.put(p.name(), pair);
            }
        }
        return out;
    }

    /** Sets the state {@link #moments} and {@link #steps()} gave: the next step continues as the saved optimiser would have. */
    public void restore(int steps, List<Var> parameters, Map<String, float[][]> saved) {
        if (steps < 0) throw new IllegalArgumentException("negative step count " + steps);
        this.step = steps;
        try (dev.mmgcn.storage.HostScope host = new dev.mmgcn.storage.HostScope()) {
            for (Var p : parameters) {
                float[][] pair = saved.get(p.name());
                if (pair == null) continue;
                Tensor[] mv = moments.computeIfAbsent(p, v -> new Tensor[] {
                        scope.floats(v.rows(), v.cols()), scope.floats(v.rows(), v.cols())});
                for (int i = 0; i < 2; i++) {
                    if (pair[i].length != (long) p.rows() * p.cols()) {
                        throw new IllegalArgumentException("Adam moments of " + p.name() + ": " + pair[i].length + " values for " + p.rows() + "x" + p.cols());
                    }
                    Tensor t = host.floats(p.rows(), p.cols());
                    t.copyFrom(pair[i]);
                    kernels.upload(t, mv[i]);
                }
            }
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
