package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.io.TensorFile;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Var;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A trained model on disk (format version 2): one safetensors file ({@link TensorFile}) holding
 * <ul>
 *   <li>the settings ({@link #header()}: model and training settings, where the data came from, the
 *       epoch and its metrics; their schema is {@link CheckpointHeader}) as metadata entries;</li>
 *   <li>every parameter (float32, rows × cols, under its {@link ParameterStore} name) and the final
 *       representation {@value #REPRESENTATION} (users then items, (U+I) × d);</li>
 *   <li>the {@link TrainingRecord}: the data fingerprint ({@code fingerprint*} metadata), each user's
 *       training items as a CSR ({@code seen.row_ptr}, {@code seen.items}, int32) and the users' and
 *       items' own ids ({@code ids.users.*}, {@code ids.items.*}: int32 byte offsets into UTF-8 bytes);</li>
 *   <li>any extra named tensors ({@link #withTensor}, {@link #withInts}), e.g. optimiser state.</li>
 * </ul>
 * Every byte is covered by a CRC32C, so a changed file is refused on {@link #read} with the part named.
 * Version-1 files ({@code MMGCNCK1}) are refused with a "re-train or convert" message; {@link Version1}
 * reads them for {@link #convertVersion1}. Writes are atomic. The layout is documented in README.
 */
public final class Checkpoint {
    public static final String REPRESENTATION = "representation";
    /** The format version this code writes and reads. */
    public static final int VERSION = 2;
    /** Value of the {@code format} metadata entry. */
    public static final String FORMAT = "mmgcn-engine checkpoint";

    static final String KEY_FORMAT = "format", KEY_VERSION = "format.version", KEY_FINGERPRINT = "fingerprint";

    private final Properties header;
    private final Map<String, float[]> tensors;
    private final Map<String, int[]> shapes;
    private final Map<String, int[]> ints;
    private final Map<String, int[]> intShapes;
    private final TrainingRecord data;

    /** A checkpoint of float tensors without a training record (tests, tools). */
    public Checkpoint(Properties header, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        this(header, tensors, shapes, new LinkedHashMap<>(), new LinkedHashMap<>(), null);
    }

    Checkpoint(Properties header, Map<String, float[]> tensors, Map<String, int[]> shapes,
               Map<String, int[]> ints, Map<String, int[]> intShapes, TrainingRecord data) {
        for (String k : header.stringPropertyNames()) CheckpointLayout.checkSettingKey(k);
        this.header = header;
        this.tensors = tensors;
        this.shapes = shapes;
        this.ints = ints;
        this.intShapes = intShapes;
        this.data = data;
    }

    /** The settings: a mutable view, written with the file. Keys starting with {@code format}, {@code fingerprint} or {@code crc32c.} are reserved. */
    public Properties header() { return header; }

    /** The settings read and written through their schema. */
    public CheckpointHeader info() { return new CheckpointHeader(header); }

    public String get(String key) {
        String v = header.getProperty(key);
        if (v == null) throw new IllegalStateException("checkpoint has no '" + key + "' entry");
        return v;
    }

    public float[] tensor(String name) {
        float[] t = tensors.get(name);
        if (t == null) throw new IllegalStateException("checkpoint has no tensor '" + name + "'");
        return t;
    }

    public int[] shape(String name) {
        tensor(name);
        return shapes.get(name).clone();
    }

    public boolean has(String name) { return tensors.containsKey(name) || ints.containsKey(name); }

    /** Names of the float tensors, in file order. */
    public List<String> tensorNames() { return List.copyOf(tensors.keySet()); }

    /** An extra int32 tensor added with {@link #withInts}. */
    public int[] ints(String name) {
        int[] t = ints.get(name);
        if (t == null) throw new IllegalStateException("checkpoint has no int tensor '" + name + "'");
        return t;
    }

    /** What the model was trained on (fingerprint, id maps, seen items), or null for a checkpoint made without it. */
    public TrainingRecord trainingRecord() { return data; }

    /** Adds (or replaces) a float tensor, e.g. optimiser moments; names of parameters and the representation stay reserved for them. */
    public Checkpoint withTensor(String name, float[] values, int rows, int cols) {
        CheckpointLayout.checkExtraName(name);
        if ((long) rows * cols != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for " + rows + "x" + cols);
        tensors.put(name, values);
        shapes.put(name, new int[] {rows, cols});
        return this;
    }

    /** Adds (or replaces) an int32 tensor of the given shape. */
    public Checkpoint withInts(String name, int[] values, int... shape) {
        CheckpointLayout.checkExtraName(name);
        long n = 1;
        for (int s : shape) n *= s;
        if (n != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + Arrays.toString(shape));
        ints.put(name, values);
        intShapes.put(name, shape.clone());
        return this;
    }

    /** Shape of an int tensor added with {@link #withInts}. */
    public int[] intShape(String name) {
        ints(name);
        return intShapes.get(name).clone();
    }

    /**
     * Snapshot of every parameter in {@code params}, the representation (N×D, on any backend), the
     * settings and the training record. Works for any model whose parameters live in a {@link ParameterStore}.
     */
    public static Checkpoint capture(ParameterStore params, Tensor representation, Properties header, TrainingRecord data) {
        if (data == null) throw new IllegalArgumentException("a checkpoint needs the training record (TrainingRecord.of(dataset))");
        if (representation.rows() != data.numUsers() + data.numItems()) {
            throw new IllegalArgumentException("representation has " + representation.rows() + " rows for " + data.numUsers()
                    + " users + " + data.numItems() + " items");
        }
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        try (HostScope host = new HostScope()) {
            for (Var p : params.all()) {
                t.put(p.name(), params.read(p, host));
                s.put(p.name(), new int[] {p.rows(), p.cols()});
            }
            Tensor r = host.floats(representation.rows(), representation.cols());
            params.kernels().download(representation, r);
            t.put(REPRESENTATION, r.toArray());
            s.put(REPRESENTATION, new int[] {r.rows(), r.cols()});
        }
        Properties h = new Properties();
        h.putAll(header);
        return new Checkpoint(h, t, s, new LinkedHashMap<>(), new LinkedHashMap<>(), data);
    }

    /** Loads every parameter of {@code params} from this checkpoint, checking names and shapes. */
    public void restore(ParameterStore params) {
        for (Var p : params.all()) {
            if (!tensors.containsKey(p.name())) {
                throw new IllegalStateException("checkpoint lacks parameter '" + p.name() + "': was it trained with other modalities or settings?");
            }
            int[] shape = shapes.get(p.name());
            if (shape[0] != p.rows() || shape[1] != p.cols()) {
                throw new IllegalStateException("parameter '" + p.name() + "' is " + shape[0] + "x" + shape[1]
                        + " in the checkpoint but " + p.rows() + "x" + p.cols() + " in the model: the data or settings differ");
            }
            params.write(p, tensors.get(p.name()));
        }
    }

    /** Writes the file atomically (the folder is created when missing). */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_VERSION, Integer.toString(VERSION));
        // sorted keys make checkpoints of identical runs byte-identical
        for (Map.Entry<String, String> e : new TreeMap<>(CheckpointLayout.settings(header)).entrySet()) meta.put(e.getKey(), e.getValue());
        List<TensorFile.Tensor> out = new ArrayList<>();
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            int[] sh = shapes.get(e.getKey());
            out.add(TensorFile.Tensor.floats(e.getKey(), e.getValue(), sh[0], sh[1]));
        }
        for (Map.Entry<String, int[]> e : ints.entrySet()) {
            out.add(TensorFile.Tensor.ints(e.getKey(), e.getValue(), Arrays.stream(intShapes.get(e.getKey())).asLongStream().toArray()));
        }
        if (data != null) CheckpointLayout.putRecord(data, meta, out);
        TensorFile.write(file, meta, out);
    }

    /**
     * Reads and verifies a version-2 checkpoint. A damaged file, a version-1 file or another format is
     * refused with an {@link IOException} naming the file and what is wrong.
     */
    public static Checkpoint read(Path file) throws IOException {
        if (Version1.is(file)) {
            throw new IOException(file + " is a version-1 checkpoint (no checksums, no id maps, no training interactions): "
                    + "re-train with this version, or convert it with the dataset it was trained on");
        }
        TensorFile f = TensorFile.read(file);
        Map<String, String> meta = f.metadata();
        if (!FORMAT.equals(meta.get(KEY_FORMAT))) {
            throw new IOException(file + ": a safetensors file, but not an mmgcn-engine checkpoint (no 'format: " + FORMAT + "' entry)");
        }
        String version = meta.get(KEY_VERSION);
        if (!Integer.toString(VERSION).equals(version)) {
            throw new IOException(file + ": checkpoint format version " + version + "; this mmgcn-engine reads version " + VERSION
                    + (version != null && version.compareTo(Integer.toString(VERSION)) > 0 ? " (it was written by a newer release)" : ""));
        }
        Properties header = new Properties();
        header.putAll(CheckpointLayout.settings(meta));
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        Map<String, int[]> in = new LinkedHashMap<>();
        Map<String, int[]> inShape = new LinkedHashMap<>();
        for (TensorFile.Tensor x : f.tensors().values()) {
            if (CheckpointLayout.isRecordTensor(x.name())) continue;
            int[] shape = Arrays.stream(x.shape()).mapToInt(Math::toIntExact).toArray();
            switch (x.dtype()) {
                case F32 -> {
                    if (shape.length != 2) throw new IOException(file + ": float tensor '" + x.name() + "' has " + shape.length + " dimensions, not 2");
                    t.put(x.name(), x.toFloats());
                    s.put(x.name(), shape);
                }
                case I32 -> {
                    in.put(x.name(), x.toInts());
                    inShape.put(x.name(), shape);
                }
                default -> throw new IOException(file + ": tensor '" + x.name() + "' has type " + x.dtype() + ", which no checkpoint part uses");
            }
        }
        TrainingRecord record = CheckpointLayout.readRecord(file, meta, f.tensors());
        return new Checkpoint(header, t, s, in, inShape, record);
    }

    /** Whether {@code file} starts like a version-1 checkpoint ({@code MMGCNCK1}); an {@link IOException} when it cannot be read. */
    public static boolean isVersion1(Path file) throws IOException {
        return Version1.is(file);
    }

    /**
     * Reads a version-1 checkpoint (settings and float tensors, no training record) to find what it was
     * trained on before {@link #convertVersion1}; that format has no checksums, so nothing is verified.
     */
    public static Checkpoint readVersion1(Path file) throws IOException {
        return Version1.read(file);
    }

    /** Rewrites a version-1 checkpoint as version 2, adding the record of {@code trainedOn} (the data it was trained on). */
    public static void convertVersion1(Path v1, Dataset trainedOn, Path out) throws IOException {
        Checkpoint old = Version1.read(v1);
        int users = old.info().users(), items = old.info().items();
        if (trainedOn.numUsers() != users || trainedOn.numItems() != items) {
            throw new IOException(v1 + " was trained on " + users + " users and " + items + " items, the dataset has "
                    + trainedOn.numUsers() + " and " + trainedOn.numItems());
        }
        new Checkpoint(old.header, old.tensors, old.shapes, new LinkedHashMap<>(), new LinkedHashMap<>(),
                TrainingRecord.of(trainedOn)).write(out);
    }

    /** Reader of the version-1 format, kept for {@link #convertVersion1} only: it has no checksums. */
    static final class Version1 {
        static final byte[] MAGIC = "MMGCNCK1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        private Version1() {
        }

        static boolean is(Path file) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
            } catch (NoSuchFileException e) {
                throw new IOException("checkpoint not found: " + file, e);
            }
        }

        static Checkpoint read(Path file) throws IOException {
            CheckpointLayout.V1 v = CheckpointLayout.readVersion1(file);
            return new Checkpoint(v.header(), v.tensors(), v.shapes());
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + tensors.size() + " float tensors, " + ints.size() + " int tensors, "
                + (data == null ? "no training record" : data.numUsers() + " users, " + data.numItems() + " items") + "]";
    }
}
