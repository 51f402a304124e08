package dev.mmgcn.cuda;

/** A failed CUDA driver, cuSPARSE or cuBLAS call, named with its status. */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;

    public CudaException(String call, int status, String statusName) {
        super(call + " failed: " + statusName + " (" + status + ")");
        this.call = call;
        this.status = status;
    }

    public CudaException(String message) {
        super(message);
        this.call = "";
        this.status = 0;
    }

    /** The library function that failed, e.g. {@code cuMemAlloc}; empty for errors found by the engine. */
    public String call() {
        return call;
    }

    public int status() {
        return status;
    }
}
