package dev.mmgcn.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The backends the suites run on, and the rule that makes a missing one a failure rather than a quiet
 * pass: the system property {@value #EXPECT} names the backends a run expects (comma-separated,
 * {@code vector} and/or {@code cuda}; default {@code vector}, since the build's test JVM always gets
 * {@code jdk.incubator.vector}). A suite that finds an expected backend missing fails; one that is not
 * expected and missing is skipped with a reason. The GPU check sets {@code -Dmmgcn.expect.backends=vector,cuda},
 * so a CUDA backend that fails to load there fails the parity suites instead of skipping them.
 */
public final class TestBackends {
    public static final String EXPECT = "mmgcn.expect.backends";

    private TestBackends() {
    }

    public static Set<String> expected() {
        String v = System.getProperty(EXPECT, "vector").strip();
        Set<String> s = new TreeSet<>();
        for (String part : v.split(",")) if (!part.isBlank()) s.add(part.strip());
        for (String name : s) {
            if (!name.equals("vector") && !name.equals("cuda")) {
                throw new IllegalArgumentException(EXPECT + ": unknown backend '" + name + "' (expected vector and/or cuda)");
            }
        }
        return s;
    }

    /** The Vector API backend with its default threads; throws when it is expected and missing, empty when merely missing. */
    public static Optional<Kernels> vector() {
        return vectorAvailable() ? Backends.vector() : Optional.empty();
    }

    /** Whether this JVM runs the Vector API backend; throws when it is expected and does not. */
    public static boolean vectorAvailable() {
        boolean present = Backends.vectorModulePresent();
        if (!present && expected().contains("vector")) {
            throw new AssertionError("the Vector API backend is expected (" + EXPECT + "=" + expected()
                    + ") but this JVM cannot run it: start it with --add-modules jdk.incubator.vector, or set -D" + EXPECT + "= to run without");
        }
        return present;
    }

    /** The CUDA backend; throws when it is expected and missing (with the probe's reason), empty when merely missing. */
    public static Optional<Kernels> cuda() {
        String[] why = new String[1];
        Optional<Kernels> c = Backends.cuda(why);
        if (c.isEmpty() && expected().contains("cuda")) {
            throw new AssertionError("the CUDA backend is expected (" + EXPECT + "=" + expected() + ") but is unavailable: " + why[0]);
        }
        return c;
    }

    /** Why CUDA is unavailable here, for skip messages (empty when it is available). */
    public static String cudaReason() {
        String[] why = new String[1];
        Optional<Kernels> c = Backends.cuda(why);
        c.ifPresent(Kernels::close);
        return c.isPresent() ? "" : why[0];
    }

    /** A readable name for test reports. */
    public static String label(Kernels k) {
        return k instanceof ScalarKernels ? "ScalarKernels" : k.toString();
    }

    /** Every CPU backend this JVM runs: the scalar reference and, where present, the Vector API backend (default threads and three). */
    public static List<Kernels> cpu() {
        List<Kernels> all = new ArrayList<>(Arrays.asList(new ScalarKernels()));
        if (vectorAvailable()) {
            Backends.vector().ifPresent(all::add);
            all.add(new VectorKernels(3));
        }
        return all;
    }
}
