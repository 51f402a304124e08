package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Backends;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A run stopped after epoch E and resumed from the state it saved (written to a file and read back) ends
 * bit for bit as the run that was never stopped: every epoch's loss and metrics, the final parameters.
 */
class ResumeTest {
    @TempDir
    Path dir;

    private static final TrainConfig TC = new TrainConfig(3, 256, 5e-3f, 1e-4f, 1e-4f, 41L, 0, "recall@20", new int[] {10, 20})
            .withEvalEvery(5); // validations inside epochs too: the default validates data this small at epoch ends only

    record Run(Trainer.Result result, Map<String, float[]> finalParams, List<TrainingState> states) {
    }

    private static Run train(Dataset data, TrainConfig tc, TrainingState from) {
        return train(MmgcnConfig.defaults(), data, tc, from);
    }

    private static Run train(dev.mmgcn.model.ModelConfig mc, Dataset data, TrainConfig tc, TrainingState from) {
        Kernels k = Backends.cpu();
        List<TrainingState> states = new ArrayList<>();
        try (dev.mmgcn.model.RecModel model = dev.mmgcn.model.Models.create(mc, k, data, tc.seed());
             Trainer t = new Trainer(model, data, tc, k)) {
            Trainer.Result r = t.fit(new Trainer.Listener() {
            }, null, from, states::add);
            Map<String, float[]> params = new LinkedHashMap<>();
            try (HostScope h = new HostScope()) {
                for (Var p : model.parameters().all()) params.put(p.name(), model.parameters().read(p, h));
            }
            return new Run(r, params, states);
        }
    }

    @Test
    void twoEpochsAndOneResumedEqualThreeInARow() throws Exception {
        twoAndOne(MmgcnConfig.defaults());
    }

    @Test
    void lightGcnResumesExactlyToo() throws Exception {
        twoAndOne(dev.mmgcn.model.LightGcnConfig.defaults());
    }

    private void twoAndOne(dev.mmgcn.model.ModelConfig mc) throws Exception {
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            Run whole = train(mc, data, TC, null);
            Run firstPart = train(mc, data, TC.withEpochs(2), null);
            Path file = dir.resolve("last.ckpt");
            TrainingStateFile.write(file, firstPart.states().getLast().withExtra(Map.of("run_id", "r1", "metrics_lines", "2")));
            TrainingState saved = TrainingStateFile.read(file);
            assertEquals(2, saved.epoch());
            assertEquals(Map.of("run_id", "r1", "metrics_lines", "2"), saved.extra());
            assertTrue(saved.adamSteps() > 0);
            Run rest = train(mc, data, TC, saved);

            assertEquals(whole.result().history().size(), rest.result().history().size());
            assertTrue(whole.result().history().getFirst().validations() > 1, "validations inside epochs too (--eval-every 5)");
            for (int e = 0; e < 3; e++) {
                Trainer.EpochReport a = whole.result().history().get(e), b = rest.result().history().get(e);
                assertEquals(a.epoch(), b.epoch());
                assertEquals(a.loss(), b.loss(), "epoch " + (e + 1) + " loss, bit for bit");
                assertEquals(a.valid().asMap(), b.valid().asMap(), "epoch " + (e + 1) + " valid");
                assertEquals(a.itemOnlyValid().asMap(), b.itemOnlyValid().asMap());
                assertEquals(a.best(), b.best());
                assertEquals(a.test() == null ? null : a.test().asMap(), b.test() == null ? null : b.test().asMap());
            }
            assertEquals(whole.result().best().globalStep(), rest.result().best().globalStep(), "the best validated step");
            assertEquals(whole.result().best().test().asMap(), rest.result().best().test().asMap());
            assertEquals(whole.finalParams().keySet(), rest.finalParams().keySet());
            for (String name : whole.finalParams().keySet()) {
                assertArrayEquals(whole.finalParams().get(name), rest.finalParams().get(name), name + " after epoch 3");
            }
            // the state after epoch 3 of both runs is the same too (Adam's moments included)
            TrainingState a = whole.states().getLast(), b = rest.states().getLast();
            assertEquals(a.adamSteps(), b.adamSteps());
            for (String name : a.moments().keySet()) {
                assertArrayEquals(a.moments().get(name)[0], b.moments().get(name)[0], name + " m");
                assertArrayEquals(a.moments().get(name)[1], b.moments().get(name)[1], name + " v");
            }
        }
    }

    @Test
    void withoutTheSavedMomentsTheRunWouldDiffer() throws Exception {
        // the oracle's own check: dropping Adam's state from the saved state changes the continuation
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            Run whole = train(data, TC, null);
            TrainingState s = train(data, TC.withEpochs(2), null).states().getLast();
            TrainingState noMoments = new TrainingState(s.epoch(), s.sinceBest(), s.history(), s.best(), 0, s.parameters(), s.shapes(), Map.of(), s.extra());
            Run rest = train(data, TC, noMoments);
            assertNotEquals(whole.result().history().get(2).loss(), rest.result().history().get(2).loss());
        }
    }

    @Test
    void aRunThatHadStoppedEarlyTrainsNoFurther() throws Exception {
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            TrainingState s = train(data, TC.withEpochs(2), null).states().getLast();
            TrainConfig patient = new TrainConfig(5, 256, 5e-3f, 1e-4f, 1e-4f, 41L, 1, "recall@20", new int[] {10, 20});
            TrainingState stalled = new TrainingState(s.epoch(), 1, s.history(), s.best(), s.adamSteps(), s.parameters(), s.shapes(), s.moments(), s.extra());
            Run rest = train(data, patient, stalled);
            assertEquals(2, rest.result().history().size());
            assertTrue(rest.result().stoppedEarly());
            assertTrue(rest.states().isEmpty());
        }
    }

    @Test
    void aDamagedStateFileIsRefusedNamingIt() throws Exception {
        try (Dataset data = SyntheticGenerator.generate(SyntheticGenerator.TINY, 3)) {
            TrainingState s = train(data, TC.withEpochs(1), null).states().getLast();
            Path file = dir.resolve("last.ckpt");
            TrainingStateFile.write(file, s);
            byte[] b = Files.readAllBytes(file);
            b[b.length - 5] ^= 1;
            Files.write(file, b);
            var e = assertThrows(java.io.IOException.class, () -> TrainingStateFile.read(file));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }
}
