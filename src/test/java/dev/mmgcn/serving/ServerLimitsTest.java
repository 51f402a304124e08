package dev.mmgcn.serving;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.apitest.ModelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The server under hostile clients, over loopback, each case bounded in time and count: slow uploaders do not hold
 * the request threads (the old server, with two threads, stopped answering for as long as they trickled); a body
 * too large is refused at once from its Content-Length; greedy batches are bounded per request and together (a
 * 503 with Retry-After while others hold the budget) and their answers are streamed; HEAD answers as GET; a
 * request's JSON is read strictly. Every refusal is logged with its reason.
 */
class ServerLimitsTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    static Path dir;
    static MmgcnModel model;
    static ModelServer server;
    static HttpClient http;
    static final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        Path f = dir.resolve("best.ckpt");
        new ModelFixture(f, 60, 300, 3000);
        model = MmgcnModel.load(f);
        server = ModelServer.start(model, "127.0.0.1", 0, 2); // two request threads, as on a 2-core machine
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Logger.getLogger("dev.mmgcn.serving").addHandler(capture);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("dev.mmgcn.serving").removeHandler(capture);
        server.close();
        model.close();
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    static Reply get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static Reply post(String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/recommend")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static String users(int n) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (int i = 0; i < n; i++) j.add("\"" + ModelFixture.user(i % 60) + "\"");
        return j.toString();
    }

    /** A raw connection: sends {@code head} (and whatever else the test writes), reads what comes back. */
    static Socket open(String head) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** What the server sent on {@code s} within {@code seconds} (until it closed the connection or sent the whole answer). */
    static String answer(Socket s, int seconds) throws IOException {
        s.setSoTimeout(seconds * 1000);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
                String text = b.toString(StandardCharsets.UTF_8);
                int end = text.indexOf("\r\n\r\n");
                if (end > 0 && text.contains("Content-Length: ")) {
                    int len = Integer.parseInt(text.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                    if (b.size() >= end + 4 + len) break;
                }
            }
        } catch (SocketTimeoutException e) {
            // what came so far
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    static boolean loggedSoon(String fragment) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            synchronized (logged) {
                if (logged.stream().anyMatch(m -> m.contains(fragment))) return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    static final String SLOW_HEAD = "POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{";

    @Test
    void slowUploadersDoNotStopTheServer() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) slow.add(open(SLOW_HEAD)); // four times the request threads, each a byte in
            Thread.sleep(300);
            for (int i = 0; i < 20; i++) { // the others are answered meanwhile (the old server let them time out)
                Reply r = get("/recommend?user=" + ModelFixture.user(i) + "&k=5");
                assertEquals(200, r.status(), r.body());
            }
            assertEquals(200, post("{\"users\":" + users(3) + ",\"k\":2}").status());
            // other clients' bodies meanwhile must not make the slow ones look fast (a rate of all bytes over one
            // request's time would: Jetty 12.1.12's MinimumDataRateHandler measures so)
            for (int i = 0; i < 3; i++) assertEquals(200, post("{\"users\":" + users(2000) + ",\"k\":3}").status());
            Thread.sleep(1500);
            for (Socket s : slow) s.getOutputStream().write('[');   // the next byte, 1.5 s later: far below the minimum rate
            for (Socket s : slow) {
                String a = answer(s, 10); // well before the idle timeout (15 s), which would end them too
                assertTrue(a.startsWith("HTTP/1.1 408 "), "a slow body is ended with 408: " + a);
                assertTrue(a.contains("{\"error\":\"request timeout: the request body came too slowly"), a);
                assertTrue(a.contains(" bytes/s)"), "by its own rate, not the idle timeout: " + a);
            }
        } finally {
            for (Socket s : slow) s.close();
        }
        assertTrue(loggedSoon("refused 408 POST /recommend from 127.0.0.1"), "logged with its reason: " + logged);
    }

    @Test
    void aBodyTooLargeIsRefusedAtOnceFromItsLength() throws Exception {
        try (Socket s = open("POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999\r\n\r\n")) {
            String a = answer(s, 10); // no body was sent: the answer cannot have waited for one
            assertTrue(a.startsWith("HTTP/1.1 413 "), a);
            assertTrue(a.contains("{\"error\":\"payload too large: "), a);
        }
        // a chunked body that grows past the limit
        try (Socket s = open("POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")) {
            OutputStream o = s.getOutputStream();
            byte[] chunk = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 20; i++) {
                    o.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    o.write(chunk);
                    o.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException closed) {
                // the server may close before all is sent
            }
            assertTrue(answer(s, 10).startsWith("HTTP/1.1 413 "));
        }
        assertTrue(loggedSoon("refused 413 POST /recommend"), logged.toString());
    }

    @Test
    void aBatchAboveTheWorkOfOneRequestIsRefusedNamingTheNumbers() throws Exception {
        Reply r = post("{\"users\":" + users(10_000) + ",\"k\":1000}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().get("error").asString().startsWith("10,000 users × k 1000 is 10,000,000 ranked entries"), r.body());
        assertEquals(200, post("{\"users\":" + users(1000) + ",\"k\":1000}").status(), "at the limit");
    }

    /** Two greedy batches whose clients do not read their (streamed) answers hold the work budget; a third gets 503 at once. */
    @Test
    void greedyBatchesAreBoundedTogetherAndAnsweredByStreaming() throws Exception {
        String greedy = "{\"users\":" + users(1000) + ",\"k\":1000}"; // 1,000 × 1,000: the most one request may ask
        byte[] body = greedy.getBytes(StandardCharsets.UTF_8);
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = open("POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                holders.add(s); // never read: the answer (~12 MB) fills the socket buffers and the server's write waits, holding its budget
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (Socket s : holders) { // both answers have begun: streamed as they are computed, not built whole first
                while (s.getInputStream().available() == 0) {
                    assertTrue(System.nanoTime() < deadline, "the greedy answers never began");
                    Thread.sleep(20);
                }
            }
            Reply third = post(greedy);
            assertEquals(503, third.status(), third.body());
            assertEquals("1", third.raw().headers().firstValue("Retry-After").orElse(""), "says when to retry");
            assertTrue(third.json().get("error").asString().startsWith("busy: other requests are being answered"), third.body());
            assertEquals(200, get("/recommend?user=" + ModelFixture.user(3) + "&k=5").status(), "single users are still answered");
            assertTrue(loggedSoon("refused 503 POST /recommend"), logged.toString());
            byte[] start = holders.getFirst().getInputStream().readNBytes(200);
            String head = new String(start, StandardCharsets.UTF_8);
            assertTrue(head.startsWith("HTTP/1.1 200 ") && head.contains("Transfer-Encoding: chunked"), head);
        } finally {
            for (Socket s : holders) s.close();
        }
        for (int i = 0; i < 50; i++) { // the budget comes back when the holders go
            if (post("{\"users\":" + users(1000) + ",\"k\":1000}").status() == 200) return;
            Thread.sleep(100);
        }
        fail("the budget did not come back after the greedy clients left");
    }

    @Test
    void aStreamedAnswerOfManyChunksEqualsTheJavaApi() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 700; i++) ids.add(ModelFixture.user((i * 7) % 60)); // crosses the 256-user chunks
        Reply r = post("{\"users\":" + JSON.writeValueAsString(ids) + ",\"k\":9}");
        assertEquals(200, r.status());
        List<Recommendation> expected = model.recommend(ids, 9);
        JsonNode results = r.json().get("results");
        assertEquals(700, results.size());
        for (int p = 0; p < 700; p += 13) {
            assertEquals(ids.get(p), results.get(p).get("user").asString());
            for (int j = 0; j < 9; j++) {
                assertEquals(expected.get(p).items().get(j).item(), results.get(p).get("items").get(j).get("item").asString());
                assertEquals(expected.get(p).items().get(j).score(), Float.parseFloat(results.get(p).get("items").get(j).get("score").asString()));
            }
        }
        Reply unknown = post("{\"users\":[\"" + ModelFixture.user(1) + "\",\"nobody\",\"nobody-2\"]}");
        assertEquals(404, unknown.status(), "unknown ids are found before anything is written");
        assertEquals(2, unknown.json().get("unknown").size());
    }

    @Test
    void headAnswersAsGetWould() throws Exception {
        assertEquals(404, head("/recommend?user=nobody"));
        assertEquals(200, head("/recommend?user=" + ModelFixture.user(1)));
        assertEquals(400, head("/recommend?user=" + ModelFixture.user(1) + "&k=0"));
        assertEquals(404, head("/similar?item=nothing"));
        assertEquals(200, head("/health"));
    }

    static int head(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aRequestsJsonIsReadStrictly() throws Exception {
        Reply twice = post("{\"users\":[\"" + ModelFixture.user(1) + "\"],\"users\":[\"" + ModelFixture.user(2) + "\"],\"k\":1}");
        assertEquals(400, twice.status(), twice.body());
        assertTrue(twice.json().get("error").asString().contains("Duplicate Object property \"users\""), twice.body());
        Reply huge = post("{\"users\":[1e400]}");
        assertEquals(400, huge.status());
        assertEquals("user ids must be strings or integers, got 1E+400", huge.json().get("error").asString());
        Reply deep = post("{\"users\":" + "[".repeat(100) + "]".repeat(100) + "}");
        assertEquals(400, deep.status(), deep.body());
    }

    @Test
    void oneMoreUploadThanTheCapIsA503AtOnce() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) slow.add(open(SLOW_HEAD)); // ModelServer.MAX_UPLOADS
            Thread.sleep(500);
            try (Socket one = open(SLOW_HEAD)) {
                String a = answer(one, 10);
                assertTrue(a.startsWith("HTTP/1.1 503 "), a);
                assertTrue(a.contains("Retry-After: 1"), a);
                assertTrue(a.contains("busy: " + 64 + " request bodies are being received already"), a);
            }
            assertEquals(200, get("/health").status());
        } finally {
            for (Socket s : slow) s.close();
        }
        assertTrue(loggedSoon("refused 503 POST /recommend"), logged.toString());
    }
}
