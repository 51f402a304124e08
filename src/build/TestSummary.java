import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The last lines of {@code ./mmgcn test}: one total over every suite's Surefire reports (the engine at
 * the CPU's vector width and at 128 bits, and the Spark jobs), with the skip reasons counted, so a run
 * ends on what passed, failed and was skipped in all. Run as a source file by the launcher:
 * {@code java TestSummary.java LABEL=DIR[:EXIT] ...}; DIR holds TEST-*.xml, EXIT is Maven's exit status
 * for that suite. Prints the summary; exits 1 when anything failed or a suite did not run, else 0.
 */
public final class TestSummary {
    record Counts(String label, int tests, int failures, int errors, int skipped, int exit, boolean ran) {
    }

    public static void main(String[] args) throws Exception {
        List<Counts> suites = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        for (String arg : args) {
            Matcher m = Pattern.compile("([^=]+)=([^:]+)(?::(-?\\d+))?").matcher(arg);
            if (!m.matches()) throw new IllegalArgumentException("expected LABEL=DIR[:EXIT], got " + arg);
            String label = m.group(1);
            Path dir = Path.of(m.group(2));
            int exit = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            int tests = 0, failures = 0, errors = 0, skipped = 0;
            List<Path> reports = new ArrayList<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().forEach(reports::add);
                }
            }
            for (Path r : reports) {
                Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(r.toFile()).getDocumentElement();
                tests += Integer.parseInt(suite.getAttribute("tests"));
                failures += Integer.parseInt(suite.getAttribute("failures"));
                errors += Integer.parseInt(suite.getAttribute("errors"));
                skipped += Integer.parseInt(suite.getAttribute("skipped"));
                NodeList cases = suite.getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    String name = c.getAttribute("classname").replaceFirst("^dev\\.mmgcn\\.", "") + "#" + c.getAttribute("name");
                    if (c.getElementsByTagName("failure").getLength() + c.getElementsByTagName("error").getLength() > 0) {
                        failed.add(label + ": " + name);
                    }
                    NodeList skips = c.getElementsByTagName("skipped");
                    if (skips.getLength() > 0) {
                        Element skip = (Element) skips.item(0);
                        String why = skip.hasAttribute("message") ? skip.getAttribute("message") : skip.getTextContent().lines().findFirst().orElse("");
                        reasons.merge(reason(why), 1, Integer::sum);
                    }
                }
            }
            suites.add(new Counts(label, tests, failures, errors, skipped, exit, !reports.isEmpty()));
        }
        int tests = 0, bad = 0, skipped = 0;
        boolean broken = false;
        StringBuilder parts = new StringBuilder();
        for (Counts c : suites) {
            tests += c.tests();
            bad += c.failures() + c.errors();
            skipped += c.skipped();
            if (parts.length() > 0) parts.append("; ");
            if (!c.ran() && c.exit() == 0) {
                parts.append(c.label()).append(": no test selected");
                continue;
            }
            if (!c.ran()) {
                parts.append(c.label()).append(": did not run (its build failed, see above)");
                broken = true;
                continue;
            }
            parts.append(c.label()).append(" ").append(c.tests() - c.failures() - c.errors() - c.skipped()).append(" passed");
            if (c.failures() + c.errors() > 0) parts.append(", ").append(c.failures() + c.errors()).append(" failed");
            if (c.skipped() > 0) parts.append(", ").append(c.skipped()).append(" skipped");
            if (c.exit() != 0 && c.failures() + c.errors() == 0) {
                parts.append(" (Maven exited ").append(c.exit()).append(")");
                broken = true;
            }
        }
        System.out.println();
        System.out.println("==== test summary: " + parts);
        for (String f : failed) System.out.println("  FAILED " + f);
        for (var r : reasons.entrySet()) System.out.println("  skipped " + r.getValue() + " × " + r.getKey());
        boolean ok = bad == 0 && !broken;
        System.out.printf("==== %s: %d tests, %d passed, %d failed, %d skipped%n", ok ? "ALL PASSED" : "FAILED",
                tests, tests - bad - skipped, bad, skipped);
        System.exit(ok ? 0 : 1);
    }

    /** A skip message without JUnit's prefix, shortened to its first clause. */
    static String reason(String message) {
        String m = message.replaceFirst("^[\\w.]*TestAbortedException: ", "").replaceFirst("^Assumption failed: ", "").strip();
        if (m.isEmpty()) m = "(no reason given)";
        return m.length() > 100 ? m.substring(0, 97) + "..." : m;
    }
}
