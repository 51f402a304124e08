package dev.mmgcn.bench;

import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs JMH with the benchmarks this machine cannot run left out, each with a printed reason: the
 * {@code cuda*} methods where {@link Backends#cuda} finds no usable GPU, the {@code openblas} methods
 * where {@code libopenblas.so.0} does not load. Every other argument goes to JMH unchanged; JMH adds
 * up repeated {@code -e} options, so a caller's own exclusions still apply.
 *
 * <p>{@code --vector-bits 512|256|128} (first argument) runs every fork with that SIMD width: 256 is
 * AVX2's code path on an AVX-512 CPU ({@code -XX:UseAVX=2 -XX:MaxVectorSize=32}), 128 is
 * {@code -XX:MaxVectorSize=16} anywhere; {@code native} (the default) leaves the JVM's choice. The flags
 * go in front of each fork's own through JMH's {@code -jvmArgsPrepend}.
 */
public final class Launcher {
    static final String CUDA_BENCHMARKS = "^dev\\.mmgcn\\.bench\\.\\w+\\.cuda\\w*$";
    static final String OPENBLAS_BENCHMARKS = "^dev\\.mmgcn\\.bench\\.\\w+\\.openblas$";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jmhArgs = new ArrayList<>(List.of(args));
        String bits = "native";
        if (jmhArgs.size() >= 2 && jmhArgs.get(0).equals("--vector-bits")) {
            bits = jmhArgs.get(1);
            jmhArgs.subList(0, 2).clear();
        }
        String flags = vectorFlags(bits);
        System.out.println("# vector width: " + bits + (flags.isEmpty() ? " (the JVM's default for this CPU)" : " (" + flags + ")"));
        if (!flags.isEmpty()) {
            jmhArgs.add("-jvmArgsPrepend");
            jmhArgs.add(flags);
        }

        String[] why = new String[1];
        Optional<Kernels> gpu = Backends.cuda(why);
        if (gpu.isPresent()) {
            gpu.get().close();
            System.out.println("# cuda benchmarks: GPU available");
        } else {
            System.out.println("# cuda benchmarks left out: " + why[0]);
            exclude(jmhArgs, CUDA_BENCHMARKS);
        }

        String blas = OpenBlas.unavailableReason();
        if (blas.isEmpty()) {
            System.out.println("# openblas benchmarks: " + OpenBlas.LIBRARY + " found");
        } else {
            System.out.println("# openblas benchmarks left out: " + blas);
            exclude(jmhArgs, OPENBLAS_BENCHMARKS);
        }
        System.out.flush();

        org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
    }

    /** The HotSpot flags for a SIMD width: "" for the CPU's own. */
    static String vectorFlags(String bits) {
        return switch (bits) {
            case "native", "512" -> "";
            case "256" -> "-XX:UseAVX=2 -XX:MaxVectorSize=32";
            case "128" -> "-XX:MaxVectorSize=16";
            default -> throw new IllegalArgumentException("--vector-bits: expected native, 512, 256 or 128, got '" + bits + "'");
        };
    }

    private static void exclude(List<String> jmhArgs, String regex) {
        jmhArgs.add("-e");
        jmhArgs.add(regex);
    }
}
