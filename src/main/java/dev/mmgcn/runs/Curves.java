package dev.mmgcn.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The curves of run folders, from their metrics.jsonl: one run's, and a configuration's mean ± std over its seeds. */
final class Curves {
    private Curves() {
    }

    /**
     * (position in epochs, value) for each metrics.jsonl line ({@link RunInfo#position}: a validation inside
     * an epoch lies between its epoch's ends): {@code path} is a split and a metric name. The loss is
     * drawn per epoch, from the lines that end one (the epoch's mean loss).
     */
    static List<double[]> of(RunInfo run, String... path) {
        boolean loss = path.length == 1 && path[0].equals("loss");
        List<double[]> out = new ArrayList<>();
        for (Map<String, Object> e : run.epochs()) {
            if (loss && !RunInfo.endOfEpoch(e)) continue;
            out.add(new double[] {RunInfo.position(e), RunJson.number(e, path)});
        }
        return out;
    }

    /**
     * The runs of one configuration (its seeds) as one series: at each position any of them validated, the
     * mean of the values there, and where two or more have one, a band of mean ± sample standard deviation.
     * Seeds of one configuration validate at the same positions; one that stopped early just adds nothing later.
     */
    static SvgChart.Series grouped(String name, List<RunInfo> runs, String... path) {
        Map<Double, List<Double>> at = new TreeMap<>();
        for (RunInfo r : runs) {
            for (double[] p : of(r, path)) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) at.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
            }
        }
        List<double[]> mean = new ArrayList<>(), band = new ArrayList<>();
        for (Map.Entry<Double, List<Double>> e : at.entrySet()) {
            Stats s = Stats.of(e.getValue());
            mean.add(new double[] {e.getKey(), s.mean()});
            if (s.n() >= 2) band.add(new double[] {e.getKey(), s.mean() - s.std(), s.mean() + s.std()});
        }
        return new SvgChart.Series(name, mean, band, SvgChart.Style.SOLID, null);
    }

    /** A horizontal reference line at {@code y} from epoch 0 to the last position of the runs. */
    static List<double[]> level(double y, List<RunInfo> runs) {
        double end = 1;
        for (RunInfo r : runs) for (Map<String, Object> e : r.epochs()) end = Math.max(end, RunInfo.position(e));
        return List.of(new double[] {0, y}, new double[] {end, y});
    }
}
