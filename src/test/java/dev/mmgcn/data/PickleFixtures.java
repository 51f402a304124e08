package dev.mmgcn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes numpy object-array {@code .npy} files from Java, opcode by opcode, the way numpy's own
 * pickler lays them out ({@code _reconstruct} + BUILD, dtype objects with BUILD state, numpy
 * scalars as {@code scalar(dtype, bytes)}), so tests need no Python.
 *
 * <p>Values: {@code Integer} → a Python int; {@code Long} → a numpy int64 scalar; {@code Double} → a
 * numpy float64 scalar; {@code long[]} → a nested int64 ndarray; {@code List} → a list; {@code Map}
 * → a dict; {@code String} → a str.
 */
final class PickleFixtures {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final String module;

    private PickleFixtures(String module) {
        this.module = module;
    }

    /** A 1-D object array file. {@code numpy2} picks numpy 2's {@code numpy._core} module names. */
    static void objectArray(Path file, List<?> elements, boolean numpy2) throws IOException {
        PickleFixtures p = new PickleFixtures(numpy2 ? "numpy._core.multiarray" : "numpy.core.multiarray");
        p.array(new long[]{elements.size()}, "O8", elements);
        Npy.writeRaw(file, "|O", false, new long[]{elements.size()}, p.finish());
    }

    /** A 0-d object array file holding one value (numpy's way of saving a dict). */
    static void objectScalar(Path file, Object value) throws IOException {
        PickleFixtures p = new PickleFixtures("numpy.core.multiarray");
        p.array(new long[0], "O8", List.of(value));
        Npy.writeRaw(file, "|O", false, new long[0], p.finish());
    }

    private byte[] finish() {
        byte[] body = out.toByteArray();
        byte[] all = new byte[body.length + 3];
        all[0] = (byte) 0x80; // PROTO 3
        all[1] = 3;
        System.arraycopy(body, 0, all, 2, body.length);
        all[all.length - 1] = '.'; // STOP
        return all;
    }

    private void array(long[] shape, String code, Object data) {
        global(module, "_reconstruct");
        global("numpy", "ndarray");
        op('K'); op(0); op(0x85);          // (0,)
        bytes(new byte[]{'b'});
        op(0x87); op('R');                 // _reconstruct(ndarray, (0,), b'b')
        op('(');
        op('K'); op(1);
        op('(');
        for (long d : shape) binint((int) d);
        op('t');
        dtype(code, code.startsWith("O") ? "|" : "<");
        op(0x89);                          // not fortran
        if (data instanceof byte[] raw) bytes(raw);
        else value(data);
        op('t'); op('b');                  // BUILD
    }

    private void dtype(String code, String order) {
        global("numpy", "dtype");
        unicode(code);
        op(0x89); op(0x88); op(0x87); op('R');
        op('(');
        op('K'); op(3);
        unicode(order);
        op('N'); op('N'); op('N');
        binint(-1); binint(-1);
        op('K'); op(code.startsWith("O") ? 63 : 0);
        op('t'); op('b');
    }

    private void value(Object v) {
        switch (v) {
            case Integer i -> binint(i);
            case Long l -> scalar("i8", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(l).array());
            case Double d -> scalar("f8", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(d).array());
            case String s -> unicode(s);
            case long[] a -> {
                ByteBuffer b = ByteBuffer.allocate(a.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (long x : a) b.putLong(x);
                array(new long[]{a.length}, "i8", b.array());
            }
            case List<?> list -> {
                op(']');
                if (!list.isEmpty()) {
                    op('(');
                    for (Object o : list) value(o);
                    op('e');
                }
            }
            case Map<?, ?> map -> {
                op('}');
                if (!map.isEmpty()) {
                    op('(');
                    map.forEach((k, x) -> { value(k); value(x); });
                    op('u');
                }
            }
            default -> throw new IllegalArgumentException("no fixture encoding for " + v.getClass());
        }
    }

    private void scalar(String code, byte[] raw) {
        global(module, "scalar");
        dtype(code, "<");
        bytes(raw);
        op(0x86); op('R');
    }

    private void global(String mod, String name) {
        op('c');
        out.writeBytes((mod + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
    }

    private void bytes(byte[] b) {
        op('B'); // BINBYTES, protocol 3
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
    }

    private void binint(int v) {
        op('J');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private void op(int code) {
        out.write(code);
    }
}
