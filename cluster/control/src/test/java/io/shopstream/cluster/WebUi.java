package io.shopstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Looks at the Flink web UI the way a person does: Debian's Chromium, headless, opens the
 * dashboard's "Running Jobs" page, and the test reads the rendered table and keeps a screenshot.
 *
 * <p>Chromium is driven over its DevTools protocol (a WebSocket on 127.0.0.1) rather than with
 * {@code --dump-dom --virtual-time-budget}: the dashboard polls the REST API every few seconds,
 * and with a virtual time budget Chromium sometimes never finished (twice in a row in one CI run,
 * 180 s each). Here the test waits in real time until the rows are there, with a deadline, and a
 * failure says what the page showed.
 */
final class WebUi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RENDER_DEADLINE = Duration.ofSeconds(90);

    private WebUi() {}

    /** Asserts that every job name is listed on the Running Jobs page with status RUNNING. */
    static void assertJobsListedAsRunning(String restUrl, List<String> jobNames, Path screenshot)
            throws IOException, InterruptedException {
        String url = restUrl + "/#/job/running";
        try (Browser browser = Browser.start()) {
            browser.navigate(url);
            long deadline = System.nanoTime() + RENDER_DEADLINE.toNanos();
            List<String> rows = List.of();
            while (System.nanoTime() < deadline) {
                rows = browser.tableRows();
                if (everyJobRunning(rows, jobNames)) {
                    break;
                }
                Thread.sleep(500);
            }
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, browser.screenshot());
            if (!everyJobRunning(rows, jobNames)) {
                throw new AssertionError("The Running Jobs page at " + url + " did not list every one of " + jobNames
                        + " as RUNNING within " + RENDER_DEADLINE.toSeconds() + " s. Its table rows: " + rows
                        + "; screenshot: " + screenshot);
            }
        }
    }

    private static boolean everyJobRunning(List<String> rows, List<String> jobNames) {
        return jobNames.stream().allMatch(name -> rows.stream().anyMatch(r -> r.contains(name) && r.contains("RUNNING")));
    }

    /** One headless Chromium process and a DevTools session on its first page. */
    private static final class Browser implements AutoCloseable {

        private final Process process;
        private final Path profile;
        private final WebSocket socket;
        private final AtomicInteger nextId = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

        private Browser(Process process, Path profile, WebSocket socket) {
            this.process = process;
            this.profile = profile;
            this.socket = socket;
        }

        static Browser start() throws IOException, InterruptedException {
            Path profile = Files.createTempDirectory("chromium-profile");
            List<String> cmd = List.of(RequiredTool.CHROMIUM.path().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1400,900",
                    "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank");
            Process process = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(profile.resolve("chromium.log").toFile())
                    .start();
            try {
                int port = devToolsPort(process, profile);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                JsonNode targets = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                .timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                String pageSocket = null;
                for (JsonNode target : targets) {
                    if ("page".equals(target.path("type").asText())) {
                        pageSocket = target.path("webSocketDebuggerUrl").asText();
                        break;
                    }
                }
                if (pageSocket == null) {
                    throw new IllegalStateException("Chromium lists no page to drive: " + targets);
                }
                Browser[] self = new Browser[1];
                WebSocket socket = http.newWebSocketBuilder()
                        .buildAsync(URI.create(pageSocket), new Replies(id -> self[0].pending.remove(id)))
                        .get(30, TimeUnit.SECONDS);
                self[0] = new Browser(process, profile, socket);
                return self[0];
            } catch (Exception e) {
                stop(process, profile);
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                throw new IOException("Could not start headless Chromium with DevTools: " + e, e);
            }
        }

        /** Chromium writes the port it chose to DevToolsActivePort in the profile. */
        private static int devToolsPort(Process process, Path profile) throws IOException, InterruptedException {
            Path file = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (Files.exists(file)) {
                    List<String> lines = Files.readAllLines(file);
                    if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                        return Integer.parseInt(lines.get(0).trim());
                    }
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("Chromium exited with " + process.exitValue() + ": "
                            + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("Chromium did not open its DevTools port within 60 s");
        }

        void navigate(String url) throws IOException, InterruptedException {
            ObjectNode params = JSON.createObjectNode().put("url", url);
            call("Page.navigate", params);
        }

        /** The text of every table row now on the page, cells separated by spaces. */
        List<String> tableRows() throws IOException, InterruptedException {
            String script = "JSON.stringify(Array.from(document.querySelectorAll('tr'))"
                    + ".map(r => r.innerText.replace(/\\s+/g, ' ').trim()))";
            ObjectNode params = JSON.createObjectNode().put("expression", script).put("returnByValue", true);
            JsonNode value = call("Runtime.evaluate", params).path("result").path("value");
            List<String> rows = new ArrayList<>();
            if (value.isTextual()) {
                JSON.readTree(value.asText()).forEach(row -> rows.add(row.asText()));
            }
            return rows;
        }

        byte[] screenshot() throws IOException, InterruptedException {
            JsonNode result = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
            return Base64.getDecoder().decode(result.path("data").asText());
        }

        private JsonNode call(String method, ObjectNode params) throws IOException, InterruptedException {
            int id = nextId.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            pending.put(id, reply);
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", params);
            socket.sendText(JSON.writeValueAsString(message), true).join();
            try {
                JsonNode answer = reply.get(60, TimeUnit.SECONDS);
                if (answer.has("error")) {
                    throw new IOException("DevTools " + method + " failed: " + answer.get("error"));
                }
                return answer.path("result");
            } catch (TimeoutException e) {
                throw new IOException("DevTools " + method + " did not answer within 60 s");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("DevTools " + method + " failed", e.getCause());
            } finally {
                pending.remove(id);
            }
        }

        @Override
        public void close() {
            socket.abort();
            stop(process, profile);
        }

        private static void stop(Process process, Path profile) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile left behind is harmless
            }
        }
    }

    /** Collects text frames into messages and completes the call each reply answers. */
    private static final class Replies implements WebSocket.Listener {

        private final java.util.function.IntFunction<CompletableFuture<JsonNode>> waiting;
        private final StringBuilder message = new StringBuilder();

        Replies(java.util.function.IntFunction<CompletableFuture<JsonNode>> waiting) {
            this.waiting = waiting;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode reply = JSON.readTree(message.toString());
                    if (reply.has("id")) {
                        CompletableFuture<JsonNode> call = waiting.apply(reply.get("id").asInt());
                        if (call != null) {
                            call.complete(reply);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent a message that is not JSON", e);
                } finally {
                    message.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
