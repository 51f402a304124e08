package dev.mmgcn.train;

import dev.mmgcn.model.RecModel;
import dev.mmgcn.optim.Adam;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.tape.Var;

import java.util.LinkedHashMap;
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

    /** The early-stopping value this state goes on with, under {@code patience} (a resume may raise it). */
    EarlyStopping stopping(int patience) {
        return new EarlyStopping(patience, sinceBest);
    }

    /** The state after {@code epoch}: the model's parameters and Adam's moments copied to the host. */
    static TrainingState capture(RecModel model, Adam adam, int epoch, EarlyStopping stopping, List<Trainer.EpochReport> history,
                                 Validation best) {
        Map<String, float[]> params = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (HostScope h = new HostScope()) {
            for (Var p : model.parameters().all()) {
                params.put(p.name(), model.parameters().read(p, h));
                shapes.put(p.name(), new int[] {p.rows(), p.cols()});
            }
        }
        return new TrainingState(epoch, stopping.sinceBest(), history, best, adam.steps(), params, shapes,
                adam.moments(model.parameters().all()), Map.of());
    }

    /** Puts these parameters and Adam's state in place, checking that they fit {@code model}. */
    void restore(RecModel model, Adam adam) {
        List<Var> all = model.parameters().all();
        for (Var p : all) {
            int[] shape = shapes.get(p.name());
            if (shape == null) throw new IllegalStateException("the saved state lacks parameter '" + p.name() + "'");
            if (shape[0] != p.rows() || shape[1] != p.cols()) {
                throw new IllegalStateException("parameter '" + p.name() + "' is " + shape[0] + "x" + shape[1] + " in the saved state but "
                        + p.rows() + "x" + p.cols() + " in the model");
            }
            model.parameters().write(p, parameters.get(p.name()));
        }
        if (parameters.size() != all.size()) {
            throw new IllegalStateException("the saved state has " + parameters.size() + " parameters, the model " + all.size());
        }
        adam.restore(adamSteps, all, moments);
    }
}
