package dev.mmgcn.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * {@code serve}'s log: Jetty and Javalin (through slf4j-jdk14) and the engine log to
 * {@code java.util.logging}, whose default prints every INFO record on two lines. Here: warnings and
 * errors only, one line each with the time ({@code 2025-01-01 12:00:00 WARNING org.eclipse.jetty…: …});
 * {@code serve} prints its own start and stop lines. {@code MMGCN_DEBUG} keeps INFO; a configuration
 * given with {@code -Djava.util.logging.config.file} (or {@code .class}) is left as it is.
 */
final class ServerLogging {
    private ServerLogging() {
    }

    static void quiet() {
        if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null) return;
        String level = System.getenv("MMGCN_DEBUG") != null ? "INFO" : "WARNING";
        String config = String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                ".level=" + level,
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
                "java.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s %3$s: %5$s%6$s%n",
                "org.eclipse.jetty.level=" + level,
                "io.javalin.level=" + level,
                "dev.mmgcn.level=" + level, "");
        try {
            LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException | SecurityException e) {
            // keep the JVM's logging as it is
        }
    }
}
