package dev.ferry.bastion.host;

import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.several.SharedFiles;
import dev.ferry.keys.KeyFiles;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.KeyType;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SecretFiles;
import dev.ferry.keys.SshPublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Host's data directory: the registry, the bastion host keys, the user and host CAs, {@code admin.token}
 * and {@code logs/}. Everything secret is created owner-only from the start and refused when it is not.
 */
public final class DataDir implements SharedFiles {
    private static final Logger log = LoggerFactory.getLogger(DataDir.class);
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String RUNNER_TOKEN = "runner.token";
    /** The token a Prometheus server scrapes {@code /metrics} with: it opens nothing else. */
    public static final String METRICS_TOKEN = "metrics.token";
    /** The bastion's host keys, in the order they are offered: ed25519 first, RSA for older clients. */
    public static final List<String> HOST_KEYS = List.of("host_keys/ssh_host_ed25519_key", "host_keys/ssh_host_rsa_key");
    /** The user CA that signs the bastion's short-lived certificates for logins to VPS sshd (plain mode). */
    public static final String USER_CA = "ca/user_ca_ed25519";
    /** The host CA that certifies the bastion's host keys and the containers'. */
    public static final String HOST_CA = "ca/host_ca_ed25519";
    /** The client CA that certifies people's own keys after they sign in with SSO. */
    public static final String CLIENT_CA = "ca/client_ca_ed25519";
    /**
     * What every Host on a shared registry must hold the same: the host keys (one host key behind the load
     * balancer), the user, host and client CAs (one {@code TrustedUserCAKeys}, one {@code @cert-authority} line, one
     * client CA for SSO), the API's
     * TLS key (one pinned fingerprint) and the tokens (one admin token, one join token).
     */
    public static final List<String> SHARED = sharedFiles();

    private final Path root;

    private DataDir(Path root) {
        this.root = root;
    }

    /** Creates the directory (0700) and {@code logs/} when missing. */
    public static DataDir prepare(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            Files.createDirectories(abs, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        checkExisting(abs);
        Files.createDirectories(abs.resolve("logs"));
        return new DataDir(abs);
    }

    /**
     * What a start requires of a data directory that exists: writable by this user, and by its owner only.
     *
     * @throws IOException with the sentence of what is wrong
     */
    public static void checkExisting(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isWritable(abs)) {
            throw new IOException("data directory " + abs + " is not writable by this user");
        }
        // the registry and logs list every VPS, endpoint and key: owner only, as sshd insists for ~/.ssh
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(abs);
        if (openToOthers(mode)) {
            throw new IOException("data directory " + abs + " is open to others (" + PosixFilePermissions.toString(mode)
                    + "): chmod 700 " + abs + ", or use another directory");
        }
    }

    public Path root() {
        return root;
    }

    public Path logs() {
        return root.resolve("logs");
    }

    /** Plain mode's session recordings, by day and session. */
    public Path recordings() {
        return root.resolve("recordings");
    }

    /** The admin bearer token, created (random, 0600) on first use. */
    public String adminToken() throws IOException {
        return token(root.resolve(ADMIN_TOKEN));
    }

    /** The token runners present (random, 0600), created on first use; it opens only runner endpoints. */
    public String runnerToken() throws IOException {
        return token(root.resolve(RUNNER_TOKEN));
    }

    /** The metrics token (random, 0600), created on first use; it opens {@code /metrics} only. */
    public String metricsToken() throws IOException {
        return token(root.resolve(METRICS_TOKEN));
    }

    /** The bastion's host key files (ed25519, then RSA 3072), generated once. */
    public List<Path> hostKeys() {
        List<Path> keys = new ArrayList<>();
        for (String name : HOST_KEYS) {
            Path key = root.resolve(name);
            if (!Files.exists(key)) {
                KeyType type = name.contains("ed25519") ? KeyType.ED25519 : KeyType.RSA;
                PrivateKeyFiles.write(key, KeyPairs.generate(type), "ferry-bastion");
                log.info("generated bastion host key {}", key);
            }
            keys.add(key);
            log.info("bastion host key {} ({})", SshPublicKey.of(PrivateKeyFiles.read(key).getPublic(), "").fingerprint(),
                    key.getFileName());
        }
        return keys;
    }

    /**
     * The user CA (ed25519, 0600), generated once. Every VPS sshd trusts its public key
     * ({@code TrustedUserCAKeys}); the bastion signs each plain-mode login's certificate with it.
     */
    public KeyPair userCa() {
        return ca(USER_CA, "ferry-user-ca", "user CA");
    }

    /**
     * The host CA (ed25519, 0600), generated once. It certifies the bastion's host keys (and the containers'),
     * so that a client with one {@code @cert-authority} line trusts them all without a prompt.
     */
    public KeyPair hostCa() {
        return ca(HOST_CA, "ferry-host-ca", "host CA");
    }

    /**
     * The client CA (ed25519, 0600), generated once. It certifies a person's own key for a few hours after they
     * signed in with SSO; the bastion, and the VPS sshd for ProxyJump, let such a certificate in as that person.
     */
    public KeyPair clientCa() {
        return ca(CLIENT_CA, ClientCa.COMMENT, "client CA");
    }

    /** A CA key of the Host, generated on first use; its private key never leaves the data directory. */
    private KeyPair ca(String name, String comment, String label) {
        Path file = root.resolve(name);
        if (!Files.exists(file)) {
            PrivateKeyFiles.write(file, KeyPairs.generate(KeyType.ED25519), comment);
            log.info("generated {} {}", label, file);
        }
        KeyPair ca = PrivateKeyFiles.read(file);
        log.info("{} {} ({})", label, SshPublicKey.of(ca.getPublic(), "").fingerprint(), file.getFileName());
        return ca;
    }

    private static List<String> sharedFiles() {
        List<String> files = new ArrayList<>(List.of(ADMIN_TOKEN, RUNNER_TOKEN, METRICS_TOKEN));
        files.addAll(HOST_KEYS);
        files.addAll(List.of(USER_CA, HOST_CA, CLIENT_CA, ApiTls.KEY, ApiTls.CERTIFICATE));
        return List.copyOf(files);
    }

    @Override
    public List<String> shared() {
        return SHARED;
    }

    /** Makes every token and key that is missing, as their first use would. */
    @Override
    public void makeMissing() throws IOException {
        adminToken();
        runnerToken();
        metricsToken();
        hostKeys();
        userCa();
        hostCa();
        clientCa();
        apiTls();
    }

    /** The control API's TLS key and certificate ({@code tls/}, 0600), made on first use. */
    public ApiTls apiTls() throws IOException {
        return ApiTls.in(root);
    }

    /** Replaces the token in {@code name} with a new random one (a rotation), written whole, and returns it. */
    String renewToken(String name) throws IOException {
        Path file = root.resolve(name);
        KeyFiles.writeAtomically(file, (randomToken() + "\n").getBytes(StandardCharsets.US_ASCII),
                PosixFilePermissions.fromString("rw-------"));
        return token(file);
    }

    private static String randomToken() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    static String token(Path file) throws IOException {
        if (!Files.exists(file)) {
            String token = randomToken();
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                log.info("created {}", file);
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: read theirs below
            }
        }
        requireOwnerOnly(file, "the token");
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (token.length() < 16) {
            throw new IOException(file + " holds no usable token (under 16 characters); delete it and "
                    + "restart the host to make a new one");
        }
        return token;
    }

    /** Refuses a secret file that others than its owner may read, naming the fix. */
    static void requireOwnerOnly(Path file, String description) throws IOException {
        String why = SecretFiles.tooOpen(file, description);
        if (why != null) {
            throw new IOException(why);
        }
    }

    private static boolean openToOthers(Set<PosixFilePermission> mode) {
        return mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
    }
}
