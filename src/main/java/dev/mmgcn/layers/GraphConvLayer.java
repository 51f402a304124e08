package dev.mmgcn.layers;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.random.RandomGenerator;

/**
 * One MMGCN layer for one modality:
 * <pre>
 *   H  = LeakyReLU( agg(X·W1) )                       neighbours only, no self loop
 *   X^ = LeakyReLU( X·W2 + b2 ) + E_id                 E_id shared by all modalities (optional)
 *   X' = LeakyReLU( [H ‖ X^]·W3 + b3 )                 concat combination
 *      | LeakyReLU( H·W3 + b3 + X^ )                   element-wise combination
 * </pre>
 * (X' without its LeakyReLU when the layer is built with {@code activateCombination} false.)
 */
public final class GraphConvLayer {
    private final Var conv;
    private final Linear self;
    private final Linear combine;
    private final Aggregation aggregation;
    private final Combination combination;
    private final float slope;
    /** The combination's LeakyReLU slope: {@code slope}, or 1 (no activation) for a signed last layer. */
    private final float combineSlope;

    /** A layer from {@code in} to {@code out} columns; its parameters are created in {@code params} under {@code name}. */
    public GraphConvLayer(ParameterStore params, String name, int in, int out, Aggregation aggregation,
                          Combination combination, float slope, RandomGenerator rng) {
        this(params, name, in, out, aggregation, combination, slope, true, rng);
    }

    /**
     * The same, with {@code activateCombination} false for a layer whose output X' is left signed: the
     * combination without its LeakyReLU (H and X^ keep theirs).
     */
    public GraphConvLayer(ParameterStore params, String name, int in, int out, Aggregation aggregation,
                          Combination combination, float slope, boolean activateCombination, RandomGenerator rng) {
        this.aggregation = aggregation;
        this.combination = combination;
        this.slope = slope;
        this.combineSlope = activateCombination ? slope : 1f;
        this.conv = params.create(name + ".conv", in, in, t -> Init.xavierNormal(t, rng));
        this.self = new Linear(params, name + ".self", in, out, true, rng);
        int combineIn = combination == Combination.CONCAT ? in + out : in;
        this.combine = new Linear(params, name + ".combine", combineIn, out, true, rng);
    }

    /** {@code graph} must carry 1/deg values for mean aggregation and none for sum or max. */
    public Var forward(Tape tape, Var x, CsrMatrix graph, Var idEmbedding) {
        Var messages = tape.matmul(x, conv);
        Var aggregated = aggregation == Aggregation.MAX ? tape.csrMax(graph, messages) : tape.spmm(graph, messages);
        Var h = tape.leakyRelu(aggregated, slope);
        Var xHat = self.forwardLeakyRelu(tape, x, slope);
        if (idEmbedding != null) xHat = tape.add(xHat, idEmbedding);
        // the combination as one fused node: no [H ‖ X^] buffer, W3 used as its two row blocks
        if (combination == Combination.CONCAT) return combine.forwardLeakyRelu(tape, h, xHat, combineSlope);
        return combine.forwardAddLeakyRelu(tape, h, xHat, combineSlope);
    }

    /**
     * The layer's output at the nodes {@code rows} only (|rows| rows, in that order), from the full
     * input {@code x}; {@code idRows} is the id embedding at those rows (or null). For mean and sum
     * aggregation the neighbours are aggregated before the transform — agg(X)·W1 = agg(X·W1), both
     * linear — so that every GEMM of the layer runs on |rows| rows; max aggregation still transforms
     * every node and keeps the rows after the max.
     */
    public Var forwardRows(Tape tape, Var x, CsrMatrix graph, Var idRows, IntTensor rows) {
        Var h;
        if (aggregation == Aggregation.MAX) {
            h = tape.leakyRelu(tape.gather(tape.csrMax(graph, tape.matmul(x, conv)), rows), slope);
        } else {
            h = tape.linearLeakyRelu(tape.gather(tape.spmm(graph, x), rows), conv, null, slope);
        }
        Var xHat = self.forwardLeakyRelu(tape, tape.gather(x, rows), slope);
        if (idRows != null) xHat = tape.add(xHat, idRows);
        if (combination == Combination.CONCAT) return combine.forwardLeakyRelu(tape, h, xHat, combineSlope);
        return combine.forwardAddLeakyRelu(tape, h, xHat, combineSlope);
    }
}
