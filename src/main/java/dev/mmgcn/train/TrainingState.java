package dev.mmgcn.train;

import java.util.List;
import java.util.Map;

/**
 * Everything a run needs to go on after epoch {@code epoch} exactly as if it had never stopped: the
 * parameters, Adam's moments and step count, the epochs so far, the best validation so far (which may
 * lie inside an epoch, with --eval-every), the early-stopping counter, and free-form {@code extra} values the caller keeps with it (the run id, how
 * many metrics lines belong to these epochs). Sampling needs no saved generator: each epoch's plan
 * (shuffle and negatives) is a function of (seed, epoch), and the run's step count is epochs × steps.
 *
 * @param parameters host copies of every parameter, by name, with {@code shapes} (rows, cols)
 * @param moments    Adam's {m, v} per parameter name
 */
public record TrainingState(int epoch, int sinceBest, List<Trainer.EpochReport> history, Validation best, int adamSteps,
                            Map<String, float[]> parameters, Map<String, int[]> shapes, Map<String, float[][]> moments,
                            Map<String, String> extra) {
    public TrainingState {
        history = List.copyOf(history);
        extra = Map.copyOf(extra);
    }

    public TrainingState withExtra(Map<String, String> more) {
        Map<String, String> m = new java.util.LinkedHashMap<>(extra);
        m.putAll(more);
        return new TrainingState(epoch, sinceBest, history, best, adamSteps, parameters, shapes, moments, m);
    }
}
