package dev.mmgcn.runs;

import java.util.ArrayList;
import java.util.List;

/** A table of text cells, rendered as aligned text (numbers right-aligned), TSV or Markdown. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    public void add(List<String> row) {
        if (row.size() != header.size()) throw new IllegalArgumentException("row of " + row.size() + " cells for " + header.size() + " columns");
        rows.add(List.copyOf(row));
    }

    public List<String> header() {
        return header;
    }

    public List<List<String>> rows() {
        return rows;
    }

    public String text() {
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = header.get(c).length();
            for (List<String> r : rows) w[c] = Math.max(w[c], r.get(c).length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w, true);
        for (List<String> r : rows) line(sb, r, w, false);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w, boolean header) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String s = cells.get(c);
            boolean right = !header && c > 0 && numeric(s);
            if (c > 0) l.append("  ");
            String pad = " ".repeat(w[c] - s.length());
            l.append(right ? pad + s : s + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    private static boolean numeric(String s) {
        return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '.');
    }

    public String tsv() {
        StringBuilder sb = new StringBuilder(String.join("\t", header.stream().map(Table::tsvCell).toList())).append('\n');
        for (List<String> r : rows) sb.append(String.join("\t", r.stream().map(Table::tsvCell).toList())).append('\n');
        return sb.toString();
    }

    private static String tsvCell(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", header.stream().map(Table::mdCell).toList()) + " |\n|");
        for (int c = 0; c < header.size(); c++) sb.append(c == 0 ? " --- |" : " ---: |");
        sb.append('\n');
        for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r.stream().map(Table::mdCell).toList())).append(" |\n");
        return sb.toString();
    }

    private static String mdCell(String s) {
        return s.replace("|", "\\|").replace('\n', ' ');
    }
}
