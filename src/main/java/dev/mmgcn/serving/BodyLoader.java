package dev.mmgcn.serving;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request's whole body before the routes see it, asynchronously: no request thread waits for a client
 * that sends slowly (four clients trickling a byte every 5 s once held both request threads, and every other
 * request timed out). Plugged into Jetty's {@link EagerContentHandler}, which calls the routes once the body is
 * here. A body that comes slower than the minimum rate is ended with 408 ({@link MinimumRate}); Jetty's
 * {@code SizeLimitHandler} in front ends one that is too large (413), and the connector's idle timeout one that
 * stops (408). The bytes are copied
 * (at most the body limit each), so a body in many tiny packets does not pin a network buffer per packet. At most
 * {@code maxUploads} bodies are read at once; one more is answered 503 with {@code Retry-After} at once. The
 * refusals are answered through {@link JsonErrorHandler}, which logs them; a client that leaves mid-body gets no
 * answer, and is logged here ({@link RejectionLog}).
 */
final class BodyLoader implements EagerContentHandler.ContentLoaderFactory {
    private final int maxBytes;
    private final Semaphore uploads;
    private final int maxUploads;
    private final RejectionLog log;

    private final int minRate;

    BodyLoader(int maxBytes, int maxUploads, int minRate, RejectionLog log) {
        this.maxBytes = maxBytes;
        this.maxUploads = maxUploads;
        this.minRate = minRate;
        this.uploads = new Semaphore(maxUploads);
        this.log = log;
    }

    @Override
    public String getApplicableMimeType() {
        return null; // every content type: the routes decide what they accept
    }

    @Override
    public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler handler, Request request,
                                                              Response response, Callback callback) {
        return new EagerContentHandler.ContentLoader(handler, request, response, callback) {
            @Override
            protected void load() {
                if (!uploads.tryAcquire()) { // JsonErrorHandler logs it and adds Retry-After
                    Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                            "busy: " + maxUploads + " request bodies are being received already; send it again in a second");
                    return;
                }
                Content.Source.asByteArrayAsync(new MinimumRate(request, minRate), maxBytes, new Promise.Invocable<>() {
                    @Override
                    public void succeeded(byte[] body) {
                        uploads.release();
                        // the routes block (Javalin): never on the thread that delivered the last bytes
                        request.getContext().execute(() -> handle(new Buffered(request, body), response, callback));
                    }

                    @Override
                    public void failed(Throwable x) {
                        uploads.release();
                        refuse(request, response, callback, x);
                    }

                    @Override
                    public InvocationType getInvocationType() {
                        return InvocationType.NON_BLOCKING;
                    }
                });
            }
        };
    }

    /** A body that could not be read: too slow (408), too large (413), or a client that went away (nothing to answer). */
    private void refuse(Request request, Response response, Callback callback, Throwable x) {
        HttpException http = cause(x, HttpException.class);
        int status;
        String why;
        if (http != null) {
            status = http.getCode();
            why = http.getReason() == null ? ((Throwable) http).getMessage() : http.getReason();
        } else if (cause(x, TimeoutException.class) != null) {
            status = HttpStatus.REQUEST_TIMEOUT_408;
            why = "the request body came too slowly (" + cause(x, TimeoutException.class).getMessage() + ")";
        } else if (cause(x, IllegalArgumentException.class) != null || String.valueOf(x.getMessage()).contains("TooLarge")) {
            status = HttpStatus.PAYLOAD_TOO_LARGE_413;
            why = "the request body is larger than " + maxBytes + " bytes";
        } else {
            log.refused(0, request, "the client went away while sending its body (" + x + ")");
            callback.failed(x);
            return;
        }
        Response.writeError(request, response, callback, status, why); // logged by JsonErrorHandler
    }

    private static <T> T cause(Throwable x, Class<T> type) {
        for (Throwable t = x; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }

    /**
     * The body as it arrives, ended with a {@link TimeoutException} once it comes slower than {@code minRate} bytes
     * per second since it was first asked for (checked each time more is asked for, as Jetty's
     * {@code MinimumDataRateHandler} does). That handler is not used: in Jetty 12.1.12 it divides the bytes of all
     * requests the handler has seen by one request's time, so on a busy server no body is ever too slow.
     */
    private static final class MinimumRate extends Request.Wrapper {
        private final int minRate;
        private long first;
        private long bytes;
        private Content.Chunk failure;

        MinimumRate(Request request, int minRate) {
            super(request);
            this.minRate = minRate;
        }

        @Override
        public void demand(Runnable demandCallback) {
            long now = System.nanoTime();
            if (first == 0) first = now;
            long elapsed = Math.max(1, now - first);
            if (bytes > 0 && bytes * 1_000_000_000L / elapsed < minRate) {
                failure = Content.Chunk.from(new TimeoutException(String.format(java.util.Locale.ROOT,
                        "%d bytes in %.1f s, less than %d bytes/s", bytes, elapsed / 1e9, minRate)));
                demandCallback.run();
                return;
            }
            super.demand(demandCallback);
        }

        @Override
        public Content.Chunk read() {
            if (failure != null) return failure;
            Content.Chunk c = super.read();
            if (c != null) bytes += c.remaining();
            return c;
        }
    }

    /** The request with its body already read: one chunk, then the end. */
    private static final class Buffered extends Request.Wrapper {
        private Content.Chunk chunk;

        Buffered(Request request, byte[] body) {
            super(request);
            this.chunk = Content.Chunk.from(ByteBuffer.wrap(body), true);
        }

        @Override
        public synchronized Content.Chunk read() {
            Content.Chunk c = chunk;
            chunk = Content.Chunk.EOF;
            return c;
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // everything is here
        }
    }
}
