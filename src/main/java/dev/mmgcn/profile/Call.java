package dev.mmgcn.profile;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A kind of backend call that {@link CountingKernels} counts: one per method name of {@link Kernels}
 * (overloads count together), read from the interface, so a new kernel is counted without an edit here.
 * The CSR upload is a kind of its own ({@code upload(csr)}), and {@code copy} is named {@code copy(ints)}.
 * What a call costs and which roofline family it belongs to come from {@link Costs}.
 */
public final class Call {
    /** Kernels methods that are no kernel: accessors, lifetime, and {@code replayable}, which only groups calls. */
    static final Set<String> UNCOUNTED = Set.of("name", "device", "newScope", "clock", "ceilings", "close", "replayable");
    private static final Call[] ALL;
    private static final Map<String, Call> BY_NAME = new TreeMap<>();

    static {
        for (Method m : Kernels.class.getMethods()) {
            String name = nameOf(m);
            if (name != null) BY_NAME.putIfAbsent(name, null);
        }
        ALL = new Call[BY_NAME.size()];
        int i = 0;
        for (String name : BY_NAME.keySet()) ALL[i] = new Call(i++, name);
        for (Call c : ALL) BY_NAME.put(c.method, c);
    }

    final int index;
    private final String method;

    private Call(int index, String method) {
        this.index = index;
        this.method = method;
    }

    /** Every kind, in the order of their names. */
    public static Call[] values() {
        return ALL.clone();
    }

    /** The kind named {@code method} (as {@link #method()} writes it). */
    public static Call named(String method) {
        Call c = BY_NAME.get(method);
        if (c == null) throw new IllegalArgumentException("no backend call named " + method + "; known: " + BY_NAME.keySet());
        return c;
    }

    /** The kind a call of {@code m} (a method of Kernels) counts as; null for the uncounted ones and Object's. */
    static Call of(Method m) {
        String name = nameOf(m);
        return name == null ? null : BY_NAME.get(name);
    }

    private static String nameOf(Method m) {
        if (m.getDeclaringClass() != Kernels.class || Modifier.isStatic(m.getModifiers()) || UNCOUNTED.contains(m.getName())) return null;
        if (m.getName().equals("upload") && m.getReturnType() == CsrMatrix.class) return "upload(csr)";
        return m.getName().equals("copy") ? "copy(ints)" : m.getName();
    }

    /** The Java method's name, e.g. {@code biasLeakyRelu}. */
    public String method() {
        return method;
    }

    /** Calls that make a device backend wait for its queue before the host can go on. */
    public boolean synchronising() {
        return method.equals("download") || method.equals("readScalar");
    }

    /** Host-to-backend copies. */
    public boolean transfer() {
        return method.startsWith("upload");
    }

    @Override
    public String toString() {
        return method;
    }

    static int count() {
        return ALL.length;
    }
}
