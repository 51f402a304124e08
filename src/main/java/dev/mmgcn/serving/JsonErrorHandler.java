package dev.mmgcn.serving;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * The answers Jetty gives itself, outside the routes — a request refused with 503 while the server stops or is
 * busy, a body too slow (408) or too large (413), a request line or header it cannot parse — as JSON
 * {@code {"error": "..."}} like every other error of {@link ModelServer}, instead of Jetty's HTML page; never a
 * stack trace. Each is logged with its reason ({@link RejectionLog}); a 503 says when to retry ({@code Retry-After}).
 */
final class JsonErrorHandler extends ErrorHandler {
    static final String STOPPING = "the server is stopping: send the request again to another instance, or later";

    private final RejectionLog log;

    JsonErrorHandler(RejectionLog log) {
        this.log = log;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String text = text(code, message);
        if (code >= 400) log.refused(code, request, text);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503) response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        response.write(true, ByteBuffer.wrap(body(text)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String text = text(status, reason);
        log.refused(status, (String) null, "a request Jetty could not read: " + text);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(text));
    }

    /** The error's text: a 503 without its own reason is the server stopping (GracefulHandler's). */
    static String text(int code, String message) {
        String reason = HttpStatus.getMessage(code);
        boolean own = message != null && !message.equalsIgnoreCase(reason);
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503) return own ? message : STOPPING;
        return reason.toLowerCase(Locale.ROOT) + (own ? ": " + message : "");
    }

    static byte[] body(String text) {
        return Routes.JSON.writeValueAsBytes(Map.of("error", text));
    }
}
