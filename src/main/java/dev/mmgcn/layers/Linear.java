package dev.mmgcn.layers;

import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.random.RandomGenerator;

/** y = x·W + b with W stored in×out (so no transpose in the forward GEMM); Glorot-normal weights. */
public final class Linear {
    private final Var weight;
    private final Var bias;

    public Linear(ParameterStore params, String name, int in, int out, boolean withBias, RandomGenerator rng) {
        this.weight = params.create(name + ".weight", in, out, t -> Init.xavierNormal(t, rng));
        this.bias = withBias ? params.create(name + ".bias", 1, out, t -> Init.uniformFanIn(t, in, rng)) : null;
    }

    public Var forward(Tape tape, Var x) {
        return tape.linear(x, weight, bias);
    }

    /** LeakyReLU(x·W + b) as one fused tape node. */
    public Var forwardLeakyRelu(Tape tape, Var x, float slope) {
        return tape.linearLeakyRelu(x, weight, bias, slope);
    }

    /** LeakyReLU([x1 ‖ x2]·W + b) without building the concatenation: W's row blocks meet x1 and x2 separately. */
    public Var forwardLeakyRelu(Tape tape, Var x1, Var x2, float slope) {
        return tape.linearLeakyRelu(x1, x2, weight, bias, slope);
    }

    /** LeakyReLU(x·W + b + addend) as one fused tape node. */
    public Var forwardAddLeakyRelu(Tape tape, Var x, Var addend, float slope) {
        return tape.linearAddLeakyRelu(x, weight, bias, addend, slope);
    }
}
