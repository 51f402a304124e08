package dev.mmgcn.cuda;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScratchSpace;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link FusedOps} as the {@link Kernels} default implementations over a backend's primitives: the path
 * {@link CudaKernels} takes with the fused switch off (what the first GPU run verified). A proxy of both
 * interfaces: a fused method runs the {@code Kernels} default of the same signature on the proxy, and
 * every primitive the default calls goes to the backend. No default here calls another optional
 * method, so this is exactly {@code Kernels.super.m(…)} called from the backend. The proxy is also the
 * defaults' {@link ScratchSpace}: one growing buffer of the backend's memory, so that steady-state steps
 * allocate nothing (and a recorded graph finds the same buffer every run).
 */
final class KernelDefaults {
    private KernelDefaults() {
    }

    static FusedOps over(Kernels backend) {
        Map<Method, Method> ofKernels = new ConcurrentHashMap<>();
        ScratchSpace scratch = ScratchSpace.growing(backend);
        InvocationHandler handler = (proxy, m, args) -> {
            if (m.getDeclaringClass() == ScratchSpace.class) return scratch.scratch((Long) args[0]);
            if (m.getDeclaringClass() == Object.class) {
                return switch (m.getName()) {
                    case "toString" -> "Kernels defaults over " + backend;
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> proxy == args[0];
                };
            }
            Method k = ofKernels.computeIfAbsent(m, KernelDefaults::inKernels);
            if (k.isDefault()) return InvocationHandler.invokeDefault(proxy, k, args);
            try {
                return k.invoke(backend, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (FusedOps) Proxy.newProxyInstance(KernelDefaults.class.getClassLoader(), new Class<?>[]{FusedOps.class, Kernels.class, ScratchSpace.class},
                handler);
    }

    private static Method inKernels(Method m) {
        try {
            return Kernels.class.getMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(m + " has no counterpart in Kernels", e);
        }
    }
}
