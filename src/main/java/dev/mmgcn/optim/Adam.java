package dev.mmgcn.optim;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.FlatParameters;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with optional decoupled weight decay (AdamW). Moment buffers live in the backend's memory.
 * A parameter that got no gradient this step is left alone, as PyTorch does for a parameter whose
 * {@code grad} is None.
 *
 * <p>{@link #step(Tape, FlatParameters)} is the multi-tensor form: the store's parameters sit in one
 * flat buffer ({@link FlatParameters#flat()}), the moments in two more of the same layout, and each run
 * of consecutive parameters that have a gradient is one kernel call — one for the whole model when all
 * do, which is every step of MMGCN. The step number lives in a 1×1 tensor in the backend's memory and is
 * advanced there, so the calls of one step are the same as the calls of the next (what a replayed
 * CUDA graph needs). {@link #step(Tape, List)} updates parameters one call each, for loose parameters.
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
    /** The flat form's state: moments of the packed layout, the step count on the backend and a constant 1. */
    private FlatParameters.Flat flat;
    /** The flat layout's parameters, in order (parameter i's moments are elements offsets[i].. of flatM and flatV). */
    private List<Var> flatOrder;
    private Tensor flatM, flatV, stepCount, one;

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

    /**
     * Packs {@code params} if need be and sets up the flat moments and the step count, so that no step
     * allocates or initialises anything (a step recorded for replay must be all update). {@link #step(Tape,
     * FlatParameters)} does it on its first call otherwise.
     */
    public void prepare(FlatParameters params) {
        FlatParameters.Flat f = params.flat();
        if (flat == f) return;
        if (flat != null) throw new IllegalStateException("this Adam updates another parameter store");
        if (!moments.isEmpty() || step > 0) throw new IllegalStateException("this Adam already updates loose parameters");
        flat = f;
        flatOrder = params.all();
        flatM = scope.floats(f.values().rows(), 1);
        flatV = scope.floats(f.values().rows(), 1);
        stepCount = scope.floats(1, 1);
        one = scope.floats(1, 1);
        kernels.fill(one, 1f);
    }

    /** One update of every parameter of {@code params} that has a gradient this step, over the flat layout. */
    public void step(Tape tape, FlatParameters params) {
        if (!params.packed()) {
            // packing moves the gradient buffers: this step's gradients, already computed, would be lost
            throw new IllegalStateException("pack the parameters (FlatParameters.flat()) before the first backward pass");
        }
        prepare(params);
        FlatParameters.Flat f = flat;
        step++;
        kernels.axpby(1f, one, 1f, stepCount);
        List<Var> all = params.all();
        for (int i = 0; i < all.size(); ) {
            if (!tape.hasGrad(all.get(i))) {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < all.size() && tape.hasGrad(all.get(end))) end++;
            long from = f.offsets()[i];
            int length = Math.toIntExact(f.span(i, end));
            kernels.adamStep(f.values().view(from, length, 1), f.grads().view(from, length, 1), flatM.view(from, length, 1),
                    flatV.view(from, length, 1), learningRate, beta1, beta2, eps, weightDecay, stepCount);
            i = end;
        }
    }

    /** One update of each parameter in {@code parameters} that has a gradient this step, one call each. */
    public void step(Tape tape, List<Var> parameters) {
        if (flat != null) throw new IllegalStateException("this Adam updates a flat parameter store");
        step++;
        for (Var p : parameters) {
            if (!tape.hasGrad(p)) continue;
            Tensor[] mv = moments.computeIfAbsent(p, v -> new Tensor[] {
                    scope.floats(v.rows(), v.cols()), scope.floats(v.rows(), v.cols())});
            kernels.adamStep(p.value(), p.grad(), mv[0], mv[1], learningRate, beta1, beta2, eps, weightDecay, step);
        }
    }

    /**
     * Steps taken so far (the bias correction's t). For the flat form it is the count on the backend:
     * a step recorded for replay (a CUDA graph, {@code Kernels.replayable}) advances that count every time
     * it is replayed, while the Java code of {@link #step(Tape, FlatParameters)}, and so a host counter,
     * runs only on the recorded runs. Reading it waits for the backend's queued work (one read, made when
     * a checkpoint is written). A float counts exactly to 2^24 steps; beyond that this refuses.
     */
    public int steps() {
        if (stepCount == null) return step;
        float onBackend = kernels.readScalar(stepCount);
        if (!(onBackend >= 0f && onBackend < EXACT_STEPS)) {
            throw new IllegalStateException("Adam's step count on the backend is " + onBackend
                    + ": beyond " + (int) EXACT_STEPS + " steps a float count is no longer exact");
        }
        step = (int) onBackend;
        return step;
    }

    /** Steps up to which the float step count on the backend is exact (2^24). */
    private static final float EXACT_STEPS = 16_777_216f;

    /**
     * Each parameter's first and second moments as host copies ({@code {m, v}}), by parameter name; a
     * loose parameter that has had no step yet is absent. With {@link #steps()} this is the whole optimiser state.
     */
    public Map<String, float[][]> moments(List<Var> parameters) {
        Map<String, float[][]> out = new java.util.LinkedHashMap<>();
        try (dev.mmgcn.storage.HostScope host = new dev.mmgcn.storage.HostScope()) {
            for (Var p : parameters) {
                Tensor[] mv = momentsOf(p);
                if (mv == null) continue;
                float[][] pair = new float[2][];
                for (int i = 0; i < 2; i++) {
                    Tensor t = host.floats(mv[i].rows(), mv[i].cols());
                    kernels.download(mv[i], t);
                    pair[i] = t.toArray();
                }
                out.put(p.name(), pair);
            }
        }
        return out;
    }

    /**
     * Sets the state {@link #moments} and {@link #steps()} gave: the next step continues as the saved
     * optimiser would have. For a flat store, {@link #prepare} it first.
     */
    public void restore(int steps, List<Var> parameters, Map<String, float[][]> saved) {
        if (steps < 0) throw new IllegalArgumentException("negative step count " + steps);
        this.step = steps;
        if (flat != null) kernels.fill(stepCount, steps); // the bias correction's t, kept on the backend
        try (dev.mmgcn.storage.HostScope host = new dev.mmgcn.storage.HostScope()) {
            for (Var p : parameters) {
                float[][] pair = saved.get(p.name());
                if (pair == null) continue;
                Tensor[] mv = flat != null ? momentsOf(p) : moments.computeIfAbsent(p, v -> new Tensor[] {
                        scope.floats(v.rows(), v.cols()), scope.floats(v.rows(), v.cols())});
                for (int i = 0; i < 2; i++) {
                    if (pair[i].length != (long) p.rows() * p.cols()) {
                        throw new IllegalArgumentException("Adam moments of " + p.name() + ": " + pair[i].length + " values for " + p.rows() + "x" + p.cols());
                    }
                    Tensor t = host.floats(mv[i].rows(), mv[i].cols());
                    t.copyFrom(pair[i]);
                    kernels.upload(t, mv[i]);
                }
            }
        }
    }

    /** A parameter's {m, v}: views into the flat moments, or its own buffers; null for a loose one not stepped yet. */
    private Tensor[] momentsOf(Var p) {
        if (flat == null) return moments.get(p);
        int i = -1;
        for (int k = 0; k < flatOrder.size(); k++) if (flatOrder.get(k) == p) i = k;
        if (i < 0) throw new IllegalArgumentException("parameter " + p.name() + " is not in this Adam's flat store");
        long from = flat.offsets()[i];
        int length = Math.toIntExact(flat.sizes()[i]);
        return new Tensor[] {flatM.view(from, length, 1), flatV.view(from, length, 1)};
    }

    @Override
    public void close() {
        scope.close();
    }
}
