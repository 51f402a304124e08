package dev.mmgcn.layers;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.tape.FlatParameters;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A model's named parameters in the backend's memory, in creation order (the order checkpoints use).
 * Initial values are written on the host and uploaded, so one seed gives one start on every backend.
 *
 * <p>{@link #flat()} moves every parameter into one flat value buffer and one flat gradient buffer
 * (each parameter a view at an aligned offset), so that the optimiser updates the whole model with one
 * kernel call, or a few when some parameters got no gradient; no parameter can be created after that.
 */
public final class ParameterStore implements AutoCloseable, FlatParameters {
    /** Offsets of packed parameters are multiples of this many floats: 256 bytes, what cuBLAS and SIMD loads like. */
    static final int ALIGN = 64;

    private final Kernels kernels;
    private final Scope scope;
    /** Where parameters live until they are packed; freed by {@link #flat()}. */
    private Scope loose;
    private final Map<String, Var> byName = new LinkedHashMap<>();
    private final List<Var> ordered = new ArrayList<>();
    private Flat flat;

    public ParameterStore(Kernels kernels) {
        this.kernels = kernels;
        this.scope = kernels.newScope();
        this.loose = kernels.newScope();
    }

    public Kernels kernels() { return kernels; }

    public Var create(String name, int rows, int cols, Consumer<Tensor> hostInit) {
        if (byName.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        if (flat != null) throw new IllegalStateException("parameter " + name + " created after the parameters were packed");
        Tensor value = loose.floats(rows, cols);
        try (HostScope host = new HostScope()) {
            Tensor init = host.floats(rows, cols);
            hostInit.accept(init);
            kernels.upload(init, value);
        }
        Var v = Var.parameter(name, value, loose.floats(rows, cols));
        byName.put(name, v);
        ordered.add(v);
        return v;
    }

    /** The flat layout, packing the parameters on the first call (a copy on the backend, no host round trip). */
    @Override
    public Flat flat() {
        if (flat != null) return flat;
        int n = ordered.size();
        long[] offsets = new long[n];
        long[] sizes = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            offsets[i] = total;
            sizes[i] = ordered.get(i).value().size();
            total += (sizes[i] + ALIGN - 1) / ALIGN * ALIGN;
        }
        if (total > Integer.MAX_VALUE) throw new IllegalStateException(total + " parameter floats do not fit one buffer");
        Tensor values = scope.floats((int) Math.max(total, 1), 1);
        Tensor grads = scope.floats((int) Math.max(total, 1), 1);
        for (int i = 0; i < n; i++) {
            Var v = ordered.get(i);
            Tensor value = values.view(offsets[i], v.rows(), v.cols());
            kernels.copyBlock(v.value(), 0, 0, value, 0, 0, v.rows(), v.cols(), false);
            v.moveTo(value, grads.view(offsets[i], v.rows(), v.cols()));
        }
        loose.close();
        loose = null;
        flat = new Flat(values, grads, offsets, sizes);
        return flat;
    }

    /** Whether {@link #flat()} has packed the parameters. */
    @Override
    public boolean packed() { return flat != null; }

    @Override
    public List<Var> all() { return Collections.unmodifiableList(ordered); }

    public Var get(String name) {
        Var v = byName.get(name);
        if (v == null) throw new IllegalArgumentException("no parameter named " + name);
        return v;
    }

    public long count() {
        long n = 0;
        for (Var v : ordered) n += v.value().size();
        return n;
    }

    /** A host copy of one parameter, for checkpoints. */
    public float[] read(Var v, HostScope host) {
        Tensor t = host.floats(v.rows(), v.cols());
        kernels.download(v.value(), t);
        return t.toArray();
    }

    public void write(Var v, float[] values) {
        if (values.length != v.value().size()) {
            throw new IllegalArgumentException("parameter " + v.name() + " is " + v.value().shape() + ", got " + values.length + " values");
        }
        try (HostScope host = new HostScope()) {
            Tensor t = host.floats(v.rows(), v.cols());
            t.copyFrom(values);
            kernels.upload(t, v.value());
        }
    }

    @Override
    public void close() {
        if (loose != null) loose.close();
        scope.close();
    }
}
