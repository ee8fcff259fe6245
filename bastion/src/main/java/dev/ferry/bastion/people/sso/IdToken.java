package dev.ferry.bastion.people.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.Text;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The claims of an ID token the Host received from the provider's token endpoint itself, over the connection it
 * opened (OpenID Connect Core 3.1.3.7: then the TLS server's identity stands for the signature's). What is still
 * checked: the issuer is the configured one, the token is for this client, and it has not expired.
 */
final class IdToken {
    private static final Duration SKEW = Duration.ofMinutes(1);

    private final JsonNode claims;

    private IdToken(JsonNode claims) {
        this.claims = claims;
    }

    /**
     * Reads and checks a token.
     *
     * @throws SsoException a sentence saying what does not hold
     */
    static IdToken read(String token, SsoSettings settings, Instant now) throws SsoException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new SsoException("the provider's id_token is not a JWT");
        }
        JsonNode claims;
        try {
            claims = OidcProvider.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw new SsoException("the provider's id_token cannot be read: " + e.getMessage());
        }
        if (claims == null || !claims.isObject()) {
            throw new SsoException("the provider's id_token holds no claims");
        }
        String issuer = claims.path("iss").asText("");
        if (!issuer.equals(settings.issuer().toString())) {
            throw new SsoException("the id_token was issued by '" + Text.printable(issuer, 200) + "', not by "
                    + settings.issuer());
        }
        JsonNode aud = claims.path("aud");
        boolean forUs = aud.isArray() ? containsText(aud, settings.clientId()) : aud.asText("").equals(
                settings.clientId());
        if (!forUs) {
            throw new SsoException("the id_token is not for client " + settings.clientId());
        }
        if (claims.path("sub").asText("").isEmpty()) {
            throw new SsoException("the id_token names no subject (sub)");
        }
        long exp = claims.path("exp").asLong(0);
        if (exp == 0 || Instant.ofEpochSecond(exp).plus(SKEW).isBefore(now)) {
            throw new SsoException("the id_token has expired");
        }
        return new IdToken(claims);
    }

    private static boolean containsText(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText("").equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** The provider's own id of the identity: stable, unlike the names it may let its users change. */
    String subject() {
        return claims.path("sub").asText();
    }

    /** The claim's value as text, or null when it has none (or not a text). */
    String claim(String name) {
        JsonNode value = claims.get(name);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
