package dev.mmgcn.layers;

import dev.mmgcn.kernels.Kernels;
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
 */
public final class ParameterStore implements AutoCloseable {
    private final Kernels kernels;
    private final Scope scope;
    private final Map<String, Var> byName = new LinkedHashMap<>();
    private final List<Var> ordered = new ArrayList<>();

    public ParameterStore(Kernels kernels) {
        this.kernels = kernels;
        this.scope = kernels.newScope();
    }

    public Kernels kernels() { return kernels; }

    public Var create(String name, int rows, int cols, Consumer<Tensor> hostInit) {
        if (byName.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        Tensor value = scope.floats(rows, cols);
        try (HostScope host = new HostScope()) {
            Tensor init = host.floats(rows, cols);
            hostInit.accept(init);
            kernels.upload(init, value);
        }
        Var v = Var.parameter(name, value, scope.floats(rows, cols));
        byName.put(name, v);
        ordered.add(v);
        return v;
    }

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
        scope.close();
    }
}
