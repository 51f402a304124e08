package dev.mmgcn.runs;

import java.util.List;

/** XHTML text helpers: escaping, and a table from a {@link Table}. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') sb.append(' '); // not allowed in XML
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    static String table(Table t, String cssClass) {
        StringBuilder sb = new StringBuilder("<table class=\"" + cssClass + "\">\n<tr>");
        for (String h : t.header()) sb.append("<th>").append(escape(h)).append("</th>");
        sb.append("</tr>\n");
        for (List<String> r : t.rows()) {
            sb.append("<tr>");
            for (String c : r) sb.append("<td>").append(escape(c)).append("</td>");
            sb.append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }
}
