package dev.ferry.bastion.people.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * What the Host checks of an ID token it received from its provider's token endpoint: the issuer it is configured
 * with, its own client among the audience, and an expiry still ahead; then the claim that names the person.
 */
class IdTokenTest {
    private static final SsoSettings SETTINGS = new SsoSettings(SsoSettings.issuer("https://id.example/realms/ferry"),
            "ferry", null, "preferred_username", false, Duration.ofHours(8));
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static String jwt(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    private static String claims(String iss, String aud, long exp) {
        return "{\"iss\":\"" + iss + "\",\"sub\":\"a1d3e9de\",\"aud\":" + aud + ",\"exp\":" + exp
                + ",\"preferred_username\":\"alice\","
                + "\"groups\":[\"ops\"]}";
    }

    @Test
    void aTokenOfTheIssuerForThisClientNamesItsPerson() throws Exception {
        long exp = NOW.plusSeconds(300).getEpochSecond();
        IdToken t = IdToken.read(jwt(claims("https://id.example/realms/ferry", "\"ferry\"", exp)), SETTINGS, NOW);
        assertEquals("alice", t.claim("preferred_username"));
        assertEquals("a1d3e9de", t.subject());
        assertNull(t.claim("groups"), "not a text");
        assertNull(t.claim("email"));
        assertEquals("alice", IdToken.read(jwt(claims("https://id.example/realms/ferry", "[\"other\",\"ferry\"]",
                exp)), SETTINGS, NOW).claim("preferred_username"), "an audience list naming this client");
    }

    @Test
    void anotherIssuerAnotherAudienceOrAnEndedTokenIsRefused() {
        long exp = NOW.plusSeconds(300).getEpochSecond();
        SsoException issuer = assertThrows(SsoException.class, () -> IdToken.read(jwt(claims(
                "https://evil.example/realms/ferry", "\"ferry\"", exp)), SETTINGS, NOW));
        assertTrue(issuer.getMessage().contains("issued by 'https://evil.example/realms/ferry'"), issuer.getMessage());
        SsoException audience = assertThrows(SsoException.class, () -> IdToken.read(jwt(claims(
                "https://id.example/realms/ferry", "[\"other\"]", exp)), SETTINGS, NOW));
        assertEquals("the id_token is not for client ferry", audience.getMessage());
        SsoException ended = assertThrows(SsoException.class, () -> IdToken.read(jwt(claims(
                "https://id.example/realms/ferry", "\"ferry\"", NOW.minusSeconds(120).getEpochSecond())), SETTINGS,
                NOW));
        assertEquals("the id_token has expired", ended.getMessage());
        assertThrows(SsoException.class, () -> IdToken.read("not-a-jwt", SETTINGS, NOW));
        assertThrows(SsoException.class, () -> IdToken.read("a.%%%.c", SETTINGS, NOW));
    }

    @Test
    void anIssuerIsHttpsOrOnLoopback() {
        assertEquals("https://id.example/realms/ferry", SsoSettings.issuer("https://id.example/realms/ferry")
                .toString());
        assertEquals("http://127.0.0.1:8080/realms/ferry", SsoSettings.issuer("http://127.0.0.1:8080/realms/ferry")
                .toString());
        SsoSettings.issuer("http://[::1]:8080/realms/ferry");
        SsoSettings.issuer("http://localhost:8080/realms/ferry");
        IllegalArgumentException clear = assertThrows(IllegalArgumentException.class,
                () -> SsoSettings.issuer("http://id.example/realms/ferry"));
        assertTrue(clear.getMessage().contains("plain http to another machine"), clear.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SsoSettings.issuer("http://10.0.0.7/realms/ferry"));
        assertThrows(IllegalArgumentException.class, () -> SsoSettings.issuer("ftp://id.example/"));
        assertThrows(IllegalArgumentException.class, () -> SsoSettings.issuer("https://id.example/r?x=1"));
    }
}
