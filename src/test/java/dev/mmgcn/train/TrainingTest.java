package dev.mmgcn.train;

import dev.mmgcn.layers.Combination;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.*;

/** Short training runs on the tiny synthetic set: it must learn, repeat itself under a seed, and survive a checkpoint. */
class TrainingTest {
    private static final TrainConfig SHORT = new TrainConfig(4, 256, 5e-3f, 1e-4f, 0f, 99L, 0, "recall@20", new int[] {10, 20});

    private static Trainer.Result train(Kernels k, Dataset data, MmgcnConfig mc, TrainConfig tc, Trainer.BestModelSink sink) {
        try (Mmgcn model = new Mmgcn(mc, k, data.numUsers(), data.numItems(), data.modalities(), data.train(), tc.seed());
             Trainer t = new Trainer(model, data, tc, k)) {
            return t.fit(new Trainer.Listener() {
            }, sink);
        }
    }

    @Test
    void shortRunBeatsPopularityClearly() {
        Kernels k = Backends.cpu();
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            Trainer.Result r = train(k, data, MmgcnConfig.defaults(), SHORT, null);
            double model = r.best().test().get("recall@20");
            double pop = r.popularityTest().get("recall@20");
            assertTrue(model > 1.3 * pop, "test recall@20 " + model + " should clearly beat popularity " + pop);
            assertTrue(r.history().get(r.history().size() - 1).loss() < r.history().get(0).loss(), "the loss falls");
            // synthetic users have their own tastes: the per-user part must add to the shared item score
            double full = r.best().valid().get("recall@20"), itemOnly = r.best().itemOnlyValid().get("recall@20");
            assertTrue(full > 1.3 * itemOnly, "valid recall@20 " + full + " should clearly beat the item-only ranking " + itemOnly);
        }
    }

    @Test
    void lightGcnAndFreedomLearnToo() {
        Kernels k = Backends.cpu();
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            TrainConfig tc = new TrainConfig(6, 256, 1e-2f, 1e-4f, 0f, 99L, 0, "recall@20", new int[] {10, 20});
            for (ModelConfig mc : List.of(new LightGcnConfig(32, 2, LightGcnConfig.EmbeddingInit.NORMAL),
                    new FreedomConfig(32, 10, 1, 2, 0.5f, 1e-3f, java.util.Map.of()))) {
                try (RecModel model = Models.create(mc, k, data, tc.seed()); Trainer t = new Trainer(model, data, tc, k)) {
                    Trainer.Result r = t.fit(new Trainer.Listener() {
                    }, null);
                    double got = r.best().test().get("recall@20"), pop = r.popularityTest().get("recall@20");
                    assertTrue(got > 1.15 * pop, mc.kind() + ": test recall@20 " + got + " should beat popularity " + pop);
                    assertTrue(r.history().get(r.history().size() - 1).loss() < 0.9 * r.history().get(0).loss(), mc.kind() + ": the loss falls");
                }
            }
        }
    }

    @Test
    void sameSeedSameResults() {
        Kernels k = Backends.cpu();
        for (MmgcnConfig mc : List.of(MmgcnConfig.defaults(),
                MmgcnConfig.defaults().withAggregation(Aggregation.MAX).withCombination(Combination.ELEMENT))) {
            try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 5)) {
                TrainConfig tc = SHORT.withEpochs(2);
                Trainer.Result a = train(k, data, mc, tc, null);
                Trainer.Result b = train(k, data, mc, tc, null);
                for (int e = 0; e < a.history().size(); e++) {
                    assertEquals(a.history().get(e).loss(), b.history().get(e).loss(), "epoch " + (e + 1) + " loss");
                    assertEquals(a.history().get(e).valid().asMap(), b.history().get(e).valid().asMap());
                }
                Trainer.Result c = train(k, data, mc, tc.withSeed(tc.seed() + 1), null);
                assertNotEquals(a.history().get(0).loss(), c.history().get(0).loss(), "another seed gives another run");
            }
        }
        // FREEDOM prunes its graph each epoch: keyed by (seed, epoch), so it repeats too
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 5)) {
            FreedomConfig fc = new FreedomConfig(16, 5, 1, 2, 0.8f, 1e-3f, java.util.Map.of());
            List<List<Double>> runs = new java.util.ArrayList<>();
            for (int rep = 0; rep < 2; rep++) {
                try (RecModel model = Models.create(fc, k, data, 4); Trainer t = new Trainer(model, data, SHORT.withEpochs(2), k)) {
                    runs.add(t.fit(new Trainer.Listener() {
                    }, null).history().stream().map(Trainer.EpochReport::loss).toList());
                }
            }
            assertEquals(runs.get(0), runs.get(1));
        }
    }

    @Test
    void sameBitsWithOneTwoAndThreeThreads() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Backends.vectorModulePresent());
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 5)) {
            Trainer.Result one;
            try (Kernels k = new dev.mmgcn.kernels.VectorKernels(1)) {
                one = train(k, data, MmgcnConfig.defaults(), SHORT.withEpochs(2), null);
            }
            for (int threads : new int[] {2, 3}) {
                try (Kernels k = new dev.mmgcn.kernels.VectorKernels(threads)) {
                    Trainer.Result many = train(k, data, MmgcnConfig.defaults(), SHORT.withEpochs(2), null);
                    for (int e = 0; e < 2; e++) {
                        assertEquals(one.history().get(e).loss(), many.history().get(e).loss(), threads + " threads, epoch " + (e + 1) + " loss");
                        assertEquals(one.history().get(e).valid().asMap(), many.history().get(e).valid().asMap(), threads + " threads");
                    }
                }
            }
        }
    }

    @Test
    void withoutValidationTheLastEpochIsReported() {
        Kernels k = Backends.cpu();
        try (Dataset full = SyntheticGenerator.generate(SyntheticGenerator.TINY, 6);
             Dataset data = new Dataset("no-valid", full.numUsers(), full.numItems(), full.train(),
                     dev.mmgcn.data.Interactions.empty(), full.test(), full.modalities(), null)) {
            Trainer.Result r = train(k, data, MmgcnConfig.defaults().withEmbeddingDim(16), SHORT.withEpochs(3), null);
            assertEquals(3, r.best().epoch(), "nothing to select on: the last epoch");
            assertEquals(0, r.validUsers());
            assertNotNull(r.best().test());
        }
    }

    @Test
    void syntheticDataIsSeeded() {
        try (Dataset a = SyntheticGenerator.generate(SyntheticGenerator.TINY, 8);
             Dataset b = SyntheticGenerator.generate(SyntheticGenerator.TINY, 8)) {
            assertArrayEquals(a.train().users(), b.train().users());
            assertArrayEquals(a.test().items(), b.test().items());
            assertArrayEquals(a.modalities().get(0).features().toArray(), b.modalities().get(0).features().toArray());
        }
    }

    @Test
    void checkpointRoundTrip(@TempDir Path dir) throws Exception {
        Kernels k = Backends.cpu();
        Path file = dir.resolve("best.ckpt");
        MmgcnConfig mc = MmgcnConfig.defaults().withEmbeddingDim(16);
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 4)) {
            Properties header = new Properties();
            header.setProperty("note", "round trip");
            float[][] saved = new float[1][];
            train(k, data, mc, SHORT.withEpochs(2), (report, model, rep) -> {
                try {
                    Checkpoint.capture(model.parameters(), rep, header, TrainingRecord.of(data)).write(file);
                    try (HostScope h = new HostScope()) {
                        Tensor t = h.floats(rep.rows(), rep.cols());
                        k.download(rep, t);
                        saved[0] = t.toArray();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Checkpoint ck = Checkpoint.read(file);
            assertEquals("round trip", ck.get("note"));
            assertArrayEquals(saved[0], ck.tensor(Checkpoint.REPRESENTATION));
            assertEquals(List.of(), List.of(dir.toFile().list((d, n) -> n.endsWith(".tmp"))), "no temporary file left behind");

            // a fresh model restored from the checkpoint recomputes the same representation
            try (Mmgcn fresh = new Mmgcn(mc, k, data.numUsers(), data.numItems(), data.modalities(), data.train(), 12345L);
                 Trainer t = new Trainer(fresh, data, SHORT, k)) {
                ck.restore(fresh.parameters());
                Tensor rep = t.computeRepresentation();
                try (HostScope h = new HostScope()) {
                    Tensor host = h.floats(rep.rows(), rep.cols());
                    k.download(rep, host);
                    assertArrayEquals(saved[0], host.toArray(), 1e-6f);
                }
            }
            // a model of another shape is refused with a message naming the parameter
            try (Mmgcn other = new Mmgcn(mc.withEmbeddingDim(8), k, data.numUsers(), data.numItems(), data.modalities(), data.train(), 1L)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> ck.restore(other.parameters()));
                assertTrue(e.getMessage().contains("id_embedding"), e.getMessage());
            }
        }
    }

    @Test
    void truncatedCheckpointIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.ckpt");
        Properties p = new Properties();
        p.setProperty("a", "b");
        new Checkpoint(p, new java.util.LinkedHashMap<>(java.util.Map.of("t", new float[] {1, 2, 3})),
                new java.util.LinkedHashMap<>(java.util.Map.of("t", new int[] {1, 3}))).write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.writeString(file, "not a checkpoint at all");
        assertThrows(java.io.IOException.class, () -> Checkpoint.read(file));
    }

    /**
     * A training step computes MMGCN's last layer on the batch's rows alone: on the tiny set (500 nodes)
     * with batches of 32 triples, the forward GEMMs of each branch's last layer (conv, self, the combination's
     * two blocks) have at most 96 rows, the first layer's all 500.
     */
    @Test
    void stepsRunTheLastLayerOnTheBatchsRows() {
        java.util.List<Integer> forwardRows = new java.util.ArrayList<>();
        Kernels real = Backends.byName("scalar");
        Kernels k = (Kernels) java.lang.reflect.Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("gemm") && !(Boolean) args[0] && !(Boolean) args[1]) forwardRows.add(((Tensor) args[6]).rows());
                    try {
                        return m.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            int nodes = data.numUsers() + data.numItems();
            TrainConfig tc = new TrainConfig(1, 32, 5e-3f, 1e-4f, 0f, 99L, 0, "recall@20", new int[] {20});
            try (Mmgcn model = new Mmgcn(MmgcnConfig.defaults(), k, data.numUsers(), data.numItems(), data.modalities(), data.train(), tc.seed());
                 Trainer t = new Trainer(model, data, tc, k)) {
                TrainingSteps steps = new TrainingSteps(t);
                steps.beginEpoch(1);
                forwardRows.clear();
                steps.step(0);
                int branches = data.modalities().size();
                assertEquals(4 * branches, forwardRows.stream().filter(r -> r == nodes).count(), "first layers on every node: " + forwardRows);
                assertEquals(4 * branches, forwardRows.stream().filter(r -> r <= 3 * 32).count(), "last layers on the batch's rows: " + forwardRows);
                assertTrue(Double.isFinite(steps.lossSum()));
            }
        }
    }
}
