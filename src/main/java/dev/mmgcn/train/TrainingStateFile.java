package dev.mmgcn.train;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.io.TensorFile;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code last.ckpt}: a {@link TrainingState} as a checksummed safetensors file ({@link TensorFile}),
 * written atomically. Tensors {@code param.<name>}, {@code adam.m.<name>}, {@code adam.v.<name>} (F32,
 * rows × cols); metadata {@code format} = {@value #FORMAT}, {@code format.version}, {@code epoch},
 * {@code since_best}, {@code adam.steps}, {@code history} (the epochs so far as JSON, each split's
 * metrics as their exact running sums, so the numbers come back bit for bit), {@code best} (the best
 * validation so far, the same way) and {@code extra.<key>}.
 */
public final class TrainingStateFile {
    public static final String FORMAT = "mmgcn-engine training state";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private TrainingStateFile() {
    }

    public static void write(Path file, TrainingState s) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format.version", Integer.toString(VERSION));
        meta.put("epoch", Integer.toString(s.epoch()));
        meta.put("since_best", Integer.toString(s.sinceBest()));
        meta.put("adam.steps", Integer.toString(s.adamSteps()));
        List<Object> history = new ArrayList<>();
        for (Trainer.EpochReport r : s.history()) history.add(report(r));
        meta.put("history", JSON.writeValueAsString(history));
        meta.put("best", JSON.writeValueAsString(validation(s.best())));
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(s.extra()).entrySet()) meta.put("extra." + e.getKey(), e.getValue());
        List<TensorFile.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, float[]> e : s.parameters().entrySet()) {
            int[] sh = s.shapes().get(e.getKey());
            tensors.add(TensorFile.Tensor.floats("param." + e.getKey(), e.getValue(), sh[0], sh[1]));
            float[][] mv = s.moments().get(e.getKey());
            if (mv != null) {
                tensors.add(TensorFile.Tensor.floats("adam.m." + e.getKey(), mv[0], sh[0], sh[1]));
                tensors.add(TensorFile.Tensor.floats("adam.v." + e.getKey(), mv[1], sh[0], sh[1]));
            }
        }
        TensorFile.write(file, meta, tensors);
    }

    /** Reads and checks a file {@link #write} wrote; anything else is an {@link IOException} naming the file and what is wrong. */
    public static TrainingState read(Path file) throws IOException {
        TensorFile f = TensorFile.read(file);
        Map<String, String> meta = f.metadata();
        if (!FORMAT.equals(meta.get("format"))) throw new IOException(file + " is not a training state (" + FORMAT + ")");
        if (!Integer.toString(VERSION).equals(meta.get("format.version"))) {
            throw new IOException(file + ": training state version " + meta.get("format.version") + ", this build reads " + VERSION);
        }
        try {
            List<Trainer.EpochReport> history = new ArrayList<>();
            for (Object o : JSON.readValue(meta.get("history"), List.class)) history.add(report((Map<?, ?>) o));
            Validation best = validation((Map<?, ?>) JSON.readValue(meta.get("best"), Map.class));
            Map<String, float[]> params = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            Map<String, float[][]> moments = new LinkedHashMap<>();
            for (TensorFile.Tensor t : f.tensors().values()) {
                if (!t.name().startsWith("param.")) continue;
                String name = t.name().substring("param.".length());
                params.put(name, t.toFloats());
                shapes.put(name, new int[] {(int) t.shape()[0], (int) t.shape()[1]});
                TensorFile.Tensor m = f.tensors().get("adam.m." + name), v = f.tensors().get("adam.v." + name);
                if (m != null && v != null) moments.put(name, new float[][] {m.toFloats(), v.toFloats()});
            }
            Map<String, String> extra = new LinkedHashMap<>();
            meta.forEach((k, val) -> {
                if (k.startsWith("extra.")) extra.put(k.substring("extra.".length()), val);
            });
            return new TrainingState(Integer.parseInt(meta.get("epoch")), Integer.parseInt(meta.get("since_best")), history, best,
                    Integer.parseInt(meta.get("adam.steps")), params, shapes, moments, extra);
        } catch (RuntimeException e) {
            throw new IOException(file + ": the training state cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, Object> report(Trainer.EpochReport r) {
        return map("epoch", r.epoch(), "loss", r.loss(), "train_seconds", r.trainSeconds(), "eval_seconds", r.evalSeconds(),
                "end", validation(r.end()), "improved", r.improved(), "validations", r.validations());
    }

    private static Trainer.EpochReport report(Map<?, ?> m) {
        return new Trainer.EpochReport(((Number) m.get("epoch")).intValue(), ((Number) m.get("loss")).doubleValue(),
                ((Number) m.get("train_seconds")).doubleValue(), ((Number) m.get("eval_seconds")).doubleValue(),
                validation((Map<?, ?>) m.get("end")), (Boolean) m.get("improved"), ((Number) m.get("validations")).intValue());
    }

    private static Map<String, Object> validation(Validation v) {
        if (v == null) return null;
        return map("epoch", v.epoch(), "step", v.step(), "steps", v.steps(), "global_step", v.globalStep(), "eval_seconds", v.evalSeconds(),
                "valid", metrics(v.valid()), "test", metrics(v.test()), "best", v.best(), "item_only_valid", metrics(v.itemOnlyValid()));
    }

    private static Validation validation(Map<?, ?> m) {
        if (m == null) return null;
        return new Validation(((Number) m.get("epoch")).intValue(), ((Number) m.get("step")).intValue(), ((Number) m.get("steps")).intValue(),
                ((Number) m.get("global_step")).longValue(), ((Number) m.get("eval_seconds")).doubleValue(),
                metrics((Map<?, ?>) m.get("valid")), metrics((Map<?, ?>) m.get("test")), (Boolean) m.get("best"),
                metrics((Map<?, ?>) m.get("item_only_valid")));
    }

    private static Map<String, Object> metrics(RankingMetrics r) {
        if (r == null) return null;
        return map("ks", r.ks(), "users", r.users(), "skipped", r.skipped(), "sums", r.sums());
    }

    private static RankingMetrics metrics(Map<?, ?> m) {
        if (m == null) return null;
        List<?> ks = (List<?>) m.get("ks");
        List<?> sums = (List<?>) m.get("sums");
        double[][] s = new double[sums.size()][];
        for (int i = 0; i < s.length; i++) s[i] = ((List<?>) sums.get(i)).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        return RankingMetrics.restore(ks.stream().mapToInt(x -> ((Number) x).intValue()).toArray(), s,
                ((Number) m.get("users")).intValue(), ((Number) m.get("skipped")).intValue());
    }

    /** An ordered map of the given keys and values, which may be null (a validation that did not happen). */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }
}
