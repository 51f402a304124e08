package dev.mmgcn.cli;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Modality;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.DataShape;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.settings.ConfigFile;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.train.Checkpoint;
import dev.mmgcn.train.CheckpointHeader;
import dev.mmgcn.train.NegativeSampler;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.profile.Profiler;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.TrainingStateFile;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * One training run, in the order that keeps a failure cheap and a run folder truthful: every setting and
 * path is checked and the backend opened before any data is read; the data is loaded and the memory the
 * run needs is checked before the model is built; only then is the run folder claimed. Each epoch
 * writes its metrics line before the checkpoint it describes, then the log; summary.json comes last.
 */
final class TrainRun {
    private final TrainSettings settings;
    private final ConfigFile configFile;
    private final boolean overwrite;
    private final boolean profile;
    private final List<String> commandLine;
    private final PrintStream console;
    private final PrintStream consoleErr;
    /** --cuda-graphs: null when not given (CudaGraphsOption). */
    private Boolean cudaGraphs;
    /** Null, or the stopped run this one continues (train --resume). */
    private final Resume resume;

    TrainRun(TrainSettings settings, ConfigFile configFile, boolean overwrite, boolean profile, List<String> commandLine,
             PrintStream out, PrintStream err) {
        this(settings, configFile, overwrite, profile, commandLine, out, err, null);
    }

    TrainRun(Resume resume, boolean profile, List<String> commandLine, PrintStream out, PrintStream err) {
        this(resume.settings(), null, false, profile, commandLine, out, err, resume);
    }

    private TrainRun(TrainSettings settings, ConfigFile configFile, boolean overwrite, boolean profile, List<String> commandLine,
                     PrintStream out, PrintStream err, Resume resume) {
        this.resume = resume;
        this.settings = settings;
        this.configFile = configFile;
        this.overwrite = overwrite;
        this.profile = profile;
        this.commandLine = commandLine;
        this.console = out;
        this.consoleErr = err;
    }

    /** Sets {@code --cuda-graphs} (null: not given). */
    TrainRun cudaGraphs(Boolean graphs) {
        this.cudaGraphs = graphs;
        return this;
    }

    int run() throws IOException {
        try {
            return checkedRun();
        } finally {
            if (resume != null) resume.lock().close(); // held since the folder was read; released however the run ends
        }
    }

    private int checkedRun() throws IOException {
        if (overwrite && settings.out() == null) {
            throw Failure.usage("--overwrite needs --out DIR: a default run folder is always new");
        }
        String device = settings.device();
        CudaGraphsOption.requireCuda(cudaGraphs, device.equals("cuda") || device.equals("auto"), "--device " + device);
        if (settings.out() != null && resume == null) checkOutBeforehand(settings.out(), settings.settings().where(TrainSettings.OUT));
        DataLoading.Plan plan = DataLoading.check(settings.data(), settings.settings());
        MemoryBudget.checkFeatures(plan.features(), MemoryBudget.Limits.current());
        RunLog log = resume == null ? new RunLog(console, consoleErr) : new RunLog(console, consoleErr, resume.log());
        RunRecord record = resume == null ? new RunRecord(settings, commandLine, configFile) : new RunRecord(settings, resume.record(), commandLine);
        try (Progress progress = Progress.forStderr(consoleErr)) {
            Kernels kernels = CudaGraphsOption.open("--device", settings.device(), settings.threads(), cudaGraphs);
            try {
                String graphsNote = CudaGraphsOption.note(kernels, cudaGraphs);
                if (!graphsNote.isEmpty()) log.err().println("note: " + graphsNote);
                Dataset data;
                progress.startOpen("loading " + DataLoading.name(settings.data()), Progress.readDetail(plan.bytes()));
                try {
                    data = DataLoading.load(settings.data(), settings.settings(), log.err(), settings.model().readsFeatures());
                } finally {
                    progress.finish();
                }
                try (data) {
                    return prepare(kernels, modelData(data, log), plan, log, record, progress);
                }
            } finally {
                kernels.close();
            }
        }
    }

    private int prepare(Kernels kernels, Dataset data, DataLoading.Plan plan, RunLog log, RunRecord record, Progress progress)
            throws IOException {
        PrintStream out = log.out();
        TrainConfig tc = clampBatch(clampCutoffs(settings.training(), data.numItems(), log.err()), data.train().size(), log.err());
        ModelConfig mc = settings.model();
        checkMemory(kernels, data, mc, tc, log.err());
        TrainingRecord trainingRecord = TrainingRecord.of(data); // fingerprint, id maps, seen items: once, not per checkpoint
        DataFingerprint fingerprint = trainingRecord.fingerprint();
        record.data(data, plan, fingerprint);

        if (resume != null) checkSameData(fingerprint);
        String command = String.join(" ", commandLine);
        try (RunFolder folder = resume != null ? RunFolder.resumed(resume.dir(), resume.lock())
                : settings.out() != null
                ? RunFolder.open(settings.out(), overwrite, settings.settings().where(TrainSettings.OUT), command)
                : RunFolder.createDefault(Path.of("runs"), DataLoading.name(settings.data()), LocalDateTime.now(), command)) {
            return train(kernels, data, tc, mc, trainingRecord, fingerprint, folder, log, record, progress);
        }
    }

    private int train(Kernels kernels, Dataset data, TrainConfig tc, ModelConfig mc, TrainingRecord trainingRecord, DataFingerprint fingerprint,
                      RunFolder folder, RunLog log, RunRecord record, Progress progress) throws IOException {
        PrintStream out = log.out();
        if (folder.staleLock() != null) {
            log.err().println("note: " + folder.dir() + " held the lock file of " + folder.staleLock() + ", which ended without removing it; taken over");
        }
        if (resume != null && resume.finished()) reopen(folder, log.err());
        if (!folder.removed().isEmpty()) log.err().println("note: --overwrite: removed " + String.join(", ", folder.removed()) + " of the earlier run in " + folder.dir());
        record.started(Backend.describe(kernels), kernels.name(), Backend.threads());
        // every default recorded as this run takes it; eval-every once the trainer has chosen it from the data
        record.settings(record.settings().resolved(null, Backend.threads()));
        folder.write(RunFolder.CONFIG, record.json());
        RunRecorder recorder = new RunRecorder(folder, log, record, tc, resume == null ? List.of() : resume.metricsLines());
        // a new best's checkpoint, captured (an in-memory copy) when it is found and written at its epoch's end, before
        // last.ckpt: a run that validates several times per epoch writes best.ckpt at most once per epoch
        Checkpoint[] pendingBest = {null};
        try {
            if (resume != null) {
                out.printf(Locale.ROOT, "%nresumed  %s: from epoch %d of %d (%s)%n", java.time.OffsetDateTime.now(), resume.state().epoch(),
                        tc.epochs(), folder.file(RunFolder.LAST));
            }
            out.println("backend  " + Backend.describe(kernels));
            out.println("data     " + data.summary());
            if (configFile != null) out.println("config   " + configFile.layer().source() + " (options on the command line override it)");
            configFile(data, fingerprint, log.err());
            for (String note : notes) out.println(note);
            try (RecModel model = create(mc, kernels, data, tc.seed())) {
                printHeader(out, mc, tc, model, folder);
                Profiler profiler = profile ? Profiler.on(p -> p.lines().forEach(out::println)) : Profiler.off();
                try (Trainer trainer = new Trainer(model, data, tc, kernels, profiler)) {
                    record.settings(record.settings().resolved(trainer.evalEvery(), Backend.threads()));
                    folder.write(RunFolder.CONFIG, record.json());
                    CheckpointHeader header = RunHeader.of(record.settings(), record.defaults(), data, record.runId());
                    if (!trainer.hasValidation()) {
                        out.println("note     the data has no validation interactions: no early stopping, and the last epoch is reported");
                    } else {
                        out.printf(Locale.ROOT, "validate every %d of the %d steps of an epoch and at its end; the best validated step is kept%n",
                                Math.min(trainer.evalEvery(), trainer.stepsPerEpoch()), trainer.stepsPerEpoch());
                    }
                    EpochTable table = new EpochTable(tc.validMetric(), tc.epochs(), trainer.hasValidation());
                    table.printHeader(out);
                    recorder.saveLog();
                    // the sink captures a best; the state sink writes it after the epoch's metrics lines and before last.ckpt
                    Trainer.Result result = trainer.fit(recorder.listener(table, progress), (r, m, rep) -> {
                        Properties h = header.copy().withBest(r).properties();
                        pendingBest[0] = Checkpoint.capture(m.parameters(), rep, h, trainingRecord);
                    }, resume == null ? null : resume.state(), state -> {
                        // after the epoch's metrics line, checkpoint and log: the state to continue from
                        try {
                            writeBest(pendingBest, folder);
                            TrainingStateFile.write(folder.file(RunFolder.LAST), state.withExtra(java.util.Map.of(
                                    "run_id", record.runId(), "metrics_lines", Integer.toString(recorder.metricsLines()))));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    Summary.print(out, result, tc, folder.file(RunFolder.CHECKPOINT), mc.label());
                    folder.write(RunFolder.SUMMARY, Json.pretty(Summary.of(result, tc, record, mc.kind())));
                }
            }
            record.finished("finished", null);
            folder.write(RunFolder.CONFIG, record.json());
            recorder.saveLog();
            return 0;
        } catch (RuntimeException | IOException | Error e) {
            try {
                // a best found in the epoch that failed (a diverged run) is kept, after the metrics lines it refers to
                if (pendingBest[0] != null) {
                    recorder.writeMetrics();
                    writeBest(pendingBest, folder);
                }
            } catch (IOException | RuntimeException w) {
                e.addSuppressed(w);
            }
            recorder.failed(e);
            throw e;
        }
    }

    /** Writes the captured best checkpoint, if one is waiting, and clears it. */
    private static void writeBest(Checkpoint[] pending, RunFolder folder) throws IOException {
        if (pending[0] == null) return;
        pending[0].write(folder.file(RunFolder.CHECKPOINT));
        pending[0] = null;
    }

    /**
     * A finished run trained further: its summary.json described the run that ended, so it goes before any
     * epoch is trained (a run folder with a summary is a finished run); the longer run writes its own at its end.
     */
    private void reopen(RunFolder folder, PrintStream err) {
        Path summary = folder.file(RunFolder.SUMMARY);
        try {
            Files.deleteIfExists(summary);
        } catch (IOException e) {
            throw Failure.io(Resume.FLAG + ": cannot remove " + summary + " of the finished run: " + FileErrors.reason(e), e);
        }
        err.println("note: the run in " + folder.dir() + " had finished after " + resume.state().epoch() + " epochs; it trains on to "
                + resume.settings().get(TrainSettings.EPOCHS) + " epochs, and its summary.json is written again at the end");
    }

    /** A resumed run must train on the data it started with: a changed part is named and refused. */
    private void checkSameData(DataFingerprint now) {
        Object fp = resume.record().get("data") instanceof java.util.Map<?, ?> d ? d.get("fingerprint") : null;
        if (!(fp instanceof java.util.Map<?, ?> parts)) return;
        java.util.Map<String, String> before = new java.util.LinkedHashMap<>();
        parts.forEach((k, v) -> before.put(String.valueOf(k), String.valueOf(v)));
        List<String> changes = now.changes(new DataFingerprint(before));
        if (!changes.isEmpty()) {
            throw Failure.data(Resume.FLAG + ": the data differ from those the run in " + resume.dir() + " trained on: "
                    + String.join("; ", changes) + "; a resumed run must see the same data", null);
        }
    }

    private final List<String> notes = new java.util.ArrayList<>();

    /** The data as the model reads it (FREEDOM leaves bag-of-words modalities out), with a note for what it leaves out. */
    private Dataset modelData(Dataset data, RunLog log) {
        return Models.readBy(settings.model(), data, note -> notes.add("note     " + note));
    }

    /** Builds the model; data that lacks what the model needs (FREEDOM: a dense feature modality) is a data error. */
    private RecModel create(ModelConfig mc, Kernels kernels, Dataset data, long seed) {
        try {
            mc.checkModalityWeights(data.modalities().stream().map(Modality::name).toList());
        } catch (IllegalArgumentException e) {
            throw Failure.usage(settings.settings().where(TrainSettings.KNN_WEIGHTS) + " " + e.getMessage());
        }
        try {
            return Models.create(mc, kernels, data, seed);
        } catch (IllegalArgumentException e) {
            throw Failure.data(data.name() + ": " + e.getMessage(), e);
        }
    }

    private void printHeader(PrintStream out, ModelConfig mc, TrainConfig tc, RecModel model, RunFolder folder) {
        out.println("model    " + model.describe());
        out.printf(Locale.ROOT, "train    %s max, batch %d, Adam lr %s, reg %s, weight decay %s, negatives from %s, seed %d,%n",
                Backend.plural(tc.epochs(), "epoch"), tc.batchSize(), tc.learningRate(), tc.regWeight(), tc.weightDecay(),
                tc.negatives() == NegativeSampler.Pool.ALL ? "all items" : "train items", tc.seed());
        out.printf(Locale.ROOT, "         early stop on valid %s (patience %d)%n", tc.validMetric(), tc.patience());
        List<String> provenance = mc.provenance();
        String first = provenance.getFirst();
        out.printf(Locale.ROOT, "%-9s%s%n", first.substring(0, first.indexOf(' ')), first.substring(first.indexOf(' ') + 1));
        for (String line : provenance.subList(1, provenance.size())) out.println("         " + line);
        out.println("output   " + folder.dir());
    }

    /** Cut-offs above the item count rank every item: said once, and evaluated as the item count. */
    static TrainConfig clampCutoffs(TrainConfig tc, int items, PrintStream log) {
        int[] ks = tc.ks();
        boolean clamp = false;
        for (int k : ks) clamp |= k > items;
        String[] metric = tc.validMetric().split("@");
        int metricK = Integer.parseInt(metric[1]);
        if (!clamp) return tc;
        int[] clamped = java.util.Arrays.stream(ks).map(k -> Math.min(k, items)).distinct().sorted().toArray();
        String above = java.util.Arrays.stream(ks).filter(k -> k > items).mapToObj(Integer::toString).reduce((a, b) -> a + "," + b).orElse("");
        log.printf(Locale.ROOT, "note: cut-off%s %s %s more than the %,d items: clamped to %d (a top-%d list holds every item)%n",
                above.contains(",") ? "s" : "", above, above.contains(",") ? "are" : "is", items, items, items);
        String validMetric = metricK > items ? metric[0] + "@" + items : tc.validMetric();
        return new TrainConfig(tc.epochs(), tc.batchSize(), tc.learningRate(), tc.regWeight(), tc.weightDecay(), tc.seed(),
                tc.patience(), validMetric, clamped, tc.negatives(), tc.evalEvery());
    }

    /**
     * A batch above the training pairs is one step of all of them each epoch; the step count is computed from it,
     * so it is cut to the pairs (the same steps and numbers) before a size near 2^31 overflows it.
     */
    static TrainConfig clampBatch(TrainConfig tc, int trainPairs, PrintStream log) {
        int pairs = Math.max(1, trainPairs);
        if (tc.batchSize() <= pairs) return tc;
        log.printf(Locale.ROOT, "note: --batch %,d is more than the %,d training pairs: each epoch is one step of all of them%n", tc.batchSize(), pairs);
        return new TrainConfig(tc.epochs(), pairs, tc.learningRate(), tc.regWeight(), tc.weightDecay(), tc.seed(),
                tc.patience(), tc.validMetric(), tc.ks(), tc.negatives(), tc.evalEvery());
    }

    /** Host memory for every run; with the CUDA backend also the GPU's free memory (MemoryBudget.device). */
    private void checkMemory(Kernels kernels, Dataset data, ModelConfig config, TrainConfig tc, PrintStream log) {
        int maxK = java.util.Arrays.stream(tc.ks()).max().orElse(50);
        DataShape shape = DataShape.of(data);
        String reduce = "reduce " + config.sizeOptions() + " or the data";
        MemoryBudget.Estimate e = MemoryBudget.training(shape, config, tc.batchSize(), maxK);
        String warning = MemoryBudget.check(e, MemoryBudget.Limits.current(), reduce);
        MemoryBudget.DeviceLimits gpu = MemoryBudget.DeviceLimits.of(kernels);
        if (gpu != null) MemoryBudget.checkDevice(MemoryBudget.device(shape, config, tc.batchSize(), maxK), gpu, reduce);
        if (warning != null) log.println(warning);
    }

    /** A replayed config.json: say when the data now differs from the data the recorded run used. */
    private void configFile(Dataset data, DataFingerprint now, PrintStream log) {
        if (configFile == null || configFile.recordedData() == null) return;
        Object fp = configFile.recordedData().get("fingerprint");
        if (!(fp instanceof java.util.Map<?, ?> parts)) return;
        java.util.Map<String, String> before = new java.util.LinkedHashMap<>();
        parts.forEach((k, v) -> before.put(String.valueOf(k), String.valueOf(v)));
        List<String> changes = now.changes(new DataFingerprint(before));
        if (!changes.isEmpty()) {
            log.println("warning: the data differ from the recorded run's (" + configFile.layer().source() + "): " + String.join("; ", changes));
        }
    }

    /** Before any data is read: --out must be a folder that is new, empty, or allowed to be overwritten. */
    private void checkOutBeforehand(Path out, String flag) {
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) throw Failure.usage(flag + ": " + out + " is a file; the run needs a folder");
            try (var entries = Files.list(out)) {
                if (entries.anyMatch(p -> !p.getFileName().toString().equals(dev.mmgcn.io.FolderLock.NAME)) && !overwrite) {
                    RunFolder.open(out, false, flag, "").close(); // throws the message listing what is there
                }
            } catch (IOException e) {
                throw Failure.io(flag + ": cannot list " + out + ": " + FileErrors.reason(e), e);
            }
            return;
        }
        Path p = out.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p != null && !Files.isDirectory(p)) {
            throw Failure.usage(flag + ": cannot create " + out + ": " + p + " is a file, not a folder");
        }
        if (p != null && !Files.isWritable(p)) {
            throw Failure.io(flag + ": cannot create " + out + ": " + p + " is not writable (permission denied)", null);
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
