package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Validation inside an epoch: its schedule, that the best validated step is the one reported and saved, and that it leaves training alone. */
class EvalEveryTest {
    private static final TrainConfig SHORT = new TrainConfig(3, 256, 5e-3f, 1e-4f, 0f, 41L, 0, "recall@20", new int[] {10, 20});

    @Test
    void defaultScheduleValidatesSmallDataOftenAndLargeDataOnce() {
        assertEquals(7, ValidationSchedule.stepsBetween(7, 30, 3000, 6710), "an explicit --eval-every is kept");
        assertEquals(3, ValidationSchedule.stepsBetween(0, 30, 300, 200), "tiny data: 10 validations per epoch");
        assertEquals(8, ValidationSchedule.stepsBetween(0, 30, 3051, 6710), "TikTok's size: 4 per epoch");
        assertEquals(127, ValidationSchedule.stepsBetween(0, 127, 50_000, 19_220), "MicroLens's size: once per epoch");
        assertEquals(1, ValidationSchedule.stepsBetween(0, 1, 10, 10), "one step per epoch: every step");
        for (long users = 1; users < 1_000_000; users *= 3) {
            int n = ValidationSchedule.perEpoch(users, 5000);
            assertTrue(n >= 1 && n <= ValidationSchedule.MAX_PER_EPOCH);
            assertTrue(n <= ValidationSchedule.perEpoch(Math.max(1, users / 3), 5000), "more users, no more validations");
        }
    }

    record Run(Trainer.Result result, List<Validation> validations, float[] savedRepresentation, List<Double> losses) {
    }

    static Run run(Kernels k, Dataset data, ModelConfig mc, TrainConfig tc) {
        List<Validation> seen = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        float[][] saved = new float[1][];
        try (RecModel model = Models.create(mc, k, data, tc.seed()); Trainer t = new Trainer(model, data, tc, k)) {
            Trainer.Result r = t.fit(new Trainer.Listener() {
                @Override
                public void validated(Validation v, double meanLoss) {
                    seen.add(v);
                }

                @Override
                public void epochDone(Trainer.EpochReport report) {
                    seen.add(report.end());
                    losses.add(report.loss());
                }
            }, (best, m, rep) -> {
                try (HostScope h = new HostScope()) {
                    Tensor host = h.floats(rep.rows(), rep.cols());
                    k.download(rep, host);
                    saved[0] = host.toArray();
                }
            });
            return new Run(r, seen, saved[0], losses);
        }
    }

    @Test
    void theBestValidatedStepIsReportedAndSaved() {
        Kernels k = Backends.cpu();
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 12)) {
            Run run = run(k, data, MmgcnConfig.defaults().withEmbeddingDim(16), SHORT.withEvalEvery(2));
            Trainer.Result r = run.result();
            int steps = r.best().steps();
            assertTrue(steps > 4, "enough steps per epoch to validate inside it: " + steps);
            for (Trainer.EpochReport e : r.history()) assertEquals(steps / 2 + (steps % 2), e.validations(), "every 2nd step and the end");
            assertEquals(r.history().size() * (steps / 2 + steps % 2), run.validations().size());
            double max = run.validations().stream().mapToDouble(v -> v.valid().get("recall@20")).max().orElseThrow();
            assertEquals(max, r.best().valid().get("recall@20"), "the best of all validations");
            Validation first = run.validations().stream().filter(v -> v.valid().get("recall@20") == max).findFirst().orElseThrow();
            assertEquals(first.globalStep(), r.best().globalStep(), "the first step that reached it");
            assertNotNull(r.best().test());
            assertNotNull(r.best().itemOnlyValid());
            assertTrue(run.validations().stream().anyMatch(v -> v.best() && !v.endOfEpoch()), "some new bests fall inside an epoch");
            for (Validation v : run.validations()) {
                assertEquals(v.best(), v.test() != null, "test metrics exactly at new bests: " + v);
                if (v.best()) assertNotNull(v.itemOnlyValid(), "and the item-only check");
            }

            // what the sink saved last is the best step's representation: it reproduces both metric sets
            try (HostScope h = new HostScope()) {
                Tensor rep = h.floats(data.numUsers() + data.numItems(), 16);
                rep.copyFrom(run.savedRepresentation());
                for (boolean valid : new boolean[] {true, false}) {
                    try (Evaluator ev = new Evaluator(k, data.numUsers(), data.numItems(), data.train(), valid ? data.valid() : data.test(),
                            SHORT.ks())) {
                        RankingMetrics m = ev.evaluate(rep.rowSlice(0, data.numUsers()), rep.rowSlice(data.numUsers(), rep.rows()));
                        assertEquals((valid ? r.best().valid() : r.best().test()).asMap(), m.asMap(), valid ? "valid" : "test");
                    }
                }
            }
        }
    }

    @Test
    void validatingMoreOftenDoesNotChangeTraining() {
        Kernels k = Backends.cpu();
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 13)) {
            for (ModelConfig mc : List.of(MmgcnConfig.defaults().withEmbeddingDim(16),
                    new FreedomConfig(16, 5, 1, 2, 0.5f, 1e-3f, Map.of()))) {
                Run often = run(k, data, mc, SHORT.withEvalEvery(1));
                Run rarely = run(k, data, mc, SHORT.withEvalEvery(1_000_000));
                assertEquals(rarely.losses(), often.losses(), mc.kind() + ": same losses epoch by epoch");
                List<Validation> ends = often.validations().stream().filter(Validation::endOfEpoch).toList();
                for (int e = 0; e < ends.size(); e++) {
                    assertEquals(rarely.validations().get(e).valid().asMap(), ends.get(e).valid().asMap(), mc.kind() + " epoch " + (e + 1));
                }
                assertTrue(often.validations().size() > rarely.validations().size());
            }
        }
    }

    @Test
    void patienceCountsEpochsWithoutAnyImprovement() {
        Kernels k = Backends.cpu();
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 14)) {
            // a learning rate this small moves nothing that counts: the first validation stays the best
            TrainConfig frozen = new TrainConfig(6, 256, 1e-9f, 0f, 0f, 3L, 2, "recall@20", new int[] {20}).withEvalEvery(1);
            Run run = run(k, data, MmgcnConfig.defaults().withEmbeddingDim(16), frozen);
            Trainer.Result r = run.result();
            int improvedIn = r.best().epoch();
            assertTrue(r.stoppedEarly(), "stopped early");
            assertEquals(improvedIn + 2, r.history().size(), "two epochs after the last improvement (epoch " + improvedIn + ")");
        }
    }
}
