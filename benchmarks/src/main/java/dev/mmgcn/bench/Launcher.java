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
 */
public final class Launcher {
    static final String CUDA_BENCHMARKS = "^dev\\.mmgcn\\.bench\\.\\w+\\.cuda\\w*$";
    static final String OPENBLAS_BENCHMARKS = "^dev\\.mmgcn\\.bench\\.\\w+\\.openblas$";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jmhArgs = new ArrayList<>(List.of(args));

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

    private static void exclude(List<String> jmhArgs, String regex) {
        jmhArgs.add("-e");
        jmhArgs.add(regex);
    }
}
