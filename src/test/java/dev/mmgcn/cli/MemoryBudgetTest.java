package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.DataShape;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The memory estimate against what a run really takes, and a run that cannot fit refused before it allocates. */
class MemoryBudgetTest {
    @Test
    void aRunThatCannotFitIsRefusedWithTheNumbersBeforeAnythingIsAllocated(@TempDir Path dir) {
        Path out = dir.resolve("run");
        CliTest.Outcome o = run("train", "--synthetic", "tiny", "--dim", "2000000000", "--out", out.toString());
        assertError(o, 5, "this run needs about ");
        assertTrue(o.err().contains(" of memory, but this machine has "), o.err());
        assertTrue(o.err().contains("activations and their gradients"), "the breakdown names the parts: " + o.err());
        assertTrue(o.err().contains("reduce --dim (2000000000)"), o.err());
        assertFalse(Files.exists(out), "refused before the run folder was made");
    }

    @Test
    void featureFilesTooLargeForTheMachineAreRefusedFromTheirHeadersAlone(@TempDir Path dir) throws Exception {
        assertEquals(0, run("generate", "--preset", "tiny", "--out", dir.toString()).code());
        // a header that claims 10^11 × 1000 float16 values, and no data at all: only the header may be read
        String dict = "{'descr': '<f2', 'fortran_order': False, 'shape': (100000000000, 1000), }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) (total - 10)).put(dict.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        Files.write(dir.resolve("visual_feat.npy"), b.array());
        Path out = dir.resolve("run");
        CliTest.Outcome o = run("train", "--data", dir.toString(), "--out", out.toString());
        assertError(o, 5, "the feature files need about 728 TB as float32 (the data's copy and the model's: textual_feat.npy 9.4 KB, "
                + "visual_feat.npy 364 TB), but this machine has");
        assertFalse(Files.exists(out));
    }

    @Test
    void theLimitsAreTheMachinesAndTheHeaps() {
        MemoryBudget.Estimate small = new MemoryBudget.Estimate(new java.util.LinkedHashMap<>(java.util.Map.of("x", 10L)), 10, 5);
        assertNull(MemoryBudget.check(small, new MemoryBudget.Limits(100, 100, 100), "r"));
        assertTrue(MemoryBudget.check(small, new MemoryBudget.Limits(100, 12, 100), "r").startsWith("warning: this run needs about 15 B"));
        Failure heap = assertThrows(Failure.class, () -> MemoryBudget.check(small, new MemoryBudget.Limits(100, 100, 5), "r"));
        assertEquals(Failure.MEMORY, heap.exitCode());
        assertTrue(heap.getMessage().contains("of Java heap"), heap.getMessage());
        Failure machine = assertThrows(Failure.class, () -> MemoryBudget.check(small, new MemoryBudget.Limits(14, 14, 100), "reduce it"));
        assertTrue(machine.getMessage().startsWith("this run needs about 15 B of memory, but this machine has 14 B (x 10 B); reduce it"),
                machine.getMessage());
        assertEquals("1.5 GB", MemoryBudget.human(1610612736L));
    }

    /**
     * Builds a model and trainer and runs one full-graph step plus the epoch's evaluation, and compares the
     * most off-heap memory the engine's host buffers held meanwhile (counted by HostScope as it allocates)
     * with the estimate of the same parts (everything but the dataset's own copy of the features, made
     * before). Two architectures: the default (mean, concat, no projection), and max aggregation with
     * element-wise combination and projected features. The counter is exact, so the bounds are tight.
     */
    @Test
    void theEstimateIsWithinAFactorOfWhatARunTakes() throws Exception {
        TrainConfig tc = new TrainConfig(1, 1 << 20, 1e-3f, 1e-4f, 0f, 1, 0, "recall@20", new int[] {10, 20, 50});
        List<MmgcnConfig> configs = List.of(MmgcnConfig.defaults().withEmbeddingDim(128),
                new MmgcnConfig(96, 64, 2, Aggregation.MAX, Combination.ELEMENT, MmgcnConfig.Fusion.SUM, true, 0.01f));
        for (MmgcnConfig mc : configs) {
            try (Dataset data = randomData(2000, 1500, 12_000); Kernels k = Backends.cpu()) {
                DataShape shape = new DataShape(data.numUsers(), data.numItems(), data.train().size(),
                        data.train().size() + data.valid().size() + data.test().size(), data.modalities().stream().map(Modality::dim).toList());
                MemoryBudget.Estimate e = MemoryBudget.training(shape, mc, tc.batchSize(), 50);
                long expected = e.total() - e.parts().get("features") / 2;
                long before = HostScope.liveBytes();
                HostScope.resetPeak();
                long peak;
                try (Mmgcn model = new Mmgcn(mc, k, data.numUsers(), data.numItems(), data.modalities(), data.train(), 1);
                     Trainer trainer = new Trainer(model, data, tc, k)) {
                    trainer.fit(new Trainer.Listener() { }, null);
                    peak = HostScope.peakBytes();
                }
                long used = peak - before;
                double ratio = (double) expected / used;
                System.out.printf("memory estimate %s, measured %s (ratio %.2f) for %s: %s%n", MemoryBudget.human(expected),
                        MemoryBudget.human(used), ratio, mc, e.breakdown());
                assertTrue(ratio > 0.85 && ratio < 1.25, "estimate " + MemoryBudget.human(expected) + " vs measured " + MemoryBudget.human(used) + " for " + mc);
            }
        }
    }

    /** Random interactions (train, then a few valid and test) and random features 128, 64 and 96 wide. */
    private static Dataset randomData(int users, int items, int pairs) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        Interactions[] splits = new Interactions[3];
        int[] sizes = {pairs, pairs / 10, pairs / 10};
        for (int s = 0; s < 3; s++) {
            int[] u = new int[sizes[s]], i = new int[sizes[s]];
            for (int k = 0; k < sizes[s]; k++) {
                u[k] = k < users && s == 0 ? k : rng.nextInt(users);
                i[k] = k < items && s == 0 ? k : rng.nextInt(items);
            }
            splits[s] = new Interactions(u, i);
        }
        HostScope scope = new HostScope();
        List<Modality> mods = new java.util.ArrayList<>();
        for (int[] m : new int[][] {{0, 128}, {1, 64}, {2, 96}}) {
            Tensor t = scope.floats(items, m[1]);
            for (long x = 0; x < t.size(); x++) t.setFlat(x, (float) rng.nextDouble(-1, 1));
            mods.add(new Modality(List.of("visual", "acoustic", "textual").get(m[0]), t));
        }
        return new Dataset("random", users, items, splits[0], splits[1], splits[2], mods, scope);
    }

}
