package dev.mmgcn.cli;

import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.Source;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options made from {@link Key}s, so that a setting is declared once: its option, its
 * help line, its config-file key and its JSON form all come from the key. The options hold raw
 * strings; {@link Settings} parses them (and a config file's values) the same way, so a bad value
 * reads the same whichever way it was given.
 */
final class SettingsOptions {
    private SettingsOptions() {
    }

    /** Adds an option per key; {@code --help} lists them under a heading per {@link Key.Group}, after the command's own options. */
    static void add(CommandSpec spec, List<Key<?>> keys) {
        add(spec, keys, k -> k.help() + defaultText(k));
    }

    /** As {@link #add(CommandSpec, List)}, each option's help line given by {@code help} (a command whose defaults differ). */
    static void add(CommandSpec spec, List<Key<?>> keys, java.util.function.Function<Key<?>, String> helpLine) {
        List<OptionSpec> added = new ArrayList<>();
        for (Key<?> k : keys) {
            OptionSpec o = option(k, helpLine.apply(k));
            spec.addOption(o);
            added.add(o);
        }
        spec.usageMessage().sectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> {
            List<OptionSpec> own = spec.options().stream().filter(o -> !added.contains(o)).toList();
            StringBuilder sb = new StringBuilder(help.optionListExcludingGroups(own));
            for (Key.Group g : Key.Group.values()) {
                List<Key<?>> inGroup = keys.stream().filter(k -> k.group() == g).toList();
                if (inGroup.isEmpty()) continue;
                Help.Layout layout = help.createDefaultLayout();
                for (Key<?> k : inGroup) layout.addOption(spec.findOption(k.option()), help.parameterLabelRenderer());
                sb.append(String.format("%n%s:%n", g.title())).append(layout);
            }
            return sb.toString();
        });
    }

    private static OptionSpec option(Key<?> k, String help) {
        OptionSpec.Builder b = OptionSpec.builder(k.option()).description(help);
        if (k.flag()) return b.arity("0").type(boolean.class).build();
        b.paramLabel(k.label()).arity("1");
        if (k.repeatable()) return b.type(List.class).auxiliaryTypes(String.class).build();
        return b.type(String.class).build();
    }

    private static String defaultText(Key<?> k) {
        Object v = k.toJson(k.fallback());
        if (v == null || v instanceof Boolean || k.help().contains("(default")) return "";
        if (v instanceof List<?> l) return " (default " + String.join(",", l.stream().map(String::valueOf).toList()) + ")";
        return " (default " + v + ")";
    }

    /** The keys given on the command line, as a settings layer of raw values. */
    static Settings.Layer matched(ParseResult parsed, List<Key<?>> keys) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key<?> k : keys) {
            OptionSpec o = parsed.matchedOption(k.option());
            if (o == null) continue;
            Object v = o.getValue();
            if (k.repeatable() && v instanceof List<?> list) v = List.copyOf(list);
            values.put(k.name(), v);
        }
        return new Settings.Layer(Source.COMMAND_LINE, values);
    }
}
