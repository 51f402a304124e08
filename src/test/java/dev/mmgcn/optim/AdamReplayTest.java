package dev.mmgcn.optim;

import dev.mmgcn.kernels.GraphReplay;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.kernels.ScalarKernels;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adam's step count when the training step is replayed as a recording (a CUDA graph): the Java code of
 * {@code Adam.step} runs only on the recorded runs, yet every replay is a step, and {@code steps()} is what
 * {@code last.ckpt} saves and {@code --resume} restores as the bias correction's t.
 */
class AdamReplayTest {
    private static final float[] THETA0 = {1f, -2f, 0.5f, 3f};
    private static final float[] GRAD = {2f, -4f, 0.25f, 1e-3f};

    /** Runs {@code steps} flat Adam steps, each one replayable region; returns {θ, steps()} and fills {@code state}. */
    private static float[] run(Kernels k, int steps, int[] counted, Map<String, float[][]>[] state, int restoreSteps,
                               Map<String, float[][]> restoreMoments, float[] restoreTheta) {
        try (ParameterStore store = new ParameterStore(k); Tape tape = new Tape(k); HostScope host = new HostScope();
             Scope dev = k.newScope(); Adam adam = new Adam(k, 0.1f, 0.9f, 0.999f, 1e-8f, 0f)) {
            float[] start = restoreTheta != null ? restoreTheta : THETA0;
            Var theta = store.create("theta", 1, 4, t -> t.copyFrom(start));
            store.flat();
            adam.prepare(store);
            if (restoreMoments != null) adam.restore(restoreSteps, store.all(), restoreMoments);
            Tensor ch = host.floats(1, 4);
            ch.copyFrom(GRAD);
            Tensor cd = dev.floats(1, 4);
            k.upload(ch, cd);
            for (int s = 0; s < steps; s++) {
                k.replayable("step", () -> {
                    tape.begin();
                    tape.backward(tape.rowDot(theta, Var.constant("c", cd)));
                    adam.step(tape, store);
                });
            }
            counted[0] = adam.steps();
            if (state != null) state[0] = adam.moments(store.all());
            return store.read(theta, host);
        }
    }

    @Test
    void replayedStepsAreCountedAndResumeContinuesFromTheRightStep() {
        GraphReplay.Stats stats = new GraphReplay.Stats();
        Kernels replaying = GraphReplay.over(new ScalarKernels(), stats);
        int[] counted = new int[1];
        @SuppressWarnings("unchecked") Map<String, float[][]>[] state = new Map[1];
        float[] replayed = run(replaying, 5, counted, state, 0, null, null);
        assertEquals(3, stats.replays, "steps 3 to 5 were replays");
        assertEquals(5, counted[0], "Adam.steps() after 5 steps, 3 of them replayed");

        int[] plainCount = new int[1];
        float[] plain = run(new ScalarKernels(), 5, plainCount, null, 0, null, null);
        assertArrayEquals(plain, replayed, "replayed steps update θ as run ones do");

        // resume from the saved state and take 2 more: the same θ as 7 uninterrupted steps
        int[] resumedCount = new int[1];
        float[] resumed = run(GraphReplay.over(new ScalarKernels(), new GraphReplay.Stats()), 2, resumedCount, null,
                counted[0], state[0], replayed);
        float[] seven = run(new ScalarKernels(), 7, new int[1], null, 0, null, null);
        assertEquals(7, resumedCount[0]);
        assertArrayEquals(seven, resumed, "a resumed run's bias correction continues at t = 6");
        assertTrue(plainCount[0] == 5);
    }
}
