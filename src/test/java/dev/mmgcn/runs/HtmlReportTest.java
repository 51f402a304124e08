package dev.mmgcn.runs;

import dev.mmgcn.settings.TrainSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The report page parsed as XML: self-contained, one SVG per curve, and every polyline point mapping back to its metrics.jsonl value. */
public class HtmlReportTest {
    @TempDir
    Path dir;

    static final double[] LOSS = {0.69, 0.41, 0.25, 0.18, 0.17};
    static final Double[] VALID = {0.10, 0.22, null, 0.31, 0.29};
    static final Double[] ITEM_ONLY = {0.09, 0.11, 0.12, 0.12, 0.13};

    public static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    public static Element chart(Document d, String title) {
        NodeList svgs = d.getElementsByTagName("svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element e = (Element) svgs.item(i);
            if (e.getAttribute("data-title").equals(title)) return e;
        }
        throw new AssertionError("no chart '" + title + "'");
    }

    /** The polyline's points mapped back to data coordinates with the ranges the svg states. */
    public static List<double[]> values(Element svg, String series) {
        double x0 = d(svg, "data-x-min"), x1 = d(svg, "data-x-max"), y0 = d(svg, "data-y-min"), y1 = d(svg, "data-y-max");
        double left = d(svg, "data-left"), top = d(svg, "data-top"), w = d(svg, "data-width"), h = d(svg, "data-height");
        NodeList lines = svg.getElementsByTagName("polyline");
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (!l.getAttribute("data-series").equals(series)) continue;
            List<double[]> out = new ArrayList<>();
            String pts = l.getAttribute("points").trim();
            if (pts.isEmpty()) return out;
            for (String p : pts.split(" ")) {
                String[] xy = p.split(",");
                double px = Double.parseDouble(xy[0]), py = Double.parseDouble(xy[1]);
                out.add(new double[] {x0 + (px - left) / w * (x1 - x0), y0 + (top + h - py) / h * (y1 - y0)});
            }
            return out;
        }
        throw new AssertionError("no series '" + series + "'");
    }

    private static double d(Element e, String attr) {
        return Double.parseDouble(e.getAttribute(attr));
    }

    static void assertCurve(double[] xs, Double[] ys, List<double[]> got, double range) {
        List<double[]> expected = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) if (ys[i] != null) expected.add(new double[] {xs[i], ys[i]});
        assertEquals(expected.size(), got.size(), "points (a missing value is left out)");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(expected.get(i)[0], got.get(i)[0], 1e-3, "x of point " + i);
            assertEquals(expected.get(i)[1], got.get(i)[1], range * 1e-4, "y of point " + i);
        }
    }

    static void assertSelfContained(String html) {
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("src="), "nothing loaded");
        assertFalse(html.contains("@import") || html.contains("@font-face") || html.contains("url("), "no fonts or style sheets fetched");
        assertFalse(html.replace("http://www.w3.org/1999/xhtml", "").replace("http://www.w3.org/2000/svg", "").contains("http"), "no links out");
    }

    @Test
    void aRunsCurvesAreItsMetricsLines() throws Exception {
        Path run = FakeRuns.finished(dir.resolve("run <&> \"x\""), FakeRuns.settings("lr", 0.001), 0.31, 0.3, 0.15, 5, 1.2);
        FakeRuns.metrics(run, LOSS, VALID, ITEM_ONLY);
        String html = HtmlReport.forRun(RunInfo.read(run), "generated now", "report").html();
        assertSelfContained(html);
        Document doc = parse(html); // well-formed, names with markup characters escaped
        assertEquals(2, doc.getElementsByTagName("svg").getLength(), "one chart for the loss, one for the validation metric");
        double[] epochs = {1, 2, 3, 4, 5};
        Double[] loss = new Double[LOSS.length];
        for (int i = 0; i < loss.length; i++) loss[i] = LOSS[i];
        assertCurve(epochs, loss, values(chart(doc, "training loss"), "loss"), 0.52);
        Element valid = chart(doc, "valid recall@20");
        assertCurve(epochs, VALID, values(valid, "model"), 0.22);
        assertCurve(epochs, ITEM_ONLY, values(valid, "item-only"), 0.22);
        assertTrue(doc.getElementsByTagName("h1").item(0).getTextContent().contains("run <&> \"x\""));
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("recall@20") && text.contains("0.3100") && text.contains("0.3000"), "the summary table");
        assertTrue(text.contains("lr") && text.contains("0.001"), "the settings");
    }

    @Test
    void validationsInsideAnEpochLieBetweenItsEnds() throws Exception {
        Path run = FakeRuns.finished(dir.resolve("steps"), FakeRuns.settings(), 0.3, 0.2, 0.1, 2, 1.0);
        // two epochs of 4 steps, validated after steps 2 and 4: positions 0.5, 1, 1.5, 2
        List<String> lines = new ArrayList<>();
        double[][] rows = {{1, 2, 0.60, 0.11}, {1, 4, 0.55, 0.14}, {2, 2, 0.50, 0.19}, {2, 4, 0.45, 0.18}};
        for (double[] r : rows) {
            lines.add(RunJson.line(java.util.Map.of("epoch", (int) r[0], "step", (int) r[1], "steps", 4, "end_of_epoch", r[1] == 4,
                    "loss", r[2], "valid", java.util.Map.of("recall@20", r[3]))));
        }
        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n", lines) + "\n");
        Document doc = parse(HtmlReport.forRun(RunInfo.read(run), "now", "report").html());
        assertCurve(new double[] {0.5, 1, 1.5, 2}, new Double[] {0.11, 0.14, 0.19, 0.18}, values(chart(doc, "valid recall@20"), "model"), 0.08);
        assertCurve(new double[] {1, 2}, new Double[] {0.55, 0.45}, values(chart(doc, "training loss"), "loss"), 0.1);
        assertEquals(2, RunInfo.read(run.resolveSibling("steps")).epochs().stream().filter(RunInfo::endOfEpoch).count());
    }

    @Test
    void aSweepsCurvesAreOverlaidAndItsLeaderboardShown() throws Exception {
        SweepPlan p = SweepPlan.of(TrainSettings.defaults(), Grid.inline("lr=0.1,0.2"));
        Files.writeString(dir.resolve("sweep.json"), RunJson.pretty(p.toMap("test")));
        Path a = FakeRuns.finished(dir.resolve("lr=0.1"), FakeRuns.settings("lr", 0.1), 0.2, 0.1, 0.05, 3, 1.0);
        Path b = FakeRuns.finished(dir.resolve("lr=0.2"), FakeRuns.settings("lr", 0.2), 0.3, 0.2, 0.08, 3, 1.0);
        FakeRuns.metrics(a, new double[] {0.7, 0.5, 0.4}, new Double[] {0.1, 0.15, 0.2}, new Double[] {0.1, 0.1, 0.1});
        FakeRuns.metrics(b, new double[] {0.6, 0.3, 0.2}, new Double[] {0.2, 0.3, 0.25}, new Double[] {0.1, 0.1, 0.1});
        String html = HtmlReport.forSweep(dir, "generated now", "report").html();
        assertSelfContained(html);
        Document doc = parse(html);
        Element loss = chart(doc, "training loss");
        assertEquals(2, loss.getElementsByTagName("polyline").getLength());
        assertCurve(new double[] {1, 2, 3}, new Double[] {0.6, 0.3, 0.2}, values(loss, "lr=0.2"), 0.5);
        assertCurve(new double[] {1, 2, 3}, new Double[] {0.1, 0.15, 0.2}, values(chart(doc, "valid recall@20"), "lr=0.1"), 0.2);
        Element board = (Element) doc.getElementsByTagName("table").item(0);
        NodeList rows = board.getElementsByTagName("tr");
        assertEquals(3, rows.getLength());
        assertTrue(rows.item(1).getTextContent().startsWith("1lr=0.21/10.3000"), rows.item(1).getTextContent());
    }

    /**
     * The figure: one colour per configuration, its seeds as a mean line inside a ± std band, round
     * ticks, the metric's name on the y axis, a dashed popularity line, a legend below the plot; the same SVG
     * as a file of its own. Every number is read back from the SVG and set against the runs' files.
     */
    @Test
    void aSweepsFiguresAreFitForAPaper() throws Exception {
        SweepPlan p = SweepPlan.of(TrainSettings.defaults(), Grid.inline("lr=0.1,0.2").and(Grid.inline("seed=1,2")));
        Files.writeString(dir.resolve("sweep.json"), RunJson.pretty(p.toMap("test")));
        double[][] valid = {{0.10, 0.15, 0.20}, {0.14, 0.19, 0.18}, {0.20, 0.30, 0.25}, {0.22, 0.26, 0.27}};
        String[] names = {"lr=0.1_seed=1", "lr=0.1_seed=2", "lr=0.2_seed=1", "lr=0.2_seed=2"};
        for (int t = 0; t < 4; t++) {
            Path run = FakeRuns.finished(dir.resolve(names[t]), FakeRuns.settings("lr", t < 2 ? 0.1 : 0.2, "seed", t % 2 + 1),
                    valid[t][2], 0.1, 0.05, 3, 1.0);
            FakeRuns.baselines(run, 0.165, 0.17, 0.12);
            FakeRuns.metrics(run, new double[] {0.7, 0.5, 0.4}, new Double[] {valid[t][0], valid[t][1], valid[t][2]}, new Double[] {0.1, 0.1, 0.1});
        }
        HtmlReport.Page page = HtmlReport.forSweep(dir, "now", "fig");
        assertEquals(List.of("fig-loss.svg", "fig-valid.svg"), new ArrayList<>(page.figures().keySet()));
        Document doc = parse(page.html());
        Element chart = chart(doc, "valid recall@20");
        Document file = parse(page.figures().get("fig-valid.svg").file());
        assertEquals(chart.getAttribute("data-y-max"), file.getDocumentElement().getAttribute("data-y-max"), "the figure file is the same chart");
        assertEquals(chart.getElementsByTagName("polyline").getLength(), file.getElementsByTagName("polyline").getLength());

        // one mean line per configuration, each point the mean of its two seeds; the band is mean ± sample std
        for (int g = 0; g < 2; g++) {
            String group = g == 0 ? "lr=0.1" : "lr=0.2";
            Double[] mean = new Double[3];
            for (int e = 0; e < 3; e++) mean[e] = (valid[2 * g][e] + valid[2 * g + 1][e]) / 2;
            assertCurve(new double[] {1, 2, 3}, mean, values(chart, group), 0.2);
            List<double[]> band = band(chart, group);
            assertEquals(6, band.size(), "upper edge over 3 epochs, then the lower edge back");
            for (int e = 0; e < 3; e++) {
                double std = Math.abs(valid[2 * g][e] - valid[2 * g + 1][e]) / Math.sqrt(2);
                assertEquals(mean[e] + std, band.get(e)[1], 2e-5, group + " upper edge at epoch " + (e + 1));
                assertEquals(mean[e] - std, band.get(5 - e)[1], 2e-5, group + " lower edge at epoch " + (e + 1));
            }
        }
        // the popularity ranking, dashed, at the value the runs' summaries record
        Element pop = series(chart, "popularity");
        assertFalse(pop.getAttribute("stroke-dasharray").isEmpty(), "dashed");
        for (double[] pt : values(chart, "popularity")) assertEquals(0.165, pt[1], 2e-5);
        assertNotEquals(series(chart, "lr=0.1").getAttribute("stroke"), series(chart, "lr=0.2").getAttribute("stroke"), "a colour per configuration");

        assertRoundTicks(chart, "tick y");
        assertRoundTicks(chart, "tick x");
        assertEquals("valid recall@20", text(chart, "axis y").getFirst());
        assertEquals("epoch", text(chart, "axis x").getFirst());
        double plotBottom = Double.parseDouble(chart.getAttribute("data-top")) + Double.parseDouble(chart.getAttribute("data-height"));
        NodeList legend = chart.getElementsByTagName("g");
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < legend.getLength(); i++) {
            Element g = (Element) legend.item(i);
            if (!g.getAttribute("class").equals("legend")) continue;
            Element t = (Element) g.getElementsByTagName("text").item(0);
            assertTrue(Double.parseDouble(t.getAttribute("y")) > plotBottom + 30, "the legend lies below the plot and its x label");
            entries.add(t.getElementsByTagName("title").item(0).getTextContent());
        }
        assertEquals(List.of("lr=0.1", "lr=0.2", "popularity"), entries);
    }

    @Test
    void aRunsFigureSetsItsItemOnlyCheckAndPopularityBesideItAndItsWarningsAbove() throws Exception {
        Path run = FakeRuns.finished(dir.resolve("run"), FakeRuns.settings(), 0.31, 0.3, 0.15, 5, 1.2);
        FakeRuns.metrics(run, LOSS, VALID, ITEM_ONLY);
        FakeRuns.baselines(run, 0.35, 0.33, 0.12, "valid recall@20 0.3100 at the best step is not above the popularity ranking's 0.3500");
        Document doc = parse(HtmlReport.forRun(RunInfo.read(run), "now", "report").html());
        Element valid = chart(doc, "valid recall@20");
        for (double[] pt : values(valid, "popularity")) assertEquals(0.35, pt[1], 3e-5);
        assertEquals("2 3", series(valid, "item-only").getAttribute("stroke-dasharray"), "dotted");
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("warning: valid recall@20 0.3100 at the best step is not above the popularity ranking's 0.3500"), text);
    }

    static Element series(Element svg, String name) {
        NodeList lines = svg.getElementsByTagName("polyline");
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (l.getAttribute("data-series").equals(name)) return l;
        }
        throw new AssertionError("no series '" + name + "'");
    }

    /** A band polygon's points in data coordinates. */
    static List<double[]> band(Element svg, String name) {
        double x0 = d(svg, "data-x-min"), x1 = d(svg, "data-x-max"), y0 = d(svg, "data-y-min"), y1 = d(svg, "data-y-max");
        double left = d(svg, "data-left"), top = d(svg, "data-top"), w = d(svg, "data-width"), h = d(svg, "data-height");
        NodeList polys = svg.getElementsByTagName("polygon");
        for (int i = 0; i < polys.getLength(); i++) {
            Element l = (Element) polys.item(i);
            if (!l.getAttribute("data-series").equals(name)) continue;
            List<double[]> out = new ArrayList<>();
            for (String pt : l.getAttribute("points").trim().split(" ")) {
                String[] xy = pt.split(",");
                out.add(new double[] {x0 + (Double.parseDouble(xy[0]) - left) / w * (x1 - x0), y0 + (top + h - Double.parseDouble(xy[1])) / h * (y1 - y0)});
            }
            return out;
        }
        throw new AssertionError("no band '" + name + "'");
    }

    static List<String> text(Element svg, String cssClass) {
        List<String> out = new ArrayList<>();
        NodeList texts = svg.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element t = (Element) texts.item(i);
            if (t.getAttribute("class").equals(cssClass)) out.add(t.getTextContent());
        }
        return out;
    }

    /** Tick labels a whole number of one step apart, the step 1, 2 or 5 × 10^k, the first and last the axis's ends. */
    static void assertRoundTicks(Element svg, String cssClass) {
        List<String> labels = text(svg, cssClass);
        assertTrue(labels.size() >= 3, labels.toString());
        List<java.math.BigDecimal> v = labels.stream().map(java.math.BigDecimal::new).toList();
        java.math.BigDecimal step = v.get(1).subtract(v.get(0));
        for (int i = 1; i < v.size(); i++) assertEquals(0, step.compareTo(v.get(i).subtract(v.get(i - 1))), "even steps: " + labels);
        String digits = step.stripTrailingZeros().unscaledValue().toString();
        assertTrue(List.of("1", "2", "5").contains(digits), "a round step (1, 2 or 5 × 10^k): " + labels);
        assertEquals(0, v.getFirst().remainder(step).signum(), "ticks at multiples of the step: " + labels);
        boolean x = cssClass.endsWith("x");
        assertEquals(Double.parseDouble(svg.getAttribute(x ? "data-x-min" : "data-y-min")), v.getFirst().doubleValue(), 1e-12, "the axis starts at a tick");
        assertEquals(Double.parseDouble(svg.getAttribute(x ? "data-x-max" : "data-y-max")), v.getLast().doubleValue(), 1e-12, "and ends at one");
    }
}
