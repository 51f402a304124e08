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
    void defaultScheduleSpendsAboutATenthOfTheTrainingOnValidation() {
        assertEquals(7, ValidationSchedule.stepsBetween(7, 30, 3.4e9, 3000, 6710, 64), "an explicit --eval-every is kept");
        // TikTok's shape: a forward 3.4 GFLOP, a step 10.2; a validation 3.4 + 3051·6710·(128 + 256) = 11.26 GFLOP;
        // 10 % of 30 steps = 30.6 GFLOP: 2.72 fit, 2 validations inside the epoch, every ceil(30 / 3) = 10 steps
        assertEquals(10, ValidationSchedule.stepsBetween(0, 30, 3.4e9, 3051, 6710, 64));
        // the built-in synthetic set: forward 1.28 GFLOP, 36 steps, 3000 × 2000: 3.87 fit, every ceil(36 / 4) = 9
        assertEquals(9, ValidationSchedule.stepsBetween(0, 36, 1.28e9, 3000, 2000, 64));
        // the same with a forward ten times cheaper: a validation is mostly ranking, only 0.27 fits
        assertEquals(30, ValidationSchedule.stepsBetween(0, 30, 3.4e8, 3051, 6710, 64), "none inside: validated at the end");
        // a forward that dwarfs the ranking: 0.1·30·3e12 / (1e12 + 7.86e9) = 8.93 fit: 8, every ceil(30 / 9) = 4 steps
        assertEquals(4, ValidationSchedule.stepsBetween(0, 30, 1e12, 3051, 6710, 64));
        assertEquals(10, ValidationSchedule.stepsBetween(0, 100, 1e12, 10, 10, 8), "at most 9 inside: every ceil(100 / 10) = 10 steps");
        assertEquals(1, ValidationSchedule.stepsBetween(0, 1, 1e12, 10, 10, 8), "one step per epoch: every step");
        assertEquals(3, ValidationSchedule.stepsBetween(0, 3, 1e12, 10, 10, 8), "0.9 fit in 3 steps: at the end only");
        for (long users = 1; users < 1_000_000; users *= 3) {
            int n = ValidationSchedule.inside(30, 1e9, users, 5000, 64);
            assertTrue(n >= 0 && n <= ValidationSchedule.MAX_INSIDE);
            assertTrue(n <= ValidationSchedule.inside(30, 1e9, Math.max(1, users / 3), 5000, 64), "more users, no more validations");
        }
    }

    @Test
    void theTrainersForwardCountIsTheModelsOwn() {
        // MMGCN's forward on the tiny set, counted by hand (Work's conventions: a multiply-add is 2 FLOPs, a
        // LeakyReLU 1, a bias + LeakyReLU 2, a row norm 3 per element). Per modality of width f: the input's row
        // normalisation 3·N·f; per layer (in = f, then 16; out 16): X·W1 (2·N·in·in), the SpMM (2·nnz·in), its
        // LeakyReLU (N·in), X·W2 with bias + LeakyReLU (2·N·in·16 + 2·N·16), + E_id (N·16), [H ‖ X^]·W3 with
        // bias + LeakyReLU (2·N·(in + 16)·16 + 2·N·16); the mean of the two modalities: a scale and an axpby (4·N·16).
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 5)) {
            Kernels k = Backends.cpu();
            MmgcnConfig mc = new MmgcnConfig(16, 256, 2, dev.mmgcn.layers.Aggregation.MEAN, dev.mmgcn.layers.Combination.CONCAT,
                    MmgcnConfig.Fusion.MEAN, true, 0.01f);
            try (RecModel model = Models.create(mc, k, data, 3L); Trainer t = new Trainer(model, data, SHORT, k)) {
                long n = data.numUsers() + data.numItems();
                long nnz = 2L * data.train().size(); // TINY has no repeated pairs; both directions stored
                assertEquals(2, data.modalities().size());
                double flops = 4.0 * n * 16;
                for (var m : data.modalities()) {
                    int f = m.features().cols();
                    flops += 3.0 * n * f;
                    for (int in : new int[] {f, 16}) {
                        flops += 2.0 * n * in * in + 2.0 * nnz * in + n * in;
                        flops += 2.0 * n * in * 16 + 2.0 * n * 16 + n * 16;
                        flops += 2.0 * n * (in + 16) * 16 + 2.0 * n * 16;
                    }
                }
                assertEquals(flops, t.forwardFlops());
                long users = java.util.stream.IntStream.of(data.valid().users()).distinct().count();
                int inside = ValidationSchedule.inside(t.stepsPerEpoch(), flops, users, data.numItems(), 16);
                assertEquals((int) Math.ceil(t.stepsPerEpoch() / (inside + 1.0)), t.evalEvery());
            }
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
