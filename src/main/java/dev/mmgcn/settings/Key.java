package dev.mmgcn.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One setting: its name (the command-line option without the leading dashes, and the key in a config
 * file), what it holds, its default, how a raw value becomes that (from a command-line string, a YAML
 * or JSON scalar or list), and how it is written back to JSON so that reading the JSON again gives
 * the same value.
 *
 * @param <T> the parsed type
 */
public final class Key<T> {
    /** The groups a command's help lists the options in. */
    public enum Group {
        DATA("Data"), MODEL("Model"), TRAINING("Training and evaluation"), BACKEND("Backend"), RUN("Run folder");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        public String title() { return title; }
    }

    /** How one key reads a raw value; throws {@link IllegalArgumentException} with the reason only ("must be …, got …"). */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(Object raw);
    }

    private final String name;
    private final Group group;
    private final String label;
    private final String help;
    private final T fallback;
    private final Parser<T> parser;
    private final Function<T, Object> json;
    private final boolean flag;
    private final boolean repeatable;

    Key(String name, Group group, String label, String help, T fallback, Parser<T> parser, Function<T, Object> json,
        boolean flag, boolean repeatable) {
        this.name = name;
        this.group = group;
        this.label = label;
        this.help = help;
        this.fallback = fallback;
        this.parser = parser;
        this.json = json;
        this.flag = flag;
        this.repeatable = repeatable;
    }

    /** The option name without dashes, e.g. {@code weight-decay}. */
    public String name() { return name; }

    public String option() { return "--" + name; }

    public Group group() { return group; }

    /** The value placeholder in help, e.g. {@code N}; null for a flag. */
    public String label() { return label; }

    public String help() { return help; }

    /** The value when nothing sets it; may be null (unset). */
    public T fallback() { return fallback; }

    /** A switch without a value on the command line ({@code --no-id-embedding}); true/false in a file. */
    public boolean flag() { return flag; }

    /** May be given several times on the command line; a list in a file. */
    public boolean repeatable() { return repeatable; }

    /** Parses a raw value; null stays null (unset). */
    public T parse(Object raw) {
        return raw == null ? null : parser.parse(raw);
    }

    /** The JSON form of a value (null for unset): a string, number, boolean or list that {@link #parse} reads back. */
    public Object toJson(Object value) {
        if (value == null) return null;
        @SuppressWarnings("unchecked") T v = (T) value;
        return json.apply(v);
    }

    /** Key names in files are matched without case, dashes or underscores: weight-decay = weight_decay = weightDecay. */
    public static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    @Override
    public String toString() {
        return name;
    }

    /** The keys of {@code lists} in order, as one list. */
    @SafeVarargs
    public static List<Key<?>> concat(List<Key<?>>... lists) {
        List<Key<?>> out = new ArrayList<>();
        for (List<Key<?>> l : lists) out.addAll(l);
        return List.copyOf(out);
    }
}
