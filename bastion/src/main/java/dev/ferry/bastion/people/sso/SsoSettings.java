package dev.ferry.bastion.people.sso;

import dev.ferry.keys.SecretFiles;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a Host signs people in with an OpenID Connect provider ({@code sso_*} settings).
 *
 * @param issuer       the provider's issuer URL: its ID tokens name it, and its metadata is under it
 * @param clientId     the client this Host is at the provider
 * @param clientSecret the client's secret, or null for a public client; never logged
 * @param claim        the ID token's claim naming the person
 * @param newPeople    an identity no person was added for becomes a member; else it is refused
 * @param validity     how long the token and certificate a sign-in gives last
 */
public record SsoSettings(URI issuer, String clientId, String clientSecret, String claim, boolean newPeople,
                          Duration validity) {
    public SsoSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(claim, "claim");
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("sso_client_id is empty: name the client this Host is at the provider");
        }
    }

    /**
     * Checks an issuer URL: https, or http to a loopback address (a provider on this machine); no query or fragment.
     *
     * @throws IllegalArgumentException a sentence naming {@code sso_issuer}
     */
    public static URI issuer(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("sso_issuer '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("sso_issuer '" + url + "' is not an issuer URL like "
                    + "https://id.example/realms/ferry");
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            throw new IllegalArgumentException("sso_issuer '" + url + "' is plain http to another machine: tokens "
                    + "would cross the network in the clear; use https (http is for a provider on this machine's "
                    + "loopback)");
        }
        return uri;
    }

    /**
     * The client secret: the first line of {@code file}, which only its owner may read.
     *
     * @throws IllegalArgumentException a sentence naming {@code sso_client_secret_file}
     */
    public static String secret(Path file) {
        String secret = SecretFiles.firstLine(file, "sso_client_secret_file").strip();
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("sso_client_secret_file " + file + " is empty");
        }
        return secret;
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!h.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) { // a name, not an address literal
            return h.equalsIgnoreCase("localhost");
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The provider's metadata: {@code ISSUER/.well-known/openid-configuration}. */
    URI discovery() {
        String base = issuer.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + ".well-known/openid-configuration");
    }

    @Override
    public String toString() {
        return "SsoSettings[" + issuer + ", client " + clientId + (clientSecret == null ? "" : " (with a secret)")
                + ", claim " + claim + "]";
    }
}
