package dev.mmgcn.data;

import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unpickles the payload of numpy object arrays into plain Java values.
 *
 * <p>numpy pickles an array as {@code _reconstruct(ndarray, (0,), b'b')} followed by a BUILD with
 * {@code (version, shape, dtype, fortran, data)}, where {@code data} is a list for object arrays and
 * raw bytes otherwise; numpy scalars inside are {@code scalar(dtype, bytes)}. numpy 1.x writes the
 * module as {@code numpy.core.multiarray} or {@code numpy.core._multiarray_umath}, numpy 2.x as
 * {@code numpy._core...}; all spellings are registered.
 *
 * <p>After unpickling, {@link #toJava} turns the stubs into: {@code List} for arrays and tuples
 * (nested for n-D), the element itself for 0-d arrays, {@code Long}/{@code Double}/{@code Boolean}
 * for numpy scalars, and leaves Python ints ({@code Integer}/{@code Long}/{@code BigInteger}),
 * strings and dicts ({@code Map}) as razorvine made them.
 *
 * <p>The stub classes are public only because razorvine calls {@code __setstate__} reflectively.
 */
public final class NumpyPickle {
    private static final String[] MODULES = {
            "numpy.core.multiarray", "numpy.core._multiarray_umath", "numpy._core.multiarray", "numpy._core._multiarray_umath"};

    static {
        for (String m : MODULES) {
            Unpickler.registerConstructor(m, "_reconstruct", args -> new NdArray());
            Unpickler.registerConstructor(m, "scalar", NumpyPickle::scalar);
        }
        for (String m : new String[]{"numpy.core.numeric", "numpy._core.numeric"}) {
            Unpickler.registerConstructor(m, "_frombuffer", NumpyPickle::fromBuffer);
        }
        Unpickler.registerConstructor("numpy", "dtype", args -> new Dtype(String.valueOf(args[0])));
        // only ever passed as _reconstruct's first argument; a marker is enough
        Unpickler.registerConstructor("numpy", "ndarray", args -> new NdArray());
    }

    private NumpyPickle() {
    }

    /** Unpickles {@code payload} (the bytes after an object array's header) and converts it with {@link #toJava}. */
    static Object load(byte[] payload, String file) {
        Object raw;
        try {
            Unpickler u = new Unpickler();
            raw = u.loads(payload);
            u.close();
        } catch (IOException | RuntimeException e) {
            throw new DataException(file + ": cannot unpickle the object array: " + e.getMessage(), e);
        }
        try {
            return toJava(raw);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces numpy stubs anywhere in an unpickled value by plain Java values. */
    public static Object toJava(Object value) {
        return convert(value, new IdentityHashMap<>());
    }

    private static Object convert(Object v, IdentityHashMap<Object, Object> done) {
        if (v == null || v instanceof Number || v instanceof String || v instanceof Boolean) return v;
        Object seen = done.get(v);
        if (seen != null) return seen;
        Object out;
        if (v instanceof NdArray a) {
            out = a.toJava(done);
        } else if (v instanceof Object[] tuple) {
            List<Object> l = new ArrayList<>(tuple.length);
            for (Object o : tuple) l.add(convert(o, done));
            out = l;
        } else if (v instanceof Map<?, ?> m) {
            Map<Object, Object> c = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) c.put(convert(e.getKey(), done), convert(e.getValue(), done));
            out = c;
        } else if (v instanceof Collection<?> col) {
            List<Object> l = new ArrayList<>(col.size());
            for (Object o : col) l.add(convert(o, done));
            out = l;
        } else {
            out = v;
        }
        done.put(v, out);
        return out;
    }

    private static Object scalar(Object[] args) {
        if (args.length < 2 || !(args[0] instanceof Dtype d)) {
            throw new PickleException("numpy scalar without a dtype");
        }
        byte[] bytes = bytes(args[1]);
        NpyDtype t = d.resolve();
        if (bytes.length != t.size()) {
            throw new PickleException("numpy scalar of " + t.descr() + " with " + bytes.length + " bytes");
        }
        return decode(MemorySegment.ofArray(bytes), t, 0);
    }

    private static Object fromBuffer(Object[] args) {
        NdArray a = new NdArray();
        a.__setstate__(new Object[]{1, args[2], args[1], "F".equals(String.valueOf(args[3])), bytes(args[0])});
        return a;
    }

    private static Object decode(MemorySegment seg, NpyDtype t, long k) {
        if (t.kind() == 'f') return Npy.doubleAt(seg, t, k);
        if (t.kind() == 'b') return Npy.longAt(seg, t, k) != 0;
        return Npy.longAt(seg, t, k);
    }

    private static byte[] bytes(Object o) {
        if (o instanceof byte[] b) return b;
        // protocol-2 pickles from Python 2 carry raw data as a latin-1 str
        if (o instanceof String s) return s.getBytes(StandardCharsets.ISO_8859_1);
        throw new PickleException("expected raw bytes, got " + (o == null ? "None" : o.getClass().getSimpleName()));
    }

    /** A {@code numpy.dtype} under construction: the code comes from the call, the byte order from BUILD. */
    public static final class Dtype {
        private final String code;
        private String order = "|";
        private boolean structured;

        Dtype(String code) {
            this.code = code;
        }

        /** Receives {@code (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata])}. */
        public void __setstate__(Object[] state) {
            if (state.length > 1 && state[1] instanceof String s) order = s;
            if (state.length > 3 && state[3] != null) structured = true;
        }

        NpyDtype resolve() {
            if (structured) throw new PickleException("structured dtype in a pickle is not supported");
            String c = code.equals("O8") || code.equals("O4") ? "O" : code;
            String o = c.equals("O") || c.endsWith("1") ? "|" : order;
            try {
                return NpyDtype.parse(o + c, "pickle");
            } catch (DataException e) {
                throw new PickleException("unsupported dtype '" + code + "' in pickle");
            }
        }
    }

    /** A {@code numpy.ndarray} under construction by {@code _reconstruct} and BUILD. */
    public static final class NdArray {
        private long[] shape = {0};
        private Dtype dtype;
        private boolean fortran;
        private Object data;

        /** Receives {@code (version, shape, dtype, is_fortran, data)}; old pickles omit the version. */
        public void __setstate__(Object[] state) {
            int o = state.length == 5 ? 1 : 0;
            if (state.length != 4 && state.length != 5) {
                throw new PickleException("ndarray state of " + state.length + " fields");
            }
            Object[] dims = state[o] instanceof Object[] t ? t : new Object[0];
            shape = new long[dims.length];
            for (int k = 0; k < dims.length; k++) shape[k] = ((Number) dims[k]).longValue();
            if (!(state[o + 1] instanceof Dtype d)) throw new PickleException("ndarray state without a dtype");
            dtype = d;
            fortran = Boolean.TRUE.equals(state[o + 2]) || Integer.valueOf(1).equals(state[o + 2]);
            data = state[o + 3];
        }

        Object toJava(IdentityHashMap<Object, Object> done) {
            if (dtype == null) throw new IllegalArgumentException("ndarray in the pickle was never filled in");
            if (fortran && shape.length > 1) {
                throw new IllegalArgumentException("pickled array of shape " + java.util.Arrays.toString(shape)
                        + " is in Fortran order; only C order is supported");
            }
            long n = 1;
            for (long d : shape) n *= d;
            List<Object> flat = new ArrayList<>((int) Math.min(n, 1 << 20));
            NpyDtype t = dtype.resolve();
            if (t.isObject()) {
                if (!(data instanceof List<?> items)) {
                    throw new IllegalArgumentException("object array data is not a list");
                }
                for (Object item : items) flat.add(convert(item, done));
            } else {
                byte[] b = bytes(data);
                if (b.length != n * t.size()) {
                    throw new IllegalArgumentException("pickled " + t.descr() + " array of " + n + " elements has "
                            + b.length + " bytes");
                }
                MemorySegment seg = MemorySegment.ofArray(b);
                for (long k = 0; k < n; k++) flat.add(decode(seg, t, k));
            }
            if (flat.size() != n) {
                throw new IllegalArgumentException("pickled array of shape " + java.util.Arrays.toString(shape)
                        + " holds " + flat.size() + " elements");
            }
            if (shape.length == 0) return flat.getFirst();
            return nest(flat, 0, 0);
        }

        private List<Object> nest(List<Object> flat, int dim, int offset) {
            if (dim == shape.length - 1) return new ArrayList<>(flat.subList(offset, offset + (int) shape[dim]));
            int stride = 1;
            for (int d = dim + 1; d < shape.length; d++) stride *= (int) shape[d];
            List<Object> out = new ArrayList<>((int) shape[dim]);
            for (int k = 0; k < shape[dim]; k++) out.add(nest(flat, dim + 1, offset + k * stride));
            return out;
        }
    }
}
