package dev.mmgcn.api;

import java.util.List;
import java.util.NoSuchElementException;

/** A user or item id that the model's training data did not have. */
public final class UnknownIdException extends NoSuchElementException {
    private final String kind;
    private final List<String> ids;

    /**
     * @param kind "user" or "item"
     * @param ids  the unknown ids, in the order given
     */
    public UnknownIdException(String kind, List<String> ids) {
        super("unknown " + kind + (ids.size() == 1 ? " '" + ids.getFirst() + "'" : "s " + preview(ids)));
        this.kind = kind;
        this.ids = List.copyOf(ids);
    }

    private static String preview(List<String> ids) {
        List<String> head = ids.subList(0, Math.min(ids.size(), 10)).stream().map(s -> "'" + s + "'").toList();
        return String.join(", ", head) + (ids.size() > 10 ? " and " + (ids.size() - 10) + " more" : "");
    }

    /** "user" or "item". */
    public String kind() { return kind; }

    /** The ids the model does not know. */
    public List<String> ids() { return ids; }
}
