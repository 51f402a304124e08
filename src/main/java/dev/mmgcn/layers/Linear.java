package dev.mmgcn.layers;

import dev.mmgcn.optim.Init;
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
}
