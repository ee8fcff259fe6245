package dev.ferry.e2e;

import dev.ferry.testing.Await;
import dev.ferry.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real OpenID Connect provider for the SSO tests: Keycloak's server distribution (from Maven Central, unpacked by
 * {@code ./ferry test} into {@code FERRY_KEYCLOAK_HOME}) in dev mode on a loopback port, with the realm
 * {@code ferry}: the confidential client {@code ferry} with the device authorization grant, and the users alice and
 * mallory (passwords {@code alice-pw}, {@code mallory-pw}). {@link #approve} plays the person at the browser: it
 * opens the verification URL, logs in on Keycloak's own pages and grants the access they ask for.
 */
final class KeycloakServer implements AutoCloseable {
    static final String SECRET = "ferry-test-secret-7f3a9c";
    private static final Duration START = Duration.ofMinutes(4);

    private final Process process;
    private final int port;
    private final Path log;

    private KeycloakServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Keycloak with a fresh realm; its log goes to {@code dir/keycloak.log}. */
    static KeycloakServer start(Path dir) throws Exception {
        Path home = Path.of(required("FERRY_KEYCLOAK_HOME", "Keycloak's server distribution"));
        Path java = Path.of(required("FERRY_KEYCLOAK_JAVA", "a JDK 21 or newer, which Keycloak needs"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(home + "/bin/kc.sh is missing: ./ferry test unpacks Keycloak there");
        }
        // a fresh dev database each start: the realm is imported anew, with no sign-in of an earlier run
        Path data = home.resolve("data");
        deleteTree(data);
        Files.createDirectories(data.resolve("import"));
        try (InputStream realm = KeycloakServer.class.getResourceAsStream("/keycloak/ferry-realm.json")) {
            String json = new String(Objects.requireNonNull(realm, "the realm resource").readAllBytes(),
                    StandardCharsets.UTF_8).replace("${FERRY_SSO_SECRET}", SECRET);
            Files.writeString(data.resolve("import/ferry-realm.json"), json);
        }
        int port = FreePorts.any();
        Files.createDirectories(dir);
        Path log = dir.resolve("keycloak.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", java.toString());
        // about 90 MB of heap in use after a few sign-ins; the process is ~430 MB either way (measured)
        pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx192m");
        // Keycloak 26.5's threads on JDK 25 want this at shutdown (26.7's kc.sh passes it itself)
        pb.environment().put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-" + SECRET);
        KeycloakServer server = new KeycloakServer(pb.start(), port, log);
        try {
            Await.until("Keycloak answers on port " + port + " (its log: " + log + ")", START, server::ready);
        } catch (AssertionError | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static String required(String variable, String what) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " is not set: it names " + what + "; ./ferry test sets it");
        }
        return value;
    }

    private boolean ready() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Keycloak exited (" + process.exitValue() + "); see " + log);
        }
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer()
                    + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The realm's issuer URL, what {@code sso_issuer} names. */
    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/ferry";
    }

    /**
     * Plays the person at the browser: opens {@code verificationUrl} (with the code in it), logs in as {@code user}
     * and answers Keycloak's "grant access?" page.
     *
     * @return the title of the page Keycloak ends on ("Device Login Successful", or why not)
     */
    String approve(String verificationUrl, String user, String password, boolean grant) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new LoopbackCookies())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String loginPage = get(browser, verificationUrl);
        String page = post(browser, formAction(loginPage, "kc-form-login"), Map.of("username", user, "password",
                password, "credentialId", ""));
        Matcher consent = Pattern.compile("<form[^>]*action=\"([^\"]*/login-actions/consent[^\"]*)\"").matcher(page);
        if (consent.find()) {
            Matcher code = Pattern.compile("<input[^>]*name=\"code\"[^>]*value=\"([^\"]+)\"").matcher(page);
            if (!code.find()) {
                throw new AssertionError("Keycloak's consent page has no code:\n" + page);
            }
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("code", code.group(1));
            answer.put(grant ? "accept" : "cancel", grant ? "Yes" : "No");
            page = post(browser, absolute(unescape(consent.group(1))), answer);
        }
        Matcher title = Pattern.compile("id=\"kc-page-title\">\\s*([^<]+)").matcher(page);
        return title.find() ? title.group(1).strip() : page;
    }

    /**
     * A browser's cookies for one loopback origin. Keycloak marks its cookies Secure, which a browser (and curl)
     * still sends to a loopback address over http, but {@link java.net.CookieManager} does not.
     */
    private static final class LoopbackCookies extends CookieHandler {
        private final Map<String, String> cookies = new LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            return cookies.isEmpty() ? Map.of() : Map.of("Cookie", List.of(cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "))));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> headers) {
            headers.forEach((name, values) -> {
                if ("set-cookie".equalsIgnoreCase(name)) {
                    for (String v : values) {
                        String pair = v.split(";", 2)[0];
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                        }
                    }
                }
            });
        }
    }

    private String formAction(String page, String formId) {
        Matcher m = Pattern.compile("<form[^>]*id=\"" + formId + "\"[^>]*action=\"([^\"]+)\"").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no form " + formId + " on Keycloak's page:\n" + page);
        }
        return absolute(unescape(m.group(1)));
    }

    private String absolute(String url) {
        return url.startsWith("http") ? url : "http://127.0.0.1:" + port + url;
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&");
    }

    private static String get(HttpClient browser, String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String post(HttpClient browser, String url, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return browser.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
