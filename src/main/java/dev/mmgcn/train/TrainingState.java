package dev.mmgcn.train;

import java.util.List;
import java.util.Map;

/**
 * Everything a run needs to go on after epoch {@code epoch} exactly as if it had never stopped: the
 * parameters, Adam's moments and step count, the epochs so far (the best one among them), the
 * early-stopping counter, and free-form {@code extra} values the caller keeps with it (the run id, how
 * many metrics lines belong to these epochs). Sampling needs no saved generator: each epoch's shuffle and
 * negatives are drawn from a generator seeded by (seed, epoch).
 *
 * @param parameters host copies of every parameter, by name, with {@code shapes} (rows, cols)
 * @param moments    Adam's {m, v} per parameter name
 */
public record TrainingState(int epoch, int sinceBest, List<Trainer.EpochReport> history, int adamSteps,
                            Map<String, float[]> parameters, Map<String, int[]> shapes, Map<String, float[][]> moments,
                            Map<String, String> extra) {
    public TrainingState {
        history = List.copyOf(history);
        extra = Map.copyOf(extra);
    }

    /** The best epoch so far (the last that improved validation), or null before any. */
    public Trainer.EpochReport best() {
        Trainer.EpochReport b = null;
        for (Trainer.EpochReport r : history) if (r.best()) b = r;
        return b;
    }

    public TrainingState withExtra(Map<String, String> more) {
        Map<String, String> m = new java.util.LinkedHashMap<>(extra);
        m.putAll(more);
        return new TrainingState(epoch, sinceBest, history, adamSteps, parameters, shapes, moments, m);
    }
}
