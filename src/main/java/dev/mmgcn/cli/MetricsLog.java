package dev.mmgcn.cli;

import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.Validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per validation. Every line has epoch, step (within the epoch),
 * steps (per epoch), global_step, loss (mean over the epoch's steps so far), eval_seconds, best, valid,
 * test (at new bests, else null) and item_only_valid (at epoch ends and new bests, else null); the line
 * of an epoch's end also has "end_of_epoch": true and train_seconds.
 */
final class MetricsLog {
    private MetricsLog() {
    }

    static Map<String, Object> line(Validation v, double loss, Trainer.EpochReport epoch) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", v.epoch());
        line.put("step", v.step());
        line.put("steps", v.steps());
        line.put("global_step", v.globalStep());
        line.put("end_of_epoch", epoch != null);
        line.put("loss", loss);
        if (epoch != null) line.put("train_seconds", epoch.trainSeconds());
        line.put("eval_seconds", v.evalSeconds());
        line.put("best", v.best());
        line.put("valid", v.valid().asMap());
        line.put("test", v.test() == null ? null : v.test().asMap());
        line.put("item_only_valid", v.itemOnlyValid() == null ? null : v.itemOnlyValid().asMap());
        return line;
    }

    static void write(Writer w, Map<String, Object> line) {
        try {
            w.write(Json.of(line));
            w.write('\n');
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
