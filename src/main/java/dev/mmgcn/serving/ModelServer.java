package dev.mmgcn.serving;

import dev.mmgcn.api.MmgcnModel;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson3;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;

/**
 * An HTTP JSON server for a loaded {@link MmgcnModel}, on Javalin (Jetty 12):
 * <pre>
 *   GET  /recommend?user=U&amp;k=K[&amp;include_seen=true]  {"user":U,"items":[{"item":I,"score":S},…]}
 *   POST /recommend  {"users":[U,…],"k":K,"include_seen":false}  {"results":[{"user":U,"items":[…]},…]}
 *   GET  /similar?item=I&amp;k=K                         {"item":I,"items":[{"item":J,"score":S},…]}
 *   GET  /health                                     {"status":"ok"}
 *   GET  /info                                       sizes, settings, data fingerprint, versions
 * </pre>
 * Ids are the users' and items' own, as JSON strings. An unknown user or item is a 404, a bad
 * parameter or body a 400, an unknown path a 404 and a wrong method a 405, each with a JSON body
 * {@code {"error": "..."}}; an unexpected failure is a 500 with {@code {"error":"internal error"}} and
 * is logged, never shown. {@link #close()} stops accepting connections and lets requests in progress
 * finish, their answers sent whole (up to {@value #STOP_TIMEOUT_MS} ms), before it returns; a request that
 * arrives meanwhile on an open connection gets a 503 {@code {"error": "the server is stopping: …"}}.
 *
 * <p>Clients cannot hold its threads or its memory: a request body is read whole and asynchronously before the
 * routes run, at most {@value #MAX_BODY_BYTES} bytes (413), no slower than {@value #MIN_DATA_RATE} bytes/s (408), at
 * most {@value #MAX_UPLOADS} at once (503); a batch asks for at most {@value #MAX_WORK} ranked entries, the batches
 * being answered for at most {@value #WORK_IN_FLIGHT} together (503 with {@code Retry-After}), and its answer is
 * streamed; every such refusal is logged with its reason.
 *
 * <p>The model is the caller's: closing the server does not close it.
 */
public final class ModelServer implements AutoCloseable {
    /** Largest k a request may ask for. */
    public static final int MAX_K = 1000;
    /** Most users one POST /recommend may list. */
    public static final int MAX_BATCH = 10_000;
    /** Most ranked entries (users × k, k counted as at least 100) one POST /recommend may ask for. */
    public static final int MAX_WORK = 1_000_000;
    /** Most ranked entries the POST /recommend requests being answered may ask for together; more is a 503. */
    public static final int WORK_IN_FLIGHT = 2 * MAX_WORK;
    /** Largest request body: 10,000 ids of up to ~100 characters. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** Most request bodies received at once; one more is a 503 at once. */
    public static final int MAX_UPLOADS = 64;
    /** Slowest a request body may arrive, in bytes per second (a byte every 5 s is far below). */
    public static final int MIN_DATA_RATE = 1024;
    /** How long a connection may stay silent: no byte of a request, or of a body. */
    public static final long IDLE_TIMEOUT_MS = 15_000;
    /** How long {@link #close()} waits for requests in progress. */
    public static final long STOP_TIMEOUT_MS = 30_000;

    private static final System.Logger LOG = System.getLogger("dev.mmgcn.serving");

    private final Javalin app;
    private final RejectionLog rejections;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int port;
    private volatile boolean closed;
    private volatile boolean graceful = true;

    private ModelServer(Javalin app, RejectionLog rejections) {
        this.app = app;
        this.rejections = rejections;
        this.port = app.port();
    }

    /** Serves {@code model} on every interface at {@code port} (0 = any free port) with {@code threads} request threads. */
    public static ModelServer start(MmgcnModel model, int port, int threads) {
        return start(model, "0.0.0.0", port, threads);
    }

    /**
     * Serves {@code model} on {@code host} (e.g. "127.0.0.1" for this machine only) and {@code port}
     * (0 = any free port; see {@link #port()}), handling requests on {@code threads} threads; Jetty
     * adds a few threads of its own for accepting connections and I/O.
     *
     * @throws IllegalArgumentException for a port outside 0..65535 or fewer than one thread
     * @throws IllegalStateException    when the port cannot be bound (the message says which)
     */
    public static ModelServer start(MmgcnModel model, String host, int port, int threads) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        RejectionLog rejections = new RejectionLog();
        Routes routes = new Routes(model, rejections);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson3(Routes.JSON, false));
            QueuedThreadPool pool = new QueuedThreadPool(threads + 4, Math.min(threads + 4, 8));
            pool.setName("mmgcn-http");
            config.jetty.threadPool = pool;
            config.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                c.setHost(host);
                c.setPort(port);
                c.setIdleTimeout(IDLE_TIMEOUT_MS); // a silent client: no request line, no body
                return c;
            });
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                server.setHandler(limits(rejections));
                server.setErrorHandler(new JsonErrorHandler(rejections));
            });
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            routes.register(config.routes);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            rejections.close();
            throw new IllegalStateException("cannot serve on " + host + ":" + port + ": " + rootMessage(e), e);
        }
        ModelServer s = new ModelServer(app, rejections);
        LOG.log(Level.INFO, () -> "serving " + model.info().file() + " on http://" + host + ":" + app.port() + "/ with " + threads + " threads");
        return s;
    }

    /**
     * The handlers in front of the routes (Javalin puts its own inside the innermost): requests that come while the
     * server stops get a 503 (without it Jetty's stop cut connections mid-answer); a body above
     * {@value #MAX_BODY_BYTES} bytes is a 413 (at once from its Content-Length); and every body is read whole,
     * asynchronously, before the routes run, at most {@value #MAX_UPLOADS} at once, ended with 408 when it comes
     * slower than {@value #MIN_DATA_RATE} bytes/s ({@link BodyLoader}): a slow client never holds a thread.
     */
    private static Handler.Wrapper limits(RejectionLog rejections) {
        EagerContentHandler bodies = new EagerContentHandler(new BodyLoader(MAX_BODY_BYTES, MAX_UPLOADS, MIN_DATA_RATE, rejections));
        SizeLimitHandler size = new SizeLimitHandler(MAX_BODY_BYTES, -1);
        size.setHandler(bodies);
        return new GracefulHandler(size);
    }

    /** The port the server listens on (the one chosen when started with port 0). */
    public int port() {
        return app.port();
    }

    /** Closes the server when the JVM shuts down (SIGTERM, SIGINT, System.exit), finishing requests in progress. */
    public ModelServer closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "mmgcn-http-shutdown"));
        return this;
    }

    /**
     * Blocks until {@link #close()} has finished.
     *
     * @return true when every request in progress was answered, false when some were still running after
     *         {@value #STOP_TIMEOUT_MS} ms and were cut off
     */
    public boolean awaitClose() throws InterruptedException {
        stopped.await();
        return graceful;
    }

    /**
     * Stops accepting, waits for requests in progress (up to {@value #STOP_TIMEOUT_MS} ms; those still running
     * then are cut off, with a warning logged), and releases the port. Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            app.stop();
            LOG.log(Level.INFO, "server on port " + port + " stopped");
        } catch (RuntimeException e) {
            graceful = false;
            LOG.log(Level.WARNING, "requests still in progress after " + STOP_TIMEOUT_MS / 1000 + " s were cut off (" + rootMessage(e) + ")");
        } finally {
            rejections.close(); // the refusals counted since its last line
            stopped.countDown();
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
