package dev.mmgcn.serving;

import org.eclipse.jetty.server.Request;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every request the server refuses for its limits (408 too slow, 413 too large, 503 busy or stopping, a client
 * that went away mid-body) is logged with its reason, so that nothing is dropped unexplained. Under a flood the
 * same kind of refusal is logged once per second: the first as it happens, the rest as a count with the last
 * one's reason ("and 57 more 503 in the last second, the last: …"), so the log says how many, not only that.
 */
final class RejectionLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.mmgcn.serving");
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Per status (0: no answer, the client went away): refusals not yet in a line, and the last one's text. */
    private static final class Pending {
        long lastLine;
        int count;
        String last;
    }

    private final Map<Integer, Pending> pending = new TreeMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mmgcn-http-rejections");
        t.setDaemon(true);
        return t;
    });

    RejectionLog() {
        flusher.scheduleWithFixedDelay(this::flush, 1, 1, TimeUnit.SECONDS);
    }

    /** A refusal of {@code request} (null when the request line itself could not be read). */
    void refused(int status, Request request, String why) {
        refused(status, request == null ? null : request.getMethod() + " " + request.getHttpURI().getPath() + " from "
                + Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request), why);
    }

    /** A refusal of the request {@code where} names ("POST /recommend from 127.0.0.1"; null when unknown). */
    void refused(int status, String where, String why) {
        String what = (status == 0 ? "no answer" : "refused " + status) + (where == null ? "" : " " + where) + ": " + why;
        String line = null;
        synchronized (this) {
            Pending p = pending.computeIfAbsent(status, s -> new Pending());
            long now = System.nanoTime();
            if (p.count == 0 && now - p.lastLine > QUIET_NANOS) {
                p.lastLine = now;
                line = what;
            } else {
                p.count++;
                p.last = what;
            }
        }
        if (line != null) LOG.log(Level.WARNING, line);
    }

    /** Logs the refusals counted since each kind's last line. */
    void flush() {
        StringBuilder lines = new StringBuilder();
        synchronized (this) {
            long now = System.nanoTime();
            for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
                Pending p = e.getValue();
                if (p.count == 0) continue;
                if (!lines.isEmpty()) lines.append('\n');
                lines.append("and ").append(p.count).append(" more ").append(e.getKey() == 0 ? "requests the client left" : "refused " + e.getKey())
                        .append(" since the last line; the last: ").append(p.last);
                p.count = 0;
                p.last = null;
                p.lastLine = now;
            }
        }
        for (String l : lines.toString().split("\n")) if (!l.isEmpty()) LOG.log(Level.WARNING, l);
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flush();
    }
}
