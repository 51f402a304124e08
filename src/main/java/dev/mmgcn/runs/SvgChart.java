package dev.mmgcn.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as SVG, fit to go into a paper as it is: axes with round ticks ({@link ChartAxis}), a y-axis label
 * naming the metric, one colour per series (a colour-blind-safe palette), a mean line with a shaded ± std
 * band for a series that stands for several seeds, dashed or dotted lines for reference series (the
 * popularity ranking, the item-only check), and a legend below the plot that never covers a curve. Text
 * sizes and fonts are attributes of the SVG itself, so the same text is a figure file of its own.
 *
 * <p>The {@code <svg>} element carries its axis ranges and plot area as {@code data-*} attributes, so a
 * reader can map every point back to its value: {@code x = x-min + (px − left) / width · (x-max − x-min)} and
 * {@code y = y-min + (top + height − py) / height · (y-max − y-min)}. Each line is a {@code <polyline>} with
 * {@code data-series}; a band is a {@code <polygon class="band">} (upper edge left to right, then the lower
 * edge right to left). Points whose value is missing (null, NaN) are left out.
 */
public final class SvgChart {
    /** How a series is drawn. */
    public enum Style { SOLID, DASHED, DOTTED }

    /**
     * One line: its name, its (x, y) points, and optionally a band of (x, low, high) around it.
     *
     * @param colour null: the next colour of the palette
     */
    public record Series(String name, List<double[]> points, List<double[]> band, Style style, String colour) {
        public static Series line(String name, List<double[]> points) {
            return new Series(name, points, List.of(), Style.SOLID, null);
        }
    }

    /** Okabe & Ito's colour-blind-safe palette (without its yellow, too pale on white), then darker variants. */
    static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#8C510A",
            "#01665E", "#762A83"};
    /** The grey of reference lines (the popularity ranking). */
    public static final String REFERENCE = "#666666";
    private static final int WIDTH = 640, LEFT = 78, TOP = 34, PLOT_W = 540, PLOT_H = 260;
    private static final int LEGEND_ROW = 18, LEGEND_COLUMN = 270;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    public List<Series> series() {
        return series;
    }

    /** The chart as an {@code <svg>} element (for inline use in XHTML). */
    public String svg() {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY, yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!finite(p)) continue;
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
            for (double[] b : s.band()) {
                if (!finite(b)) continue;
                yMin = Math.min(yMin, b[1]);
                yMax = Math.max(yMax, b[2]);
            }
        }
        if (!Double.isFinite(xMin)) { // nothing to draw
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        // epochs start at 0; a y range that reaches down near 0 starts there too
        ChartAxis x = ChartAxis.of(Math.min(0, xMin), xMax, 6, true);
        ChartAxis y = ChartAxis.of(yMin >= 0 && yMin < 0.25 * yMax ? 0 : yMin, yMax, 6, false);
        int legendRows = (series.size() + 1) / 2;
        int height = TOP + PLOT_H + 52 + legendRows * LEGEND_ROW + 6;

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" "
                        + "data-title=\"%s\" data-x-min=\"%s\" data-x-max=\"%s\" data-y-min=\"%s\" data-y-max=\"%s\" "
                        + "data-left=\"%d\" data-top=\"%d\" data-width=\"%d\" data-height=\"%d\">%n",
                WIDTH, height, WIDTH, height, Html.escape(title), x.min(), x.max(), y.min(), y.max(), LEFT, TOP, PLOT_W, PLOT_H));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\" class=\"title\">%s</text>%n",
                LEFT, Html.escape(title)));
        for (double v : y.ticks()) {
            double py = py(y, v);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#e5e5e5\"/>"
                    + "<line x1=\"%d\" x2=\"%d\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\"/>"
                    + "<text x=\"%d\" y=\"%.2f\" class=\"tick y\" text-anchor=\"end\">%s</text>%n",
                    LEFT, LEFT + PLOT_W, py, py, LEFT - 5, LEFT, py, py, LEFT - 8, py + 4, y.label(v)));
        }
        for (double v : x.ticks()) {
            double px = px(x, v);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%d\" y2=\"%d\" stroke=\"#333333\"/>"
                    + "<text x=\"%.2f\" y=\"%d\" class=\"tick x\" text-anchor=\"middle\">%s</text>%n",
                    px, px, TOP + PLOT_H, TOP + PLOT_H + 5, px, TOP + PLOT_H + 19, x.label(v)));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333333\"/>%n",
                LEFT, TOP, PLOT_W, PLOT_H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" class=\"axis x\" text-anchor=\"middle\">%s</text>%n",
                LEFT + PLOT_W / 2, TOP + PLOT_H + 38, Html.escape(xLabel)));
        int yx = 18, yy = TOP + PLOT_H / 2;
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" class=\"axis y\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 %d %d)\">%s</text>%n", yx, yy, yx, yy, Html.escape(yLabel)));

        List<String> colours = new ArrayList<>();
        int next = 0;
        for (Series s : series) colours.add(s.colour() != null ? s.colour() : COLOURS[next++ % COLOURS.length]);
        for (int i = 0; i < series.size(); i++) band(sb, series.get(i), colours.get(i), x, y); // bands under every line
        for (int i = 0; i < series.size(); i++) line(sb, series.get(i), colours.get(i), x, y);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int lx = LEFT + (i % 2) * LEGEND_COLUMN, ly = TOP + PLOT_H + 58 + (i / 2) * LEGEND_ROW;
            sb.append("<g class=\"legend\">");
            if (!s.band().isEmpty()) {
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"26\" height=\"10\" fill=\"%s\" fill-opacity=\"0.2\"/>",
                        lx, ly - 9, colours.get(i)));
            }
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                    lx, lx + 26, ly - 4, ly - 4, colours.get(i), dash(s.style())));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\"><title>%s</title>%s</text></g>%n", lx + 32, ly,
                    Html.escape(s.name()), Html.escape(shorten(s.name()))));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** The chart as a standalone SVG file (what a paper's figure takes). */
    public String file() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg();
    }

    private static void band(StringBuilder sb, Series s, String colour, ChartAxis x, ChartAxis y) {
        List<double[]> b = s.band().stream().filter(SvgChart::finite).toList();
        if (b.size() < 2) return;
        StringBuilder pts = new StringBuilder();
        for (double[] p : b) pts.append(String.format(Locale.ROOT, "%.3f,%.3f ", px(x, p[0]), py(y, p[2])));
        for (int i = b.size() - 1; i >= 0; i--) pts.append(String.format(Locale.ROOT, "%.3f,%.3f ", px(x, b.get(i)[0]), py(y, b.get(i)[1])));
        sb.append(String.format(Locale.ROOT, "<polygon class=\"band\" data-series=\"%s\" fill=\"%s\" fill-opacity=\"0.2\" stroke=\"none\" points=\"%s\"/>%n",
                Html.escape(s.name()), colour, pts.toString().strip()));
    }

    private static void line(StringBuilder sb, Series s, String colour, ChartAxis x, ChartAxis y) {
        StringBuilder pts = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        List<double[]> finite = s.points().stream().filter(SvgChart::finite).toList();
        for (double[] p : finite) {
            double px = px(x, p[0]), py = py(y, p[1]);
            if (!pts.isEmpty()) pts.append(' ');
            pts.append(String.format(Locale.ROOT, "%.3f,%.3f", px, py));
            if (s.style() == Style.SOLID && finite.size() <= 60) {
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.3f\" cy=\"%.3f\" r=\"2\" fill=\"%s\"/>", px, py, colour));
            }
        }
        sb.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"/>%n",
                Html.escape(s.name()), colour, s.style() == Style.SOLID ? "2" : "1.5", dash(s.style()), pts));
        if (!dots.isEmpty()) sb.append(dots).append('\n');
    }

    private static String dash(Style s) {
        return switch (s) {
            case SOLID -> "";
            case DASHED -> " stroke-dasharray=\"7 4\"";
            case DOTTED -> " stroke-dasharray=\"2 3\"";
        };
    }

    private static double px(ChartAxis x, double v) {
        return LEFT + PLOT_W * (v - x.min()) / (x.max() - x.min());
    }

    private static double py(ChartAxis y, double v) {
        return TOP + PLOT_H - PLOT_H * (v - y.min()) / (y.max() - y.min());
    }

    private static boolean finite(double[] p) {
        for (double v : p) if (!Double.isFinite(v)) return false;
        return true;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 39) + "…" : s;
    }
}
