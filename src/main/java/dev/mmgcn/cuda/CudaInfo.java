package dev.mmgcn.cuda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the CLI's {@code info} command prints about the GPU side. */
public final class CudaInfo {
    private CudaInfo() {
    }

    /**
     * One line per fact: GPU, compute capability, memory, driver, CUDA runtime, cuBLAS, cuSPARSE and
     * the toolkit that built the kernels; or a single line with the reason CUDA is unavailable.
     */
    public static List<String> lines() {
        String why = CudaKernels.probe();
        if (!why.isEmpty()) return List.of("cuda: unavailable (" + why + ")");
        List<String> out = new ArrayList<>();
        try (CudaRuntime rt = CudaRuntime.open(0)) {
            int cc = rt.computeCapability();
            out.add("gpu: " + rt.deviceName() + " (compute capability " + cc / 10 + "." + cc % 10
                    + ", " + rt.multiprocessors() + " SMs)");
            out.add(String.format(Locale.ROOT, "gpu memory: %.1f GiB total, %.1f GiB free",
                    rt.totalMemory() / GIB, rt.freeMemory() / GIB));
            out.add("driver: " + driverRelease() + ", supports CUDA " + CudaRuntime.versionString(CudaRuntime.driverVersion()));
            out.add("cuda runtime: " + runtimeVersion());
            int blas = rt.blas().version();
            out.add("cublas: " + blas / 10000 + "." + (blas / 100) % 100 + "." + blas % 100 + " (" + rt.blas().library() + ", FFM)");
            int sparse = rt.sparseVersion();
            out.add("cusparse: " + sparse / 1000 + "." + (sparse % 1000) / 100 + "." + sparse % 100 + " (JCusparse 12.6.0)");
            out.add("kernels: PTX from " + CudaRuntime.ptxToolkit() + ", JIT-compiled by the driver for sm_" + cc);
        } catch (Throwable t) {
            out.add("cuda: failed to start (" + t.getMessage() + ")");
        }
        return out;
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** The kernel module's release, e.g. 580.159, from /proc on Linux. */
    private static String driverRelease() {
        try {
            String text = Files.readString(Path.of("/proc/driver/nvidia/version"));
            for (String word : text.split("\\s+")) {
                if (word.matches("\\d+\\.\\d+(\\.\\d+)?")) return "NVIDIA " + word;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no permission: the CUDA version below still says what matters
        }
        return "NVIDIA (release unknown)";
    }

    /**
     * The engine calls the driver API only; the runtime reported here is the one JCuda was built
     * against, which matters only for the JCuda libraries themselves.
     */
    private static String runtimeVersion() {
        try {
            int[] v = new int[1];
            int status = jcuda.runtime.JCuda.cudaRuntimeGetVersion(v);
            if (status != 0) return "unknown (cudaRuntimeGetVersion returned " + status + ")";
            return CudaRuntime.versionString(v[0]) + " (JCuda's; the engine itself uses the driver API)";
        } catch (Throwable t) {
            return "unknown (" + t.getClass().getSimpleName() + ")";
        }
    }
}
