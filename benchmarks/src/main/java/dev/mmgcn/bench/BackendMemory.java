package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a benchmark's operands hold alike: the backend, a host scope for the fixtures and a scope of the
 * backend's memory for the operands, all three closed after the trial (JMH runs a superclass's
 * {@code @TearDown} on each state that extends it).
 */
public abstract class BackendMemory {
    Kernels kernels;
    HostScope host;
    Scope scope;

    /** Takes {@code k} as the backend and opens the two scopes: the first thing a {@code @Setup} does. */
    void attach(Kernels k) {
        kernels = k;
        host = new HostScope();
        scope = k.newScope();
    }

    @TearDown
    public void tearDown() {
        scope.close();
        host.close();
        kernels.close();
    }
}
