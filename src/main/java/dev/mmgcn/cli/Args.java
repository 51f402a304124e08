package dev.mmgcn.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small command-line option parser: {@code --name value}, {@code --name=value}, and flags. Each
 * command declares its options up front, so a misspelt one is an error naming it rather than being
 * silently ignored.
 */
public final class Args {
    /** One declared option; {@code valueName} null means a flag. */
    public record Option(String name, String valueName, String help, boolean repeatable) {
    }

    private final String command;
    private final Map<String, Option> declared = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    public Args(String command) {
        this.command = command;
    }

    public Args option(String name, String valueName, String help) {
        declared.put(name, new Option(name, valueName, help, false));
        return this;
    }

    public Args repeatable(String name, String valueName, String help) {
        declared.put(name, new Option(name, valueName, help, true));
        return this;
    }

    public Args flag(String name, String help) {
        declared.put(name, new Option(name, null, help, false));
        return this;
    }

    public Args parse(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Option o = declared.get(name);
            if (o == null) {
                throw new UsageException("unknown option --" + name + " for '" + command + "' (see: " + command + " --help)");
            }
            if (o.valueName() == null) {
                if (value != null) throw new UsageException("--" + name + " takes no value");
                value = "true";
            } else if (value == null) {
                if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
                    throw new UsageException("--" + name + " needs a value (" + o.valueName() + ")");
                }
                value = argv[++i];
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!o.repeatable() && !list.isEmpty()) throw new UsageException("--" + name + " given twice");
            list.add(value);
        }
        return this;
    }

    public boolean has(String name) {
        check(name);
        return values.containsKey(name);
    }

    public String get(String name, String fallback) {
        check(name);
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(0);
    }

    public List<String> all(String name) {
        check(name);
        return values.getOrDefault(name, List.of());
    }

    public boolean flag(String name) {
        return has(name);
    }

    public int getInt(String name, int fallback) {
        String v = get(name, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public long getLong(String name, long fallback) {
        String v = get(name, null);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public float getFloat(String name, float fallback) {
        String v = get(name, null);
        if (v == null) return fallback;
        try {
            float f = Float.parseFloat(v);
            if (!Float.isFinite(f)) throw new NumberFormatException();
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    public int[] getIntList(String name, int[] fallback) {
        String v = get(name, null);
        if (v == null) return fallback;
        try {
            return java.util.Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects comma-separated integers, got '" + v + "'");
        }
    }

    public <E extends Enum<E>> E getEnum(String name, Class<E> type, E fallback) {
        String v = get(name, null);
        if (v == null) return fallback;
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(v)) return e;
        throw new UsageException("--" + name + " expects one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList() + ", got '" + v + "'");
    }

    public List<String> positional() { return positional; }

    public String help() {
        StringBuilder sb = new StringBuilder();
        for (Option o : declared.values()) {
            String left = "  --" + o.name() + (o.valueName() == null ? "" : " " + o.valueName());
            sb.append(String.format("%-34s %s%n", left, o.help()));
        }
        return sb.toString();
    }

    private void check(String name) {
        if (!declared.containsKey(name)) throw new IllegalStateException("option --" + name + " was not declared for " + command);
    }

    /** A mistake on the command line: printed as one line with a non-zero exit. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
