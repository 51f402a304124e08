package dev.mmgcn.bench;

import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.data.SyntheticGenerator.Spec;
import dev.mmgcn.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;


/**
 * One MMGCN training step (batch 2048) on the paper-MovieLens-shaped synthetic preset: 55,485 users,
 * 5,986 items, 1.24 M interactions, visual 2048 + acoustic 128 + textual 100. The scalar backend is
 * left out: every step propagates over the whole 61 k-node graph and projects the 2048-d features,
 * which the reference kernels take far too long for.
 */
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class TrainStepMovielens extends Timed {

    @State(Scope.Benchmark)
    public abstract static class Run extends TrainingRun {
        @Override
        Spec spec() { return SyntheticGenerator.MOVIELENS; }
    }

    @State(Scope.Benchmark)
    public static class Cpu extends Run {
        @Param({"vector1", "vectorAll"})
        public String backend;

        @Override
        Kernels open() { return Backend.cpu(backend); }
    }

    @State(Scope.Benchmark)
    public static class Gpu extends Run {
        @Override
        Kernels open() { return Backend.cuda(); }
    }

    @Benchmark
    public double cpu(Cpu run) {
        return run.step();
    }

    @Benchmark
    public double cuda(Gpu run) {
        return run.step();
    }

    /** One epoch's plan (shuffle and negatives on the host) and its upload: once per epoch, not per step. */
    @Benchmark
    public void cpuPlan(Cpu run) {
        run.plan();
    }
}
