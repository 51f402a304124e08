package dev.mmgcn.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.jcusparse.JCusparse;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

/**
 * Decides whether the CUDA backend can run here, without creating a context. Each native library is
 * first looked for with the FFM loader, which fails with a plain exception, before JCuda's JNI
 * library (which links against it) is loaded; a JNI library with a missing dependency would only
 * give a long multi-line {@link UnsatisfiedLinkError}. Anything else that goes wrong is caught too:
 * asking must never take the JVM down.
 */
final class CudaProbe {
    private static volatile String cached;

    private CudaProbe() {
    }

    /** "" when usable, else a one-line reason. */
    static String reason() {
        String r = cached;
        if (r == null) {
            r = oneLine(compute());
            cached = r;
        }
        return r;
    }

    private static String compute() {
        try {
            if (!loadable("libcuda.so.1")) return "no NVIDIA driver (libcuda.so.1 not found)";
            int status = cuInit(0);
            if (status != CUresult.CUDA_SUCCESS) return "cuInit failed: " + CUresult.stringFor(status);
            int[] count = new int[1];
            status = cuDeviceGetCount(count);
            if (status != CUresult.CUDA_SUCCESS) return "cuDeviceGetCount failed: " + CUresult.stringFor(status);
            if (count[0] == 0) return "no CUDA device";
            int driver = CudaRuntime.driverVersion();
            if (driver < CudaRuntime.MIN_DRIVER_CUDA_VERSION) {
                return "the NVIDIA driver supports CUDA " + CudaRuntime.versionString(driver)
                        + "; the kernels need CUDA 13.0 (driver 580 or newer)";
            }
            CUdevice device = new CUdevice();
            CudaRuntime.check("cuDeviceGet", cuDeviceGet(device, 0));
            int[] major = new int[1];
            int[] minor = new int[1];
            CudaRuntime.check("cuDeviceGetAttribute", cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
            CudaRuntime.check("cuDeviceGetAttribute", cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
            if (major[0] * 10 + minor[0] < CudaRuntime.MIN_COMPUTE_CAPABILITY) {
                return "GPU 0 has compute capability " + major[0] + "." + minor[0] + "; the kernels need 7.5 or newer";
            }
            if (!loadable("libcusparse.so.12")) return "no libcusparse.so.12 (cuSPARSE of CUDA 12 or 13)";
            JCusparse.initialize();
            if (CublasBinding.findLibrary() == null) return "no libcublas.so.13 or libcublas.so.12";
            return "";
        } catch (Throwable t) {
            return "CUDA unavailable: " + t;
        }
    }

    @SuppressWarnings("restricted")
    static boolean loadable(String library) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(library, arena);
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
