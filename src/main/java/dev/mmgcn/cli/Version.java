package dev.mmgcn.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version, from the build (a filtered resource, so it is known in tests and in the jar alike). */
final class Version implements IVersionProvider {
    private static final String VERSION = read();

    static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/mmgcn/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) return v;
            }
        } catch (IOException ignored) {
            // fall through
        }
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "unknown (development build)" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"mmgcn-engine " + VERSION, "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }
}
