package dev.mmgcn.cli;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's per-epoch records as training goes: the epoch's line in metrics.jsonl (the whole file
 * rewritten atomically, so it is never cut inside a line), the console row, the log; and on a failure
 * the reason into config.json and train.log, so the folder says how the run ended.
 */
final class RunRecorder {
    private final RunFolder folder;
    private final RunLog log;
    private final RunRecord record;
    private final TrainConfig tc;
    private final List<String> lines = new ArrayList<>();
    private int lastEpochWritten;

    RunRecorder(RunFolder folder, RunLog log, RunRecord record, TrainConfig tc) {
        this(folder, log, record, tc, List.of());
    }

    /** A recorder whose metrics.jsonl starts with {@code earlier}, one line per epoch already trained (a resumed run). */
    RunRecorder(RunFolder folder, RunLog log, RunRecord record, TrainConfig tc, List<String> earlier) {
        this.folder = folder;
        this.log = log;
        this.record = record;
        this.tc = tc;
        lines.addAll(earlier);
        lastEpochWritten = earlier.size();
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
            public void epochDone(Trainer.EpochReport r) {
                progress.finish();
                table.print(log.out(), r);
                writeMetricsLine(r);
                saveLog();
                if (!Double.isFinite(r.loss())) {
                    throw new Failure(Failure.DIVERGED, "training diverged at epoch " + r.epoch() + " (loss " + r.loss()
                            + "); try a smaller --lr (now " + tc.learningRate() + ")", null);
                }
            }
        };
    }

    /** Appends epoch {@code r}'s line once (the checkpoint sink writes it before the checkpoint; epochDone otherwise). */
    void writeMetricsLine(Trainer.EpochReport r) {
        if (r.epoch() <= lastEpochWritten) return;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", r.epoch());
        line.put("loss", r.loss());
        line.put("train_seconds", r.trainSeconds());
        line.put("eval_seconds", r.evalSeconds());
        line.put("best", r.best());
        line.put("valid", metrics(r.valid()));
        line.put("test", metrics(r.test()));
        line.put("item_only_valid", r.valid().users() == 0 ? null : metrics(r.itemOnlyValid()));
        line.put("run_id", record.runId());
        lines.add(Json.line(line));
        try {
            folder.write(RunFolder.METRICS, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastEpochWritten = r.epoch();
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
