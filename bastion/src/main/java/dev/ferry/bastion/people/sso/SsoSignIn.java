package dev.ferry.bastion.people.sso;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.net.Sources;
import dev.ferry.bastion.people.ApiToken;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Person;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.people.Tokens;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.KeyType;
import dev.ferry.keys.SshPublicKey;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-ins with the provider's device flow (issue 22), as {@code ferry login --sso} runs them: {@link #start} gives
 * the person a URL and a code to open in any browser, and the CLI a handle; {@link #poll} with the handle waits for
 * the provider, then maps the identity to a person by {@code sso_claim} and gives a short-lived API token and, for a
 * public key sent along, a short-lived certificate from the client CA naming the person.
 *
 * <p>Anyone may start one, so what they can make the Host hold is bounded: {@link #MAX_PENDING} sign-ins at once,
 * {@link #MAX_PER_SOURCE} per client address (IPv6: per /64), each gone at its provider's expiry; at most
 * {@link #MAX_CALLS} calls to the provider at once; and the provider is asked no more often than its interval, one
 * poll at a time, whatever the CLI does.
 */
public final class SsoSignIn {
    static final int MAX_PENDING = 64;
    /** The name of the API tokens sign-ins give ({@code ferry token list}). */
    static final String TOKEN_NAME = "sso";
    static final int MAX_PER_SOURCE = 4;
    /** Calls to the provider at once: an unauthenticated start holds an API worker while one goes. */
    static final int MAX_CALLS = 4;
    /** How long a reserved sign-in waits for the provider's first answer. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(SsoSignIn.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SsoSettings settings;
    private final OidcProvider provider;
    private final People people;
    private final Tokens tokens;
    private final ClientCa clientCa;
    private final Clock clock;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Semaphore calls = new Semaphore(MAX_CALLS);

    /** A sign-in under way: reserved before the provider is asked, its device code once it answered. */
    private static final class Pending {
        final String source;
        Instant expires;
        OidcProvider.DeviceCode code;
        Duration interval;
        Instant nextAsk;
        boolean asking;

        Pending(String source, Instant expires) {
            this.source = source;
            this.expires = expires;
        }
    }

    /** What the person is told to do, and the handle the CLI polls with. */
    public record Started(String handle, String userCode, String verificationUri, String verificationUriComplete,
                          long expiresIn, long interval) {
    }

    /** A finished sign-in: who, their token, and their certificate (or null when no key was sent). */
    public record Done(Person person, ApiToken.Issued token, String certificate, Instant until) {
    }

    public SsoSignIn(SsoSettings settings, People people, Tokens tokens, ClientCa clientCa, Clock clock) {
        this.settings = settings;
        this.provider = new OidcProvider(settings);
        this.people = people;
        this.tokens = tokens;
        this.clientCa = clientCa;
        this.clock = clock;
    }

    /**
     * Starts a sign-in for a client at {@code from}.
     *
     * @throws FerryException CONFLICT when too many are under way, UNAVAILABLE when the provider does not answer or
     *                        is being asked for others
     */
    public Started start(InetAddress from) {
        Instant now = clock.instant();
        String source = Sources.of(from);
        String handle = handle();
        Pending reserved = new Pending(source, now.plus(START_TIMEOUT));
        synchronized (pending) {
            pending.values().removeIf(p -> !now.isBefore(p.expires));
            if (pending.size() >= MAX_PENDING || pending.values().stream().filter(p -> p.source.equals(source))
                    .count() >= MAX_PER_SOURCE) {
                throw FerryException.conflict("too many sign-ins are under way; finish one, or try again in a few "
                        + "minutes");
            }
            pending.put(handle, reserved); // the slot is taken before the provider is asked
        }
        OidcProvider.DeviceCode code;
        try {
            code = ask(provider::start);
        } catch (SsoException | RuntimeException e) {
            synchronized (pending) {
                pending.remove(handle);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            log.warn("sso: {}", e.getMessage());
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "single sign-on is not working: "
                    + e.getMessage());
        }
        synchronized (pending) {
            reserved.code = code;
            reserved.expires = now.plus(code.expiresIn());
            reserved.interval = code.interval();
            reserved.nextAsk = now.plus(code.interval());
        }
        return new Started(handle, code.userCode(), code.verificationUri(), code.verificationUriComplete(),
                code.expiresIn().toSeconds(), code.interval().toSeconds());
    }

    /** A call to the provider, when fewer than {@link #MAX_CALLS} are under way; else it is busy. */
    private <T> T ask(ProviderCall<T> call) throws SsoException {
        if (!calls.tryAcquire()) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "the identity provider is being asked for "
                    + "other sign-ins; try again in a few seconds");
        }
        try {
            return call.run();
        } finally {
            calls.release();
        }
    }

    @FunctionalInterface
    private interface ProviderCall<T> {
        T run() throws SsoException;
    }

    /**
     * Asks whether the sign-in of {@code handle} is approved.
     *
     * @param sshKey the public key to certify (an OpenSSH ed25519 line), or null for no certificate
     * @return empty while the person has not finished at the provider (ask again after the interval)
     * @throws FerryException FORBIDDEN with why, for a sign-in refused, expired or unknown; it is then gone
     */
    public Optional<Done> poll(String handle, String sshKey) {
        SshPublicKey key = sshKey == null ? null : certifiable(sshKey);
        Instant now = clock.instant();
        Pending p;
        synchronized (pending) {
            p = handle == null ? null : pending.get(handle);
            if (p == null || p.code == null || !now.isBefore(p.expires)) {
                pending.remove(handle);
                throw FerryException.forbidden("no such sign-in is under way (it ended, or took too long): run "
                        + "ferry login --sso again");
            }
            if (p.asking || now.isBefore(p.nextAsk)) {
                return Optional.empty(); // the provider is asked no more often than it allows, once at a time
            }
            p.asking = true;
            p.nextAsk = now.plus(p.interval);
        }
        OidcProvider.TokenAnswer answer;
        try {
            answer = ask(() -> provider.poll(p.code.deviceCode()));
        } catch (SsoException e) {
            log.warn("sso: {}", e.getMessage());
            throw end(handle, "single sign-on is not working: " + e.getMessage());
        } catch (FerryException busy) {
            return Optional.empty(); // asked again at the next poll
        } finally {
            synchronized (pending) {
                p.asking = false;
            }
        }
        if (answer.error() != null) {
            switch (answer.error()) {
                case "authorization_pending":
                    return Optional.empty();
                case "slow_down":
                    synchronized (pending) {
                        p.interval = p.interval.plusSeconds(5);
                        p.nextAsk = now.plus(p.interval);
                    }
                    return Optional.empty();
                case "access_denied":
                    throw refusedAtProvider(handle, "the sign-in was refused at the provider");
                case "expired_token":
                    throw refusedAtProvider(handle, "the code expired before it was entered: run ferry login --sso "
                            + "again");
                default:
                    throw refusedAtProvider(handle, "the provider ended the sign-in: " + answer.description());
            }
        }
        synchronized (pending) {
            pending.remove(handle);
        }
        try {
            return Optional.of(finish(IdToken.read(answer.idToken(), settings, now), key, now));
        } catch (SsoException e) {
            log.warn("sso: {}", e.getMessage());
            audit(null, null, "refused: " + e.getMessage());
            throw FerryException.forbidden(e.getMessage());
        }
    }

    private FerryException refusedAtProvider(String handle, String why) {
        audit(null, null, "refused: " + why);
        return end(handle, why);
    }

    private FerryException end(String handle, String why) {
        synchronized (pending) {
            pending.remove(handle);
        }
        return FerryException.forbidden(why);
    }

    /** The identity as a person, and what they get. */
    private Done finish(IdToken token, SshPublicKey key, Instant now) throws SsoException {
        String value = token.claim(settings.claim());
        if (value == null) {
            throw new SsoException("the provider's ID token has no '" + settings.claim() + "' claim (sso_claim) to "
                    + "name the person by");
        }
        String name = value;
        if (!Person.isName(name)) { // as it is: "Admin" or " admin" is nobody here
            throw new SsoException("the identity's " + settings.claim() + " '" + value + "' is not a Ferry person's "
                    + "name (a lower-case letter, then up to 31 lower-case letters, digits, '-' or '_')");
        }
        Person person = people.find(name).orElse(null);
        if (person == null) {
            if (!settings.newPeople()) {
                audit(name, null, "refused: no such person");
                throw new SsoException("no person named " + name + " is on this Host: an admin adds them with: "
                        + "ferry user add " + name + " --role member");
            }
            person = people.add(name, Role.MEMBER, List.of(), "sso");
            AuditLog.event("person_added").put("person", name).put("role", Role.MEMBER.word()).put("by", "sso")
                    .write();
        }
        if (person.disabled()) {
            audit(name, person.role(), "refused: disabled");
            throw new SsoException(name + " is disabled on this Host");
        }
        // the name is what the provider lets its users set, maybe; its subject is its own: the first binds the person
        String identity = settings.issuer() + " " + token.subject();
        if (!people.bindIdentity(name, identity).equals(identity)) {
            audit(name, person.role(), "refused: another identity at the provider");
            throw new SsoException(name + " signed in before as another identity at the provider (its subject "
                    + "differs); if this one is theirs now, an admin removes and adds " + name + " again");
        }
        // a sign-in a day would pile up: the person's ended sign-in tokens go as a new one comes
        tokens.of(name).stream().filter(t -> t.name().equals(TOKEN_NAME) && !t.expiresAt().isAfter(now))
                .forEach(t -> tokens.revoke(name, t.id()));
        ApiToken.Issued issued = tokens.create(name, TOKEN_NAME, settings.validity());
        String certificate = key == null ? null : clientCa.certify(key.toJavaKey(), name, now, settings.validity());
        audit(name, person.role(), key == null ? "token" : "token and certificate " + key.fingerprint());
        return new Done(person, issued, certificate, now.plus(settings.validity()));
    }

    private static void audit(String person, Role role, String outcome) {
        AuditLog.event("sso_login").put("person", person).put("role", role == null ? null : role.word())
                .put("outcome", outcome).write();
    }

    /** The key to certify: ed25519, the one certificate type the bastion takes. */
    private static SshPublicKey certifiable(String line) {
        try {
            SshPublicKey key = SshPublicKey.parse(line);
            if (key.keyType() != KeyType.ED25519) {
                throw FerryException.invalid("the key to certify must be ed25519, not " + key.type());
            }
            return key;
        } catch (KeyFormatException e) {
            throw FerryException.invalid("ssh_key is not an OpenSSH public key: " + e.getMessage());
        }
    }

    private static String handle() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
