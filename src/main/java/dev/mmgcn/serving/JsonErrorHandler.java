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
 * The answers Jetty gives itself, outside the routes — a request refused with 503 while the server
 * stops, a request line or header it cannot parse — as JSON {@code {"error": "..."}} like every other
 * error of {@link ModelServer}, instead of Jetty's HTML page; never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    static final String STOPPING = "the server is stopping: send the request again to another instance, or later";

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int code, String message) {
        String reason = HttpStatus.getMessage(code);
        String text = code == HttpStatus.SERVICE_UNAVAILABLE_503 ? STOPPING
                : reason.toLowerCase(Locale.ROOT) + (message == null || message.equalsIgnoreCase(reason) ? "" : ": " + message);
        return Routes.JSON.writeValueAsBytes(Map.of("error", text));
    }
}
