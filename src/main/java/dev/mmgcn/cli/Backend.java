package dev.mmgcn.cli;

import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;

/** Opens the kernel backend a command asked for, and names it in one line. */
final class Backend {
    private Backend() {
    }

    /** The backend for {@code --device} (cpu: the fastest CPU one), with {@code --threads} applied first (null: all cores). */
    static Kernels open(String device, Integer threads) {
        return open("--device", device, threads);
    }

    static Kernels open(String flag, String device, Integer threads) {
        if (threads != null) System.setProperty("mmgcn.threads", Integer.toString(threads));
        try {
            return Backends.byName(device);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m.startsWith("--device ")) m = m.substring("--device ".length());
            if (m.startsWith(device + ": ")) m = m.substring(device.length() + 2);
            throw Failure.usage(flag + " " + device + ": " + m);
        }
    }

    static int threads() {
        return Integer.getInteger("mmgcn.threads", Runtime.getRuntime().availableProcessors());
    }

    static String describe(Kernels k) {
        String s = k.name();
        if (s.equals("cuda")) s = k.toString(); // "cuda (fused path and graphs on)": which CUDA paths the run took
        if (k.name().equals("vector")) s += " (" + InfoCommand.vectorDescription() + ", " + plural(threads(), "thread") + ")";
        return s;
    }

    /** "1 thread", "2 threads". */
    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
