package dev.mmgcn.data;

import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The element type of a {@code .npy} file, parsed from the header's {@code descr} string
 * ({@code <f4}, {@code >i8}, {@code |u1}, {@code |O}, ...).
 *
 * @param descr the string as written in the header
 * @param kind  numpy's kind letter: {@code f} float, {@code i} signed, {@code u} unsigned,
 *              {@code b} bool, {@code O} Python object
 * @param size  bytes per element (8 for object arrays, whose payload is a pickle instead)
 * @param order byte order of multi-byte elements
 */
public record NpyDtype(String descr, char kind, int size, ByteOrder order) {
    private static final Pattern DESCR = Pattern.compile("([<>|=])([a-zA-Z])(\\d*)");

    /** Parses a descr; anything this reader cannot decode is a {@link DataException} naming the file. */
    public static NpyDtype parse(String descr, String file) {
        Matcher m = DESCR.matcher(descr);
        if (!m.matches()) {
            throw new DataException(file + ": unsupported dtype '" + descr + "'" + SUPPORTED);
        }
        char orderChar = m.group(1).charAt(0);
        char kind = m.group(2).charAt(0);
        int size = m.group(3).isEmpty() ? -1 : Integer.parseInt(m.group(3));
        // '=' means the writer's native order; numpy itself always writes '<' or '>', and the
        // machines that produce these files are little-endian.
        ByteOrder order = orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean ok = switch (kind) {
            case 'f' -> size == 2 || size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            case 'O' -> size == -1 || size == 8;
            default -> false;
        };
        if (!ok) {
            throw new DataException(file + ": unsupported dtype '" + descr + "'" + SUPPORTED);
        }
        return new NpyDtype(descr, kind, kind == 'O' ? 8 : size, order);
    }

    private static final String SUPPORTED =
            " (supported: float16/32/64 <f2 <f4 <f8, integers <i1..<i8 <u1..<u8, bool |b1, objects |O; either byte order)";

    public boolean isFloat() { return kind == 'f'; }

    /** Signed, unsigned or bool: decodes to whole numbers. */
    public boolean isInteger() { return kind == 'i' || kind == 'u' || kind == 'b'; }

    public boolean isObject() { return kind == 'O'; }

    /** Human name for messages: float16, int64, uint8, bool, object. */
    public String typeName() {
        return switch (kind) {
            case 'f' -> "float" + size * 8;
            case 'i' -> "int" + size * 8;
            case 'u' -> "uint" + size * 8;
            case 'b' -> "bool";
            default -> "object";
        };
    }
}
