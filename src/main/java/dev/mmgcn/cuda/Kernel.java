package dev.mmgcn.cuda;

/**
 * Every CUDA kernel the backend launches: the PTX module it lives in, its entry name, and its
 * parameter list as one letter per parameter (P device pointer, L 64-bit integer, I 32-bit integer,
 * F float, D double). Each launch is checked against the signature, and a test checks the signatures
 * against the committed PTX, so a kernel and its Java caller cannot drift apart unnoticed even where
 * no GPU is available to run them.
 */
enum Kernel {
    FILL("elementwise", "fill_f32", "PLF"),
    SCALE("elementwise", "scale_f32", "PLF"),
    AXPBY("elementwise", "axpby_f32", "FPFPL"),
    LEAKY_RELU("elementwise", "leaky_relu_fwd", "PFPL"),
    LEAKY_RELU_BWD("elementwise", "leaky_relu_bwd", "PPFPL"),
    ADAM("elementwise", "adam_step", "PPPPLFFFFFDD"),

    ADD_ROW_VECTOR("bias", "add_row_vector", "PPII"),
    SUM_ROWS_PARTIAL("bias", "sum_rows_partial", "PIIIP"),
    SUM_ROWS_FINAL("bias", "sum_rows_final", "PIIFP"),

    ROW_L2_NORMALIZE("rownorm", "row_l2_normalize", "PIIFPP"),
    ROW_L2_NORMALIZE_BWD("rownorm", "row_l2_normalize_bwd", "PPIIFPP"),
    ROW_DOT("rownorm", "row_dot", "PPIIP"),
    SCALE_ROWS_ADD("rownorm", "scale_rows_add", "PPIIP"),

    CSR_MAX("segment_max", "csr_max", "PPPIIPP"),
    CSR_MAX_BWD("segment_max", "csr_max_bwd", "PPIIPIP"),

    GATHER_ROWS("gather_scatter", "gather_rows", "PIPIIPP"),
    SCATTER_ADD_ROWS("gather_scatter", "scatter_add_rows", "PPIIPIP"),
    COPY_BLOCK("gather_scatter", "copy_block", "PIPIIII"),

    SUM_SQUARES_PARTIAL("loss", "sum_squares_partial", "PLP"),
    BPR_LOSS_PARTIAL("loss", "bpr_loss_partial", "PPLP"),
    REDUCE_FINAL("loss", "reduce_final", "PIDP"),
    SUM_SQUARES_BWD("loss", "sum_squares_bwd", "PPPL"),
    BPR_LOSS_BWD("loss", "bpr_loss_bwd", "PPPPPL"),

    MASK_SCORES("topk", "mask_scores", "PIIPPIF"),
    TOPK_ROWS("topk", "topk_rows", "PIIIPPPP"),

    // issue 14, unverified on a GPU: loaded only when CudaSwitches.fused() is on
    ADD("fused", "add_f32", "PPPL"),
    BIAS_LEAKY_RELU("fused", "bias_leaky_relu", "PPFPII"),
    BIAS_LEAKY_RELU_BWD("fused", "bias_leaky_relu_bwd", "PPFPL"),
    GATHER_SUM_SQUARES_PARTIAL("fused", "gather_sum_squares_partial", "PIPLIPP"),
    GATHER_SUM_SQUARES_FINAL("fused", "gather_sum_squares_final", "PIFFP"),
    GATHER_SUM_SQUARES_BWD("fused", "gather_sum_squares_bwd", "PIPLIFPPP"),
    ADAM_DEVICE_STEP("fused", "adam_step_dev", "PPPPLFFFFFP");

    /** Modules in load order; each is {@code <name>.ptx} next to this class. */
    static final String[] MODULES = {"elementwise", "bias", "rownorm", "segment_max", "gather_scatter", "loss", "topk"};
    /** Modules loaded only with the fused switch on ({@link CudaSwitches#fused()}). */
    static final String[] FUSED_MODULES = {"fused"};

    /** The modules a runtime loads: the verified ones, plus the fused ones when asked. */
    static String[] modules(boolean fused) {
        if (!fused) return MODULES.clone();
        String[] all = java.util.Arrays.copyOf(MODULES, MODULES.length + FUSED_MODULES.length);
        System.arraycopy(FUSED_MODULES, 0, all, MODULES.length, FUSED_MODULES.length);
        return all;
    }

    final String module;
    final String entry;
    final String signature;

    Kernel(String module, String entry, String signature) {
        this.module = module;
        this.entry = entry;
        this.signature = signature;
    }

    static String resource(String module) {
        return module + ".ptx";
    }
}
