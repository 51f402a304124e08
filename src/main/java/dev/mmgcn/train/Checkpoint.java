package dev.mmgcn.train;

import dev.mmgcn.io.AtomicFile;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Var;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A trained model on disk: a properties header (model and training settings, where the data came
 * from, the epoch and its metrics) followed by named float32 tensors — every parameter, plus the
 * final user and item representations so that {@code recommend} and {@code export} need no
 * recomputation.
 *
 * <p>Writes go through {@link AtomicFile}: a crash or a full disk leaves the previous checkpoint
 * intact, never a half-written one.
 *
 * <pre>
 *   "MMGCNCK1"  int32 headerBytes  UTF-8 properties
 *   int32 tensorCount, then per tensor: UTF name, int32 rows, int32 cols, rows·cols little-endian float32
 * </pre>
 */
public final class Checkpoint {
    private static final byte[] MAGIC = "MMGCNCK1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    public static final String REPRESENTATION = "representation";

    private final Properties header;
    private final Map<String, float[]> tensors;
    private final Map<String, int[]> shapes;

    public Checkpoint(Properties header, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        this.header = header;
        this.tensors = tensors;
        this.shapes = shapes;
    }

    public Properties header() { return header; }

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
        return shapes.get(name);
    }

    public boolean has(String name) { return tensors.containsKey(name); }

    /** Snapshot of a model's parameters and a representation (N×D, on any backend). */
    public static Checkpoint capture(RecModel model, Tensor representation, Properties header) {
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        ParameterStore params = model.parameters();
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
        return new Checkpoint(header, t, s);
    }

    /** Loads every parameter of {@code model} from this checkpoint, checking names and shapes. */
    public void restore(RecModel model) {
        for (Var p : model.parameters().all()) {
            if (!tensors.containsKey(p.name())) {
                throw new IllegalStateException("checkpoint lacks parameter '" + p.name() + "': was it trained with other modalities or settings?");
            }
            int[] shape = shapes.get(p.name());
            if (shape[0] != p.rows() || shape[1] != p.cols()) {
                throw new IllegalStateException("parameter '" + p.name() + "' is " + shape[0] + "x" + shape[1]
                        + " in the checkpoint but " + p.rows() + "x" + p.cols() + " in the model: the data or settings differ");
            }
            model.parameters().write(p, tensors.get(p.name()));
        }
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFile.write(file, os -> {
            DataOutputStream out = new DataOutputStream(os);
            out.write(MAGIC);
            StringWriter sw = new StringWriter();
            // sorted keys make checkpoints of identical runs byte-identical
            Properties sorted = new Properties() {
                @Override
                public synchronized java.util.Set<Map.Entry<Object, Object>> entrySet() {
                    return new java.util.LinkedHashSet<>(new TreeMap<>(header).entrySet());
                }
            };
            sorted.putAll(header);
            sorted.store(sw, null);
            String text = sw.toString().lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
            byte[] h = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(h.length);
            out.write(h);
            out.writeInt(tensors.size());
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, float[]> e : tensors.entrySet()) {
                int[] shape = shapes.get(e.getKey());
                out.writeUTF(e.getKey());
                out.writeInt(shape[0]);
                out.writeInt(shape[1]);
                float[] v = e.getValue();
                for (int i = 0; i < v.length; ) {
                    buf.clear();
                    while (i < v.length && buf.remaining() >= 4) buf.putFloat(v[i++]);
                    out.write(buf.array(), 0, buf.position());
                }
            }
            out.flush();
        });
    }

    public static Checkpoint read(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 20))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IOException(file + " is not an mmgcn-engine checkpoint");
            int hl = in.readInt();
            if (hl < 0 || hl > (1 << 24)) throw new IOException(file + ": corrupt checkpoint header");
            byte[] h = new byte[hl];
            in.readFully(h);
            Properties header = new Properties();
            header.load(new StringReader(new String(h, java.nio.charset.StandardCharsets.UTF_8)));
            int count = in.readInt();
            Map<String, float[]> t = new LinkedHashMap<>();
            Map<String, int[]> s = new LinkedHashMap<>();
            byte[] raw = new byte[1 << 16];
            for (int k = 0; k < count; k++) {
                String name = in.readUTF();
                int rows = in.readInt(), cols = in.readInt();
                if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
                    throw new IOException(file + ": corrupt shape for tensor " + name);
                }
                float[] v = new float[rows * cols];
                int i = 0;
                while (i < v.length) {
                    int n = Math.min(raw.length / 4, v.length - i);
                    in.readFully(raw, 0, n * 4);
                    ByteBuffer bb = ByteBuffer.wrap(raw, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (int j = 0; j < n; j++) v[i++] = bb.getFloat();
                }
                t.put(name, v);
                s.put(name, new int[] {rows, cols});
            }
            return new Checkpoint(header, t, s);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        } catch (NoSuchFileException e) {
            throw new IOException("checkpoint not found: " + file, e);
        }
    }
}
