package dev.mmgcn.cli;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.Validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's records as training goes: one line in metrics.jsonl per validation — several per epoch
 * on small data, the epoch's end always (the whole file rewritten atomically, so it is never cut inside
 * a line) — the console rows (one per validation: inside an epoch and at its end), the log; and on a
 * failure the reason into config.json and train.log, so the folder says how the run ended. The console
 * shows a validation inside an epoch at once; its metrics line and the log reach the disk with the epoch's
 * end (two atomic, synced writes per epoch rather than two per validation).
 */
final class RunRecorder {
    private final RunFolder folder;
    private final RunLog log;
    private final RunRecord record;
    private final TrainConfig tc;
    private final List<String> lines = new ArrayList<>();
    private long lastStepWritten;

    RunRecorder(RunFolder folder, RunLog log, RunRecord record, TrainConfig tc) {
        this(folder, log, record, tc, List.of());
    }

    /** A recorder whose metrics.jsonl starts with {@code earlier}, the lines of the validations already done (a resumed run). */
    RunRecorder(RunFolder folder, RunLog log, RunRecord record, TrainConfig tc, List<String> earlier) {
        this.folder = folder;
        this.log = log;
        this.record = record;
        this.tc = tc;
        lines.addAll(earlier);
        if (!earlier.isEmpty() && Json.read(earlier.getLast()).get("global_step") instanceof Number n) lastStepWritten = n.longValue();
    }

    /** Lines in metrics.jsonl so far: a training state records it, so a resumed run knows which lines are its own. */
    int metricsLines() {
        return lines.size();
    }

    Trainer.Listener listener(EpochTable table, Progress progress) {
        String of = "/" + tc.epochs();
        return new Trainer.Listener() {
            @Override
            public void epochStarted(int epoch, int batches) {
                progress.start("epoch " + epoch + of, batches, "batches");
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double meanLoss) {
                progress.update(batch, String.format(Locale.ROOT, "loss %.4f", meanLoss));
                if (batch == batches) progress.startOpen("epoch " + epoch + of + " evaluating", null);
            }

            @Override
            public void validated(Validation v, double meanLoss) {
                addMetricsLine(v, meanLoss, null);
                progress.finish();
                table.print(log.out(), v, meanLoss);
                progress.start("epoch " + v.epoch() + of, v.steps(), "batches");
                progress.update(v.step(), String.format(Locale.ROOT, "loss %.4f", meanLoss));
            }

            @Override
            public void epochDone(Trainer.EpochReport r) {
                progress.finish();
                table.print(log.out(), r);
                addMetricsLine(r.end(), r.loss(), r);
                writeMetrics();
                saveLog();
                if (!Double.isFinite(r.loss())) {
                    throw new Failure(Failure.DIVERGED, "training diverged at epoch " + r.epoch() + " (loss " + r.loss()
                            + "); try a smaller --lr (now " + tc.learningRate() + ")", null);
                }
            }
        };
    }

    /**
     * Appends validation {@code v}'s line once: epoch, step (within the epoch), steps (per epoch),
     * global_step, end_of_epoch, loss (mean over the epoch's steps so far), train_seconds (epoch ends),
     * eval_seconds (this validation; the epoch's total at its end), best, valid, test (at new bests),
     * item_only_valid (at new bests and epoch ends). It reaches the disk with {@link #writeMetrics}, at the
     * epoch's end, before the checkpoint it describes is written.
     */
    void addMetricsLine(Validation v, double loss, Trainer.EpochReport epoch) {
        if (v.globalStep() <= lastStepWritten) return;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", v.epoch());
        line.put("step", v.step());
        line.put("steps", v.steps());
        line.put("global_step", v.globalStep());
        line.put("end_of_epoch", epoch != null);
        line.put("loss", loss);
        if (epoch != null) line.put("train_seconds", epoch.trainSeconds());
        line.put("eval_seconds", epoch != null ? epoch.evalSeconds() : v.evalSeconds());
        line.put("best", v.best());
        line.put("valid", metrics(v.valid()));
        line.put("test", metrics(v.test()));
        line.put("item_only_valid", v.valid().users() == 0 ? null : metrics(v.itemOnlyValid()));
        line.put("run_id", record.runId());
        lines.add(Json.line(line));
        lastStepWritten = v.globalStep();
    }

    /** metrics.jsonl with every line so far, rewritten atomically. */
    void writeMetrics() {
        try {
            folder.write(RunFolder.METRICS, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Double> metrics(RankingMetrics m) {
        return m == null || m.users() == 0 ? null : m.asMap();
    }

    void saveLog() {
        try {
            log.save(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records how the run ended in config.json and train.log; never throws (the original failure is what counts). */
    void failed(Throwable t) {
        String message = t instanceof Failure || t instanceof dev.mmgcn.data.DataException || t instanceof dev.mmgcn.settings.SettingsException
                ? t.getMessage()
                : t instanceof IOException || t instanceof UncheckedIOException ? FileErrors.describe(t instanceof UncheckedIOException u ? u.getCause() : t)
                : t.toString();
        boolean diverged = t instanceof Failure f && f.exitCode() == Failure.DIVERGED;
        record.finished(diverged ? "diverged" : "failed", message);
        try {
            writeMetrics(); // the lines of validations inside the epoch that failed
        } catch (RuntimeException ignored) {
            // as below
        }
        try {
            folder.write(RunFolder.CONFIG, record.json());
        } catch (IOException | RuntimeException ignored) {
            // the disk may be what failed
        }
        try {
            folder.write(RunFolder.LOG, log.text() + "error: " + message + "\n");
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
    }
}
