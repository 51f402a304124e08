package dev.mmgcn.serving;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.ModelInfo;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.ScoredItem;
import dev.mmgcn.api.Seen;
import dev.mmgcn.api.UnknownIdException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The endpoints of {@link ModelServer}: parameter checks, calls into the model, JSON in and out. */
final class Routes {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final System.Logger LOG = System.getLogger("dev.mmgcn.serving");
    private static final int DEFAULT_K = 10;

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

    record Batch(List<Items> results) {
    }

    private final MmgcnModel model;

    Routes(MmgcnModel model) {
        this.model = model;
    }

    void register(RoutesConfig r) {
        r.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        r.get("/info", ctx -> ctx.json(info(model.info())));
        r.get("/recommend", ctx -> {
            String user = required(ctx, "user");
            ctx.json(new Items(user, model.recommend(user, k(ctx.queryParam("k")), seen(ctx.queryParam("include_seen")))));
        });
        r.post("/recommend", this::batch);
        r.get("/similar", ctx -> {
            String item = required(ctx, "item");
            ctx.json(new Similar(item, model.similarItems(item, k(ctx.queryParam("k")))));
        });
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

    private void batch(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            throw new BadRequest(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw new BadRequest(400, "the body must be a JSON object {\"users\": [...], \"k\": K}");
        for (String field : body.propertyNames()) {
            if (!List.of("users", "k", "include_seen").contains(field)) throw new BadRequest(400, "unknown field '" + field + "' (users, k, include_seen)");
        }
        JsonNode users = body.get("users");
        if (users == null || !users.isArray()) throw new BadRequest(400, "'users' must be an array of user ids");
        if (users.size() > ModelServer.MAX_BATCH) throw new BadRequest(400, users.size() + " users in one request; at most " + ModelServer.MAX_BATCH);
        List<String> ids = new ArrayList<>(users.size());
        for (JsonNode u : users) {
            if (u.isString()) ids.add(u.asString());
            else if (u.isIntegralNumber()) ids.add(u.asString());
            else throw new BadRequest(400, "user ids must be strings or integers, got " + u);
        }
        JsonNode k = body.get("k");
        if (k != null && !k.isIntegralNumber()) throw new BadRequest(400, "'k' must be an integer, got " + k);
        JsonNode seen = body.get("include_seen");
        if (seen != null && !seen.isBoolean()) throw new BadRequest(400, "'include_seen' must be true or false, got " + seen);
        int kk = k == null ? DEFAULT_K : checkK(k.asLong());
        List<Recommendation> r = model.recommend(ids, kk, seen != null && seen.asBoolean() ? Seen.INCLUDE : Seen.EXCLUDE);
        List<Items> out = new ArrayList<>(r.size());
        for (Recommendation x : r) out.add(new Items(x.user(), x.items()));
        ctx.json(new Batch(out));
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

    private static int checkK(long k) {
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
