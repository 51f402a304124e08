package dev.mmgcn.bench;

import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.data.SyntheticGenerator.Spec;
import dev.mmgcn.kernels.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One MMGCN training step (batch 2048) on a synthetic dataset of the shared (MMRec) TikTok data's
 * size: 9,308 users, 6,710 items, about 59.5 k train interactions, visual 128 + acoustic 128 features.
 */
public class TrainStepTiktok extends Timed {

    /**
     * The generator holds out at least one valid and one test interaction per user, which on these
     * short user histories is far more than 10 %; the total is set so that the train split, which
     * makes the graph and the batches, comes out near the shared data's 59,541.
     */
    static final int INTERACTIONS = 79_200;

    static Spec tiktokShape() {
        Spec base = SyntheticGenerator.TIKTOK;
        Map<String, Integer> modalities = new LinkedHashMap<>();
        modalities.put("visual", 128);
        modalities.put("acoustic", 128);
        return new Spec("tiktok-data-shape", 9_308, 6_710, INTERACTIONS, modalities, base.factors(), base.skew(),
                base.noise(), base.heldOut());
    }

    @State(Scope.Benchmark)
    public abstract static class Run extends TrainingRun {
        @Override
        Spec spec() { return tiktokShape(); }
    }

    @State(Scope.Benchmark)
    public static class Cpu extends Run {
        @Param({"scalar", "vector1", "vectorAll"})
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
