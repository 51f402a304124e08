package dev.mmgcn.io;

/**
 * The UTF-8 byte-order mark (U+FEFF) that some editors (Windows Notepad, Excel's "CSV UTF-8") put at the
 * start of a text file. Read as text it is an invisible first character that would become part of the first
 * id or key; every text file the project reads drops it.
 */
public final class Bom {
    public static final char MARK = '\uFEFF';

    private Bom() {
    }

    /** {@code text} without a leading byte-order mark. */
    public static String strip(String text) {
        return text != null && !text.isEmpty() && text.charAt(0) == MARK ? text.substring(1) : text;
    }
}
