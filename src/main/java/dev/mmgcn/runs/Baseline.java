package dev.mmgcn.runs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The popularity ranking of one dataset, as the runs trained on it recorded it (summary.json's
 * {@code popularity_valid} / {@code popularity_test}: every user gets the items with the most training
 * interactions). Tables show it as a row beside the runs, so a run that does not beat it is seen to.
 *
 * @param label "popularity", or "popularity (DATA)" when the runs span several datasets
 * @param run   a finished run on that data, whose summary holds the numbers
 */
public record Baseline(String label, RunInfo run) {
    /** One baseline per dataset among the finished runs, in the order the runs list them. */
    public static List<Baseline> of(List<RunInfo> runs) {
        Map<String, RunInfo> byData = new LinkedHashMap<>();
        for (RunInfo r : runs) {
            if (r.finished() && Double.isFinite(r.popularity("valid", r.validMetric()) + r.popularity("test", r.validMetric()))) {
                byData.putIfAbsent(r.data(), r);
            }
        }
        List<Baseline> out = new ArrayList<>();
        for (RunInfo r : byData.values()) out.add(new Baseline(byData.size() == 1 ? "popularity" : "popularity (" + r.dataName() + ")", r));
        return out;
    }

    public double valid(String metric) {
        return run.popularity("valid", metric);
    }

    public double test(String metric) {
        return run.popularity("test", metric);
    }

    /** Notes on the groups whose mean valid metric is not above their data's popularity ranking or their own item-only check. */
    static List<String> notes(String metric, List<String> belowPopularity, List<String> belowItemOnly, int groups, String what) {
        List<String> out = new ArrayList<>();
        if (!belowPopularity.isEmpty()) {
            out.add(String.format(Locale.ROOT, "%d of %d %s not above the popularity ranking on valid %s: %s", belowPopularity.size(), groups,
                    what + (belowPopularity.size() == 1 ? " is" : " are"), metric, preview(belowPopularity)));
        }
        if (!belowItemOnly.isEmpty()) {
            out.add(String.format(Locale.ROOT, "%d of %d %s not above %s own item-only check on valid %s (a learned item ranking, "
                            + "not preferences): %s", belowItemOnly.size(), groups, what + (belowItemOnly.size() == 1 ? " is" : " are"),
                    belowItemOnly.size() == 1 ? "its" : "their", metric, preview(belowItemOnly)));
        }
        return out;
    }

    private static String preview(List<String> names) {
        if (names.size() <= 4) return String.join(", ", names);
        return String.join(", ", names.subList(0, 4)) + " and " + (names.size() - 4) + " more";
    }
}
