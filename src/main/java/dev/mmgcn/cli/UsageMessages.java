package dev.mmgcn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** picocli's parse errors as this project's one-line messages, each naming the option. */
final class UsageMessages {
    private UsageMessages() {
    }

    static String of(ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String command = cl == null ? "mmgcn-engine" : cl.getCommandName();
        String help = cl == null || cl.getParent() == null ? "see --help" : "see: " + command + " --help";
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "?" : unmatched.getFirst();
            if (first.startsWith("@") && first.length() > 1) { // picocli passes an @FILE it cannot read on as an argument
                Path file = Path.of(first.substring(1));
                String why = !java.nio.file.Files.exists(file) ? "does not exist" : java.nio.file.Files.isDirectory(file) ? "is a folder"
                        : "cannot be read";
                return first + ": " + file + " " + why + " (@FILE reads more arguments from FILE)";
            }
            if (cl != null && cl.getParent() == null && !first.startsWith("-")) {
                return "unknown command '" + first + "' (commands: " + String.join(", ", cl.getSubcommands().keySet()) + "; see --help)";
            }
            if (first.startsWith("-")) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                List<String> suggestions = u.getSuggestions();
                String hint = suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(2, suggestions.size()))) + "?";
                return "unknown option " + name + " for '" + command + "'" + hint + " (" + help + ")";
            }
            List<CommandLine.Model.PositionalParamSpec> positional = cl == null ? List.of() : cl.getCommandSpec().positionalParameters();
            if (!positional.isEmpty()) { // it takes some, and this is one too many
                CommandLine.Model.PositionalParamSpec p = positional.getLast();
                int most = p.arity().max();
                return command + " takes " + (most == 1 ? "one " + p.paramLabel() : "at most " + most + " " + p.paramLabel() + " arguments")
                        + "; unexpected " + (unmatched.size() == 1 ? "'" + first + "'" : unmatched) + " (" + help + ")";
            }
            return command + " takes no positional arguments, got " + unmatched + " (" + help + ")";
        }
        if (ex instanceof CommandLine.MissingParameterException m) {
            ArgSpec spec = m.getArgSpec() != null ? m.getArgSpec() : m.getMissing().isEmpty() ? null : m.getMissing().getFirst();
            if (spec instanceof OptionSpec o) {
                return o.longestName() + " needs a value (" + o.paramLabel() + ")";
            }
            return m.getMessage();
        }
        if (ex instanceof CommandLine.OverwrittenOptionException o) {
            return (o.getOverwritten() instanceof OptionSpec os ? os.longestName() : "an option") + " given twice";
        }
        if (ex.getArgSpec() instanceof OptionSpec o && ex.getValue() != null) {
            return o.longestName() + " expects " + expected(o.type()) + ", got '" + ex.getValue() + "'";
        }
        return ex.getMessage();
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "an integer";
        if (type == float.class || type == Float.class || type == double.class || type == Double.class) return "a number";
        if (type == Path.class) return "a path";
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT)).toList();
        }
        return "a " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }
}
