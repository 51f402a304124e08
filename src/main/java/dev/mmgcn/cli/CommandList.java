package dev.mmgcn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;

import java.util.Map;

/**
 * The top command's list of commands, each with the first sentence of its description. Picocli's own list shows a
 * description's first line, which for a wrapped description stops mid-sentence.
 */
final class CommandList {
    private CommandList() {
    }

    static void install(CommandLine top) {
        top.getCommandSpec().usageMessage().sectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandList::render);
    }

    private static String render(Help help) {
        Map<String, Help> subs = help.subcommands();
        if (subs.isEmpty()) return "";
        int width = subs.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        int total = help.commandSpec().usageMessage().width();
        Help.TextTable table = Help.TextTable.forColumns(help.colorScheme(),
                new Help.Column(width + 2, 2, Help.Column.Overflow.SPAN),
                new Help.Column(Math.max(20, total - width - 2), 1, Help.Column.Overflow.WRAP));
        for (Map.Entry<String, Help> e : subs.entrySet()) {
            table.addRowValues(e.getKey(), firstSentence(e.getValue().commandSpec().usageMessage().description()));
        }
        return table.toString();
    }

    /** The description's lines joined up to the end of its first sentence (a full stop or colon followed by a space or the end). */
    static String firstSentence(String[] description) {
        String all = String.join(" ", description).replaceAll("\\s+", " ").strip();
        for (int i = 0; i < all.length(); i++) {
            char c = all.charAt(i);
            if ((c == '.' || c == ':') && (i + 1 == all.length() || all.charAt(i + 1) == ' ')) return all.substring(0, c == '.' ? i + 1 : i);
        }
        return all;
    }
}
