package dev.mmgcn.profile;

import java.util.Locale;

/** Every method of {@link dev.mmgcn.kernels.Kernels}, as {@link CountingKernels} counts them. */
public enum Call {
    UPLOAD, DOWNLOAD, UPLOAD_CSR, READ_SCALAR,
    FILL, COPY_BLOCK, AXPBY, GEMM, ADD_ROW_VECTOR, SUM_ROWS,
    SPMM, CSR_MAX, CSR_MAX_BACKWARD, GATHER_ROWS, SCATTER_ADD_ROWS,
    LEAKY_RELU, LEAKY_RELU_BACKWARD, ROW_L2_NORMALIZE, ROW_L2_NORMALIZE_BACKWARD, ROW_DOT, SCALE_ROWS_ADD,
    SUM_SQUARES, SUM_SQUARES_BACKWARD, BPR_LOSS, BPR_LOSS_BACKWARD, ADAM_STEP,
    MASK_SCORES, TOP_K,
    COPY_INTS, ADD, BIAS_LEAKY_RELU, BIAS_LEAKY_RELU_BACKWARD, GATHER_SUM_SQUARES, GATHER_SUM_SQUARES_BACKWARD;

    /** The Java method's name, e.g. {@code biasLeakyRelu}. */
    public String method() {
        String[] parts = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder s = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) s.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        return this == UPLOAD_CSR ? "upload(csr)" : this == COPY_INTS ? "copy(ints)" : s.toString();
    }

    /** Calls that make a device backend wait for its queue before the host can go on. */
    public boolean synchronising() {
        return this == DOWNLOAD || this == READ_SCALAR;
    }

    /** Host-to-backend copies. */
    public boolean transfer() {
        return this == UPLOAD || this == UPLOAD_CSR;
    }
}
