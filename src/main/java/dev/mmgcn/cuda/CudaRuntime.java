package dev.mmgcn.cuda;

import dev.mmgcn.cuda.Pointers.DevicePointer;
import dev.mmgcn.cuda.Pointers.Stream;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.jcusparse.JCusparse;
import jcuda.jcusparse.cusparseHandle;
import jcuda.jcusparse.cusparseStatus;
import jcuda.runtime.cudaStream_t;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * The one owner of the backend's native state: the device's primary context, one stream, the loaded
 * PTX modules, the cuSPARSE and cuBLAS handles, scratch buffers, and the device-side error word.
 * Every driver, cuSPARSE and cuBLAS status is checked here and turned into a {@link CudaException}
 * that names the call. {@link #close()} frees everything, including scopes still open.
 *
 * <p>All work goes to the one stream, in order, so the host only waits where it reads results
 * ({@link #readFloat}, {@link #copyToHost}) or hands over host memory ({@link #copyToDevice}).
 * Kernels cannot throw; they record a bad index in the error word, which the two reads fetch along
 * with their data and turn into an exception.
 */
public final class CudaRuntime implements AutoCloseable {
    /** Threads per block for the flat (grid-stride) kernels. */
    static final int THREADS = 256;
    /** Enough blocks to fill any current GPU; grid-stride loops cover the rest. */
    static final int MAX_BLOCKS = 1 << 16;
    /** The oldest driver whose JIT accepts PTX written by nvcc 13 (PTX ISA 9.0). */
    static final int MIN_DRIVER_CUDA_VERSION = 13000;
    static final int MIN_COMPUTE_CAPABILITY = 75;

    private static final int ERROR_WORD_INTS = 4;

    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final Stream stream = new Stream();
    private final Map<String, CUmodule> modules = new LinkedHashMap<>();
    private final Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
    private final cusparseHandle sparse = new cusparseHandle();
    private final Arena hostArena = Arena.ofShared();
    private final MemorySegment staging = hostArena.allocate(64, 16);
    private final Set<CudaScope> openScopes = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ThreadLocal<Boolean> currentHere = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private boolean contextRetained;
    private boolean streamCreated;
    private boolean sparseCreated;
    private CublasBinding blas;
    private long errorWord;
    /** This runtime's allocation calls, as the growable buffers see them. */
    private final GrowableBuffer.Memory memory = new GrowableBuffer.Memory() {
        @Override public long alloc(long bytes) { return CudaRuntime.this.alloc(bytes); }
        @Override public void free(long address) { CudaRuntime.this.free(address); }
        @Override public void synchronize() { CudaRuntime.this.synchronize(); }
    };
    private final GrowableBuffer scratch = new GrowableBuffer(memory, "scratch");
    private final GrowableBuffer spmmWorkspace = new GrowableBuffer(memory, "cuSPARSE workspace");
    private boolean closed;
    /** Small uploads without a wait, with the fused switch on; made on the first one. */
    private StagedUploads staged;
    private long synchronizations;

    private final boolean fused;

    private CudaRuntime(int ordinal, boolean fused) {
        this.ordinal = ordinal;
        this.fused = fused;
    }

    /** Opens device {@code ordinal} with the verified modules only. */
    public static CudaRuntime open(int ordinal) {
        return open(ordinal, false);
    }

    /**
     * Opens device {@code ordinal}: context, stream, modules and library handles, or throws naming what
     * failed. With {@code fused}, the unverified modules of {@link Kernel#FUSED_MODULES} are loaded too.
     */
    public static CudaRuntime open(int ordinal, boolean fused) {
        CudaRuntime rt = new CudaRuntime(ordinal, fused);
        try {
            rt.start();
            return rt;
        } catch (RuntimeException | Error e) {
            rt.close();
            throw e;
        }
    }

    private void start() {
        check("cuInit", cuInit(0));
        check("cuDeviceGet", cuDeviceGet(device, ordinal));
        int driver = driverVersion();
        if (driver < MIN_DRIVER_CUDA_VERSION) {
            throw new CudaException("the NVIDIA driver supports CUDA " + versionString(driver)
                    + "; the PTX kernels were built by nvcc 13 and need CUDA 13.0 (driver 580 or newer)");
        }
        check("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(context, device));
        contextRetained = true;
        makeCurrent();
        check("cuStreamCreate", cuStreamCreate(stream, 0));
        streamCreated = true;
        loadModules();
        checkSparse("cusparseCreate", JCusparse.cusparseCreate(sparse));
        sparseCreated = true;
        checkSparse("cusparseSetStream", JCusparse.cusparseSetStream(sparse, new cudaStream_t(stream)));
        blas = new CublasBinding(stream.address());
        errorWord = alloc(ERROR_WORD_INTS * Integer.BYTES);
        memsetD32(errorWord, 0, ERROR_WORD_INTS);
    }

    private void loadModules() {
        for (String name : Kernel.modules(fused)) {
            byte[] ptx = readPtx(name);
            CUmodule module = new CUmodule();
            int status = cuModuleLoadData(module, ptx);
            if (status != CUresult.CUDA_SUCCESS) {
                throw new CudaException("cuModuleLoadData(" + name + ".ptx)", status, CUresult.stringFor(status)
                        + "; PTX built by nvcc 13 needs driver 580 or newer");
            }
            modules.put(name, module);
        }
        for (Kernel k : Kernel.values()) {
            if (!modules.containsKey(k.module)) continue; // a fused kernel with the switch off
            CUfunction f = new CUfunction();
            check("cuModuleGetFunction(" + k.entry + ")", cuModuleGetFunction(f, modules.get(k.module), k.entry));
            functions.put(k, f);
        }
    }

    /** The PTX text of a module, NUL-terminated as {@code cuModuleLoadData} expects. */
    static byte[] readPtx(String module) {
        String resource = Kernel.resource(module);
        try (InputStream in = CudaRuntime.class.getResourceAsStream(resource)) {
            if (in == null) throw new CudaException("PTX resource " + resource + " is missing from the class path; run `make -C native`");
            byte[] text = in.readAllBytes();
            return Arrays.copyOf(text, text.length + 1);
        } catch (IOException e) {
            throw new CudaException("cannot read PTX resource " + resource + ": " + e.getMessage());
        }
    }

    /** The "Cuda compilation tools, release ..." line that nvcc writes at the top of each PTX file. */
    static String ptxToolkit() {
        String text = new String(readPtx(Kernel.MODULES[0]), StandardCharsets.US_ASCII);
        for (String line : text.split("\n")) {
            if (line.startsWith("// Cuda compilation tools")) return line.substring(3).trim();
        }
        return "unknown";
    }

    // ---- context ---------------------------------------------------------------------------

    /** Makes the primary context current on the calling thread (once per thread). */
    void makeCurrent() {
        if (!currentHere.get()) {
            check("cuCtxSetCurrent", cuCtxSetCurrent(context));
            currentHere.set(Boolean.TRUE);
        }
    }

    void requireOpen() {
        if (closed) throw new IllegalStateException("the CUDA backend is closed");
        makeCurrent();
    }

    cusparseHandle sparse() {
        return sparse;
    }

    CublasBinding blas() {
        return blas;
    }

    // ---- memory ----------------------------------------------------------------------------

    long alloc(long bytes) {
        makeCurrent();
        DevicePointer p = new DevicePointer();
        check("cuMemAlloc(" + bytes + " bytes)", cuMemAlloc(p, Math.max(bytes, 4)));
        return p.address();
    }

    void free(long address) {
        makeCurrent();
        check("cuMemFree", cuMemFree(Pointers.device(address)));
    }

    /** Sets {@code count} 32-bit words at {@code address} to {@code bits}, in stream order. */
    void memsetD32(long address, int bits, long count) {
        if (count == 0) return;
        check("cuMemsetD32Async", cuMemsetD32Async(Pointers.device(address), bits, count, stream));
    }

    /**
     * Host to device in stream order, returning once the host bytes have been read. For pageable
     * memory the driver documents an async copy only as one that "might be synchronous", and callers
     * free or refill their host buffer right after an upload (ParameterStore, the graph upload, the
     * next batch's indices), so this waits for the stream. Uploads come where the stream is idle
     * anyway (at the start of a step or block, after its synchronising read), so the wait is short.
     */
    void copyToDevice(long deviceAddress, long hostAddress, long bytes) {
        if (bytes == 0) return;
        check("cuMemcpyHtoDAsync", cuMemcpyHtoDAsync(Pointers.device(deviceAddress), Pointers.host(hostAddress), bytes, stream));
        synchronize();
    }

    /**
     * Host to device for {@link Transfers}: with the fused switch on and at most
     * {@link StagedUploads#STAGING_BYTES}, through the page-locked staging buffer without waiting for the
     * stream ({@link StagedUploads} says why that is safe); otherwise the verified {@link #copyToDevice}
     * (false: the caller uploads that way).
     */
    boolean stagedUpload(long deviceAddress, MemorySegment host, long bytes) {
        if (!fused || !StagedUploads.fits(bytes)) return false;
        if (staged == null) staged = new StagedUploads(this);
        staged.upload(deviceAddress, host, bytes);
        return true;
    }

    /** Stream synchronisations so far (every wait of the host for this runtime's stream), for tests. */
    long synchronizations() {
        return synchronizations;
    }

    /** Device to host: waits for everything queued before it, then checks the error word. */
    void copyToHost(long hostAddress, long deviceAddress, long bytes) {
        if (bytes > 0) {
            check("cuMemcpyDtoHAsync", cuMemcpyDtoHAsync(Pointers.host(hostAddress), Pointers.device(deviceAddress), bytes, stream));
        }
        synchronizeAndCheck();
    }

    /** Device to device in stream order; returns at once (the copy neither reads nor writes host memory). */
    void copyDeviceToDevice(long dst, long src, long bytes) {
        if (bytes == 0) return;
        check("cuMemcpyDtoDAsync(" + bytes + " bytes)", cuMemcpyDtoDAsync(Pointers.device(dst), Pointers.device(src), bytes, stream));
    }

    /** Whether the unverified fused modules are loaded. */
    boolean fused() {
        return fused;
    }

    Stream stream() {
        return stream;
    }

    /** Element 0 of a float buffer: the one synchronising read of a training step. */
    float readFloat(long deviceAddress) {
        check("cuMemcpyDtoHAsync", cuMemcpyDtoHAsync(Pointers.host(staging.address()), Pointers.device(deviceAddress), Float.BYTES, stream));
        synchronizeAndCheck();
        return staging.get(ValueLayout.JAVA_FLOAT, 0);
    }

    /** Waits for the stream and raises any index error a kernel recorded since the last check. */
    void synchronizeAndCheck() {
        long words = staging.address() + 16;
        check("cuMemcpyDtoHAsync(error word)", cuMemcpyDtoHAsync(Pointers.host(words), Pointers.device(errorWord),
                ERROR_WORD_INTS * Integer.BYTES, stream));
        check("cuStreamSynchronize", cuStreamSynchronize(stream));
        synchronizations++;
        int code = staging.get(ValueLayout.JAVA_INT, 16);
        if (code != 0) {
            int index = staging.get(ValueLayout.JAVA_INT, 20);
            int bound = staging.get(ValueLayout.JAVA_INT, 24);
            memsetD32(errorWord, 0, ERROR_WORD_INTS);
            check("cuStreamSynchronize", cuStreamSynchronize(stream));
            throw new IndexOutOfBoundsException(errorName(code) + " " + index + " outside [0," + bound + ")"
                    + " (found on the GPU by an earlier kernel; reported at this synchronising call)");
        }
    }

    /** Waits for the stream without reading the error word (scope close, buffer growth). */
    void synchronize() {
        check("cuStreamSynchronize", cuStreamSynchronize(stream));
        synchronizations++;
    }

    static String errorName(int code) {
        return switch (code) {
            case 1 -> "gather index";
            case 2 -> "scatter index";
            case 3 -> "argmax";
            default -> "index (error code " + code + ")";
        };
    }

    long errorWord() {
        return errorWord;
    }

    /** A device scratch area of at least {@code bytes}, valid until the next call that asks for scratch. */
    long scratch(long bytes) {
        return scratch.ensure(bytes);
    }

    long spmmWorkspace(long bytes) {
        return spmmWorkspace.ensure(bytes);
    }

    /**
     * Runs {@code hook} whenever scratch or the cuSPARSE workspace is about to be freed to grow (after the
     * stream is idle): the backend drops its CUDA graphs there, since they hold the old addresses.
     */
    void beforeBuffersMove(Runnable hook) {
        scratch.beforeMove(hook);
        spmmWorkspace.beforeMove(hook);
    }

    // ---- scopes ----------------------------------------------------------------------------

    synchronized void register(CudaScope scope) {
        openScopes.add(scope);
    }

    synchronized void unregister(CudaScope scope) {
        openScopes.remove(scope);
    }

    // ---- launches --------------------------------------------------------------------------

    /** Blocks for a grid-stride kernel over n elements. */
    static int blocksFor(long n) {
        return (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, MAX_BLOCKS));
    }

    /** Blocks for a warp-per-row kernel over {@code rows} rows. */
    static int blocksForRows(int rows) {
        int warpsPerBlock = THREADS / 32;
        return (int) Math.max(1, Math.min(((long) rows + warpsPerBlock - 1) / warpsPerBlock, MAX_BLOCKS));
    }

    /** The arguments of a launch of {@code kernel}, once this runtime is known to be open (and current on this thread). */
    KernelArgs args(Kernel kernel) {
        requireOpen();
        return new KernelArgs(kernel);
    }

    void launch(KernelArgs args, int blocks) {
        launch(args, blocks, 1, THREADS, 1);
    }

    /** A grid-stride launch over n elements; nothing when n is 0. */
    void launchFlat(KernelArgs args, long n) {
        if (n > 0) launch(args, blocksFor(n));
    }

    /** A warp-per-row launch; nothing when there are no rows. */
    void launchPerRow(KernelArgs args, int rows) {
        if (rows > 0) launch(args, blocksForRows(rows));
    }

    void launch(KernelArgs args, int gridX, int gridY, int blockX, int blockY) {
        Kernel k = args.kernel();
        CUfunction f = functions.get(k);
        if (f == null) {
            throw new IllegalStateException("kernel " + k.entry + " is in module " + k.module + ".ptx, which this runtime did not load"
                    + " (the fused CUDA path is off; see CudaSwitches)");
        }
        check("cuLaunchKernel(" + k.entry + ")", cuLaunchKernel(f,
                gridX, gridY, 1, blockX, blockY, 1, 0, stream, args.toParams(), null));
    }

    // ---- device facts ----------------------------------------------------------------------

    String deviceName() {
        byte[] name = new byte[256];
        check("cuDeviceGetName", cuDeviceGetName(name, name.length, device));
        int end = 0;
        while (end < name.length && name[end] != 0) end++;
        return new String(name, 0, end, StandardCharsets.US_ASCII);
    }

    int computeCapability() {
        return attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) * 10
                + attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    }

    int multiprocessors() {
        return attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    }

    private int attribute(int which) {
        int[] v = new int[1];
        check("cuDeviceGetAttribute(" + which + ")", cuDeviceGetAttribute(v, which, device));
        return v[0];
    }

    long totalMemory() {
        long[] v = new long[1];
        check("cuDeviceTotalMem", cuDeviceTotalMem(v, device));
        return v[0];
    }

    long freeMemory() {
        makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        check("cuMemGetInfo", cuMemGetInfo(free, total));
        return free[0];
    }

    static int driverVersion() {
        int[] v = new int[1];
        check("cuDriverGetVersion", cuDriverGetVersion(v));
        return v[0];
    }

    int sparseVersion() {
        int[] v = new int[1];
        checkSparse("cusparseGetVersion", JCusparse.cusparseGetVersion(sparse, v));
        return v[0];
    }

    /** 13000 → "13.0". */
    static String versionString(int cudaVersion) {
        return (cudaVersion / 1000) + "." + (cudaVersion % 1000) / 10;
    }

    // ---- status checks ---------------------------------------------------------------------

    static void check(String call, int status) {
        if (status != CUresult.CUDA_SUCCESS) throw new CudaException(call, status, CUresult.stringFor(status));
    }

    static void checkSparse(String call, int status) {
        if (status != cusparseStatus.CUSPARSE_STATUS_SUCCESS) throw new CudaException(call, status, cusparseStatus.stringFor(status));
    }

    // ---- teardown --------------------------------------------------------------------------

    /**
     * Frees everything in reverse order of creation. Safe after a failed {@link #open}; the first
     * failure is rethrown after the rest has been released.
     */
    @Override
    public void close() {
        List<CudaScope> scopes;
        synchronized (this) {
            if (closed) return;
            closed = true;
            scopes = new ArrayList<>(openScopes);
        }
        List<RuntimeException> failures = new ArrayList<>();
        if (contextRetained) {
            attempt(failures, () -> {
                currentHere.remove();
                makeCurrent();
            });
            if (streamCreated) attempt(failures, this::synchronize);
        }
        if (staged != null) attempt(failures, staged::close);
        for (CudaScope s : scopes) attempt(failures, s::close);
        if (blas != null) attempt(failures, blas::close);
        if (sparseCreated) attempt(failures, () -> checkSparse("cusparseDestroy", JCusparse.cusparseDestroy(sparse)));
        attempt(failures, scratch::release);
        attempt(failures, spmmWorkspace::release);
        if (errorWord != 0) attempt(failures, () -> free(errorWord));
        for (Map.Entry<String, CUmodule> m : modules.entrySet()) {
            attempt(failures, () -> check("cuModuleUnload(" + m.getKey() + ")", cuModuleUnload(m.getValue())));
        }
        modules.clear();
        functions.clear();
        if (streamCreated) attempt(failures, () -> check("cuStreamDestroy", cuStreamDestroy(stream)));
        if (contextRetained) attempt(failures, () -> check("cuDevicePrimaryCtxRelease", cuDevicePrimaryCtxRelease(device)));
        hostArena.close();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            for (int i = 1; i < failures.size(); i++) first.addSuppressed(failures.get(i));
            throw first;
        }
    }

    boolean isClosed() {
        return closed;
    }

    private static void attempt(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
