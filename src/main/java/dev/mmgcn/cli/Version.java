package dev.mmgcn.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The project version and the source revision it was built from: both from the build (a filtered resource,
 * so they are known in tests and in the jar alike). The revision is the commit the build's tree was at and
 * whether that tree had changes not committed; a build from a source tree without git history says "unknown".
 */
final class Version implements IVersionProvider {
    private static final Properties BUILD = read();
    private static final String VERSION = version();

    static String get() {
        return VERSION;
    }

    /** The full commit id the build was made from, or null when the build had no git history. */
    static String commit() {
        return filled("commit");
    }

    /** Whether the build's tree had changes not committed; null when not known. */
    static Boolean modified() {
        String m = filled("modified");
        return m == null ? null : Boolean.valueOf(m);
    }

    /** "COMMIT", "COMMIT (modified)", or "unknown (built without git history)". */
    static String revision() {
        String c = commit();
        if (c == null) return "unknown (built without git history)";
        return Boolean.TRUE.equals(modified()) ? c + " (modified)" : c;
    }

    /** For run records: {@code commit}, {@code modified}, {@code commit_time} (nulls when unknown). */
    static Map<String, Object> record() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("commit", commit());
        m.put("modified", modified());
        m.put("commit_time", filled("commit_time"));
        return m;
    }

    private static String filled(String key) {
        String v = BUILD.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? null : v.strip();
    }

    /** version.properties (the filtered project version) and revision.properties (src/build/revision.sh). */
    private static Properties read() {
        Properties p = new Properties();
        for (String name : new String[] {"/dev/mmgcn/version.properties", "/dev/mmgcn/revision.properties"}) {
            try (InputStream in = Version.class.getResourceAsStream(name)) {
                if (in != null) p.load(in);
            } catch (IOException ignored) {
                // nothing known: the fallbacks below
            }
        }
        return p;
    }

    private static String version() {
        String v = filled("version");
        if (v != null) return v;
        v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "unknown (development build)" : v;
    }

    @Override
    public String[] getVersion() {
        String c = commit();
        String rev = c == null ? "revision unknown (built without git history)"
                : "revision " + c + (Boolean.TRUE.equals(modified()) ? " with changes not committed" : "")
                + (filled("commit_time") == null ? "" : " (committed " + filled("commit_time") + ")");
        return new String[] {"mmgcn-engine " + VERSION, rev, "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
