package dev.mmgcn.serving;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.ModelInfo;
import dev.mmgcn.api.ScoredItem;
import dev.mmgcn.api.Seen;
import dev.mmgcn.api.UnknownIdException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The endpoints of {@link ModelServer}: parameter checks, calls into the model, JSON in and out. */
final class Routes {
    /**
     * Requests' JSON read strictly — a key given twice is an error (as in config files), a number too large for a
     * double stays the number it was written as (1e400 was echoed as "Infinity"), nesting and string lengths bounded
     * far above what a request needs — and answers written with it.
     */
    static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(64 * 1024)
                            .maxNumberLength(400).maxDocumentLength(ModelServer.MAX_BODY_BYTES).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final System.Logger LOG = System.getLogger("dev.mmgcn.serving");
    static final int DEFAULT_K = 10;

    /** A request the client got wrong: its status and message. */
    static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    record Items(String user, List<ScoredItem> items) {
    }

    record Similar(String item, List<ScoredItem> items) {
    }

    private final MmgcnModel model;
    private final Batches batches;

    Routes(MmgcnModel model, RejectionLog log) {
        this.model = model;
        this.batches = new Batches(model, log);
    }

    void register(RoutesConfig r) {
        Handler health = ctx -> ctx.json(Map.of("status", "ok"));
        Handler info = ctx -> ctx.json(info(model.info()));
        Handler recommend = ctx -> {
            String user = required(ctx, "user");
            ctx.json(new Items(user, model.recommend(user, k(ctx.queryParam("k")), seen(ctx.queryParam("include_seen")))));
        };
        Handler similar = ctx -> {
            String item = required(ctx, "item");
            ctx.json(new Similar(item, model.similarItems(item, k(ctx.queryParam("k")))));
        };
        // HEAD answers as GET would, without the body (an unknown user was 200 to HEAD and 404 to GET)
        for (var e : Map.of("/health", health, "/info", info, "/recommend", recommend, "/similar", similar).entrySet()) {
            r.get(e.getKey(), e.getValue());
            r.head(e.getKey(), e.getValue());
        }
        r.post("/recommend", batches::handle);
        r.exception(BadRequest.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), null));
        r.exception(UnknownIdException.class, (e, ctx) -> error(ctx, 404, e.getMessage(), e.ids()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.log(Level.ERROR, "failed: " + ctx.method() + " " + ctx.path(), e);
            error(ctx, 500, "internal error", null);
        });
        r.error(404, ctx -> {
            if (!isJsonError(ctx)) error(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path()
                    + " (GET /recommend, POST /recommend, GET /similar, GET /health, GET /info)", null);
        });
        r.error(405, ctx -> {
            if (!isJsonError(ctx)) error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path(), null);
        });
    }

    private static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) throw new BadRequest(400, "missing query parameter '" + name + "'");
        return v;
    }

    private static int k(String s) {
        if (s == null) return DEFAULT_K;
        try {
            return checkK(Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "k must be an integer, got '" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'");
        }
    }

    static int checkK(long k) {
        if (k < 1 || k > ModelServer.MAX_K) throw new BadRequest(400, "k must be between 1 and " + ModelServer.MAX_K + ", got " + k);
        return (int) k;
    }

    private static Seen seen(String s) {
        if (s == null || s.equals("false")) return Seen.EXCLUDE;
        if (s.equals("true")) return Seen.INCLUDE;
        throw new BadRequest(400, "include_seen must be true or false, got '" + s + "'");
    }

    private static Map<String, Object> info(ModelInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine_version", i.engineVersion());
        m.put("format_version", i.formatVersion());
        m.put("users", i.users());
        m.put("items", i.items());
        m.put("dimension", i.dimension());
        m.put("data_fingerprint", i.dataFingerprint());
        m.put("backend", i.backend());
        m.put("settings", new java.util.TreeMap<>(i.settings()));
        return m;
    }

    private static final String ERROR_ATTR = "mmgcn.error";

    private static void error(Context ctx, int status, String message, List<String> unknown) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (unknown != null) body.put("unknown", unknown);
        ctx.attribute(ERROR_ATTR, true);
        ctx.status(HttpStatus.forStatus(status)).json(body);
    }

    private static boolean isJsonError(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ERROR_ATTR));
    }
}
