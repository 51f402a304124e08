package dev.mmgcn.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: one {@code <polyline>} per series (points in pixels), axes with a few
 * labelled ticks, a legend. The {@code <svg>} element carries its data ranges and plot area as
 * {@code data-*} attributes, so a reader can map every point back to its value:
 * {@code x = x-min + (px − left) / width · (x-max − x-min)} and
 * {@code y = y-min + (top + height − py) / height · (y-max − y-min)}.
 * Points whose value is missing (null, NaN) are left out.
 */
public final class SvgChart {
    /** One line: its name and its (x, y) points. */
    public record Series(String name, List<double[]> points) {
    }

    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf"};
    private static final int WIDTH = 640, HEIGHT = 300, LEFT = 64, TOP = 28, PLOT_W = 420, PLOT_H = 220;

    private final String title;
    private final String xLabel;
    private final List<Series> series = new ArrayList<>();

    public SvgChart(String title, String xLabel) {
        this.title = title;
        this.xLabel = xLabel;
    }

    public SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    public String svg() {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY, yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (!Double.isFinite(xMin)) { // nothing to draw
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        if (xMax == xMin) xMax = xMin + 1;
        if (yMax == yMin) {
            double pad = yMin == 0 ? 1 : Math.abs(yMin) * 0.05;
            yMin -= pad;
            yMax += pad;
        } else {
            double pad = (yMax - yMin) * 0.05;
            yMin -= pad;
            yMax += pad;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" data-title=\"%s\" data-x-min=\"%s\" data-x-max=\"%s\" data-y-min=\"%s\" data-y-max=\"%s\" "
                        + "data-left=\"%d\" data-top=\"%d\" data-width=\"%d\" data-height=\"%d\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title), xMin, xMax, yMin, yMax, LEFT, TOP, PLOT_W, PLOT_H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"title\">%s</text>%n", LEFT, Html.escape(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, PLOT_W, PLOT_H));
        for (int i = 0; i <= 4; i++) { // y ticks
            double v = yMin + (yMax - yMin) * i / 4;
            double py = TOP + PLOT_H - PLOT_H * i / 4.0;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.2f\" class=\"tick\" text-anchor=\"end\">%s</text>%n", LEFT, LEFT + PLOT_W, py, py, LEFT - 4, py + 4, tick(v)));
        }
        int xTicks = (int) Math.min(5, Math.round(xMax - xMin));
        for (int i = 0; i <= xTicks; i++) {
            double v = xMin + (xMax - xMin) * i / Math.max(1, xTicks);
            double px = LEFT + PLOT_W * (v - xMin) / (xMax - xMin);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                    px, TOP + PLOT_H + 16, tick(v)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>%n",
                LEFT + PLOT_W / 2, TOP + PLOT_H + 34, Html.escape(xLabel)));
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            String colour = COLOURS[s % COLOURS.length];
            StringBuilder pts = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (double[] p : se.points()) {
                if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
                double px = LEFT + PLOT_W * (p[0] - xMin) / (xMax - xMin);
                double py = TOP + PLOT_H - PLOT_H * (p[1] - yMin) / (yMax - yMin);
                if (!pts.isEmpty()) pts.append(' ');
                pts.append(String.format(Locale.ROOT, "%.3f,%.3f", px, py));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.3f\" cy=\"%.3f\" r=\"2\" fill=\"%s\"/>", px, py, colour));
            }
            sb.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                    Html.escape(se.name()), colour, pts));
            sb.append(dots).append('\n');
            int ly = TOP + 12 + s * 16;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>%n", LEFT + PLOT_W + 10, ly - 4, colour,
                    LEFT + PLOT_W + 26, ly, Html.escape(shorten(se.name()))));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String shorten(String s) {
        return s.length() > 22 ? s.substring(0, 21) + "…" : s;
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) return String.format(Locale.ROOT, "%.2e", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
