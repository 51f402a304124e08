package dev.mmgcn.data;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a loader noticed but did not fail on: duplicate interactions it dropped, pairs shared
 * between splits, cold users and items, disagreements between redundant files. The command line
 * prints it so that nothing is dropped silently.
 */
public final class LoadReport {
    private final List<String> warnings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Integer> duplicates = new LinkedHashMap<>();

    /** Something that probably needs the user's attention. */
    public void warn(String message) {
        warnings.add(message);
    }

    /** A neutral fact about the data. */
    public void note(String message) {
        notes.add(message);
    }

    /** Records (and warns about) {@code count} duplicate pairs dropped from {@code split}. */
    public void recordDuplicates(String split, String source, int count) {
        duplicates.merge(split, count, Integer::sum);
        if (count > 0) {
            warnings.add(source + ": " + count + " duplicate " + split + " interaction" + (count == 1 ? "" : "s")
                    + " dropped (kept the first of each)");
        }
    }

    /** Duplicate pairs dropped from a split (0 when none or unknown). */
    public int duplicates(String split) {
        return duplicates.getOrDefault(split, 0);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** One line per warning ("warning: ...") then per note ("note: ..."). */
    public void print(PrintStream out) {
        for (String w : warnings) out.println("warning: " + w);
        for (String n : notes) out.println("note: " + n);
    }

    @Override
    public String toString() {
        return "LoadReport[warnings=" + warnings + ", notes=" + notes + "]";
    }
}
