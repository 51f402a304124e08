package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.profile.EpochProfile;
import dev.mmgcn.profile.Profiler;

import java.util.function.Consumer;

/** A short training run whose only output is its profile: what {@code bench --profile} runs per backend. */
public final class ProfiledRun {
    private ProfiledRun() {
    }

    /** Trains {@code tc.epochs()} epochs of {@code mc} on {@code data} and hands each epoch's profile to {@code sink}. */
    public static void run(Kernels kernels, Dataset data, MmgcnConfig mc, TrainConfig tc, Consumer<EpochProfile> sink) {
        try (Mmgcn model = new Mmgcn(mc, kernels, data.numUsers(), data.numItems(), data.modalities(), data.train(), tc.seed());
             Trainer trainer = new Trainer(model, data, tc, kernels, Profiler.on(sink))) {
            trainer.fit(new Trainer.Listener() {
            }, null);
        }
    }
}
