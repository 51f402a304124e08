package dev.mmgcn.serving;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.Seen;
import dev.mmgcn.api.UnknownIdException;
import io.javalin.http.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /recommend}: many users in one request, with the work bounded and the answer streamed. The work of
 * a request is its users × k, k counted as at least {@value #MIN_K_COST} (ranking a user reads every item, whatever
 * k is). A request above {@link ModelServer#MAX_WORK} is refused (400, naming the numbers); the requests being
 * answered may hold at most {@link ModelServer#WORK_IN_FLIGHT} together, and one that would go above is refused at
 * once with 503, {@code Retry-After} and a logged reason, rather than queued. The answer is written as it is
 * computed, {@value #CHUNK} users at a time, so a request holds one chunk's lists, not its whole answer (sixteen
 * 61 MB answers built whole once drove the server to 5.6 GB).
 */
final class Batches {
    /** Users ranked and written per step of a streamed answer. */
    static final int CHUNK = 256;
    /** The k a user's ranking is counted as at least. */
    static final int MIN_K_COST = 100;

    private final MmgcnModel model;
    private final Semaphore inFlight;
    private final RejectionLog log;

    Batches(MmgcnModel model, RejectionLog log) {
        this.model = model;
        this.inFlight = new Semaphore(ModelServer.WORK_IN_FLIGHT);
        this.log = log;
    }

    /** The work a request of {@code users} users and this k asks for. */
    static long work(int users, int k) {
        return (long) users * Math.max(k, MIN_K_COST);
    }

    void handle(Context ctx) {
        JsonNode body;
        try {
            body = Routes.JSON.readTree(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            throw new Routes.BadRequest(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) throw new Routes.BadRequest(400, "the body must be a JSON object {\"users\": [...], \"k\": K}");
        for (String field : body.propertyNames()) {
            if (!List.of("users", "k", "include_seen").contains(field)) {
                throw new Routes.BadRequest(400, "unknown field '" + field + "' (users, k, include_seen)");
            }
        }
        JsonNode users = body.get("users");
        if (users == null || !users.isArray()) throw new Routes.BadRequest(400, "'users' must be an array of user ids");
        if (users.size() > ModelServer.MAX_BATCH) {
            throw new Routes.BadRequest(400, users.size() + " users in one request; at most " + ModelServer.MAX_BATCH);
        }
        List<String> ids = new ArrayList<>(users.size());
        for (JsonNode u : users) {
            if (u.isString() || u.isIntegralNumber()) ids.add(u.asString());
            else throw new Routes.BadRequest(400, "user ids must be strings or integers, got " + clip(u.toString()));
        }
        JsonNode k = body.get("k");
        if (k != null && !k.isIntegralNumber()) throw new Routes.BadRequest(400, "'k' must be an integer, got " + clip(k.toString()));
        JsonNode seen = body.get("include_seen");
        if (seen != null && !seen.isBoolean()) throw new Routes.BadRequest(400, "'include_seen' must be true or false, got " + clip(seen.toString()));
        int kk = k == null ? Routes.DEFAULT_K : Routes.checkK(k.asLong());
        long work = work(ids.size(), kk);
        if (work > ModelServer.MAX_WORK) {
            throw new Routes.BadRequest(400, String.format(Locale.ROOT, "%,d users × k %d is %,d ranked entries (k counted as at least %d); "
                    + "one request may ask for at most %,d: send fewer users per request, or a smaller k", ids.size(), kk, work, MIN_K_COST,
                    ModelServer.MAX_WORK));
        }
        List<String> unknown = new ArrayList<>();
        for (String id : ids) if (!model.hasUser(id)) unknown.add(id);
        if (!unknown.isEmpty()) throw new UnknownIdException("user", unknown); // all of them, before anything is written
        if (!inFlight.tryAcquire((int) work)) {
            String why = String.format(Locale.ROOT, "busy: other requests are being answered (at most %,d ranked entries at once, this one asks for %,d);"
                    + " send it again in a second", ModelServer.WORK_IN_FLIGHT, work);
            log.refused(503, ctx.method() + " " + ctx.path() + " from " + ctx.ip(), why);
            ctx.header("Retry-After", "1");
            throw new Routes.BadRequest(503, why);
        }
        try {
            stream(ctx, ids, kk, seen != null && seen.asBoolean() ? Seen.INCLUDE : Seen.EXCLUDE);
        } finally {
            inFlight.release((int) work);
        }
    }

    /** {"results":[{"user":U,"items":[…]},…]}, a chunk of users at a time. */
    private void stream(Context ctx, List<String> ids, int k, Seen seen) {
        ctx.status(200).contentType("application/json");
        try (JsonGenerator g = Routes.JSON.createGenerator(ctx.outputStream())) {
            g.writeStartObject();
            g.writeName("results");
            g.writeStartArray();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                for (Recommendation r : model.recommend(ids.subList(from, Math.min(ids.size(), from + CHUNK)), k, seen)) {
                    Routes.JSON.writeValue(g, new Routes.Items(r.user(), r.items()));
                }
                g.flush();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (JacksonException | UncheckedIOException e) {
            if (ioCause(e) == null) throw e;
            // the answer had begun: nothing more can be said to this client, only logged
            log.refused(0, ctx.method() + " " + ctx.path() + " from " + ctx.ip(), "the client stopped reading the answer (" + ioCause(e).getMessage() + ")");
        }
    }

    /** The I/O failure under a write's exception (Jackson wraps it, with the JSON path), or null. */
    private static java.io.IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException io) return io;
        }
        return null;
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
