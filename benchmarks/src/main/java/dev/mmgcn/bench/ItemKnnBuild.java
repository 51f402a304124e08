package dev.mmgcn.bench;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.ItemKnn;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;

/**
 * FREEDOM's item–item kNN graph for one modality ({@link ItemKnn#neighbours}, k = 10): rows
 * L2-normalised, then per row block one GEMM against all items and one top-k. {@code block=32MB} is
 * the engine's bound on the score buffer; {@code block=all} scores every item against every item in
 * one items × items matrix, as the reference's {@code get_knn_adj_mat} does — the same arithmetic,
 * for the cost of the blocking. Shapes: TikTok (6,710 items × 128) and MicroLens (19,220 × 384),
 * seeded Gaussian features.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ItemKnnBuild extends Timed {

    @State(Scope.Benchmark)
    public static class Operands {
        @Param({"6710x128", "19220x384"})
        public String shape;

        @Param({"32MB", "all"})
        public String block;

        @Param({"vectorAll"})
        public String backend;

        Kernels kernels;
        HostScope host;
        Tensor features;
        long blockFloats;

        @Setup
        public void setUp() {
            String[] p = shape.split("x");
            int items = Integer.parseInt(p[0]), dim = Integer.parseInt(p[1]);
            kernels = Backend.cpu(backend);
            host = new HostScope();
            features = host.floats(items, dim);
            SplittableRandom rng = new SplittableRandom(11);
            for (long i = 0; i < features.size(); i++) features.setFlat(i, (float) rng.nextGaussian());
            blockFloats = switch (block) {
                case "32MB" -> 8L << 20;
                case "all" -> (long) items * items;
                default -> throw new IllegalArgumentException("block must be 32MB or all, got " + block);
            };
        }

        @TearDown
        public void tearDown() {
            host.close();
            kernels.close();
        }
    }

    @Benchmark
    public int[][] neighbours(Operands o) {
        return ItemKnn.neighbours(o.kernels, o.features, 10, o.blockFloats);
    }
}
