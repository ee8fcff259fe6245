package dev.ferry.bastion.host;

import dev.ferry.bastion.people.sso.SsoSettings;
import java.net.URI;
import dev.ferry.bastion.ssh.frontdoor.Startups;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import dev.ferry.bastion.sessions.ArchiveUrl;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of {@code ferry host}, in the order docs/configuration.md lists them: the one place each is
 * declared (key, type, bounds, default, what it does, flag). {@link HostConfig} holds their values; the CLI's config
 * file parser and flags, {@code --check-config} and docs/configuration.md's [host] sample are made from this table.
 */
public final class HostSettings {
    public static final Setting<Path> DATA_DIR = Setting.path("data_dir", "$FERRY_HOME, else ~/.ferry",
            "/var/lib/ferry", "the registry, host keys, tokens and logs").withFlag("--data-dir");
    public static final Setting<String> BIND = Setting.address("bind", "0.0.0.0",
            "address of the bastion's SSH port").withFlag("--bind");
    public static final Setting<Integer> SSH_PORT = Setting.number("ssh_port", 2222, 0, 65535,
            "the bastion's SSH port (0: any free port)").withFlag("--ssh-port");
    public static final Setting<String> API_BIND = Setting.address("api_bind", "127.0.0.1",
            "address of the control API: plain HTTP on loopback (the default), TLS only beyond it (clients pin its "
                    + "key, see \"TLS and the Host's fingerprint\")").withFlag("--api-bind");
    public static final Setting<Boolean> API_TLS = Setting.bool("api_tls", false,
            "TLS on loopback too").withFlag("--api-tls");
    public static final Setting<Integer> API_PORT = Setting.number("api_port", 8000, 0, 65535,
            "the control API's port (0: any free port)").withFlag("--api-port");
    public static final Setting<Integer> INSTANCE_ID = Setting.number("instance_id", 1, 0, 1023,
            "this Host's part of VPS ids; each Host sharing a registry has its own");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.seconds("connect_timeout_seconds", 10, 1, 300,
            "how long the bastion waits for a VPS's sshd to accept a connection before telling the user");
    public static final Setting<Duration> BANNER_TIMEOUT = Setting.seconds("banner_timeout_seconds", 30, 1, 300,
            "how long a VPS's sshd that accepted gets to send its SSH banner; in plain mode its login may take 10 s "
                    + "more. Longer than the connect timeout: accepting is the kernel's work, greeting is a fork of "
                    + "a busy sshd");
    public static final Setting<Duration> KEEPALIVE_INTERVAL = Setting.seconds("keepalive_interval_seconds", 15, 0,
            3600, "how often a quiet client, and in plain mode the VPS's sshd, is asked whether it is there, like "
                    + "sshd's ClientAliveInterval (0: never)");
    public static final Setting<Integer> KEEPALIVE_MAX_MISSED = Setting.number("keepalive_max_missed", 3, 1, 100,
            "unanswered keepalives before the bastion closes the session (or the connection to the VPS, which ends "
                    + "the user's bridged channels), like ClientAliveCountMax");
    public static final Setting<List<String>> PENALTY_EXEMPT = Setting.networks("penalty_exempt",
            "[\"10.0.0.0/8\"]", "sources whose failed logins earn no penalty (monitoring, a load balancer's checks)");
    public static final Setting<Duration> LOGIN_GRACE_TIME = Setting.seconds("login_grace_time_seconds", 60, 5, 600,
            "how long a connection may take to log in, like sshd's LoginGraceTime; one that runs out earns its "
                    + "source 20 s of penalty");
    public static final Setting<Integer> MAX_SESSIONS_PER_KEY = Setting.number("max_sessions_per_key", 10_000, 1,
            100_000, "logged-in connections one key may hold at once (ControlMaster shares one among its sessions; "
                    + "Ansible keeps one per VPS, so a deploy key reaching 1,000 VPS holds 1,000)");
    public static final Setting<Integer> MAX_SESSIONS = Setting.number("max_sessions", 20_000, 1, 1_000_000,
            "logged-in connections in all");
    public static final Setting<Startups> MAX_STARTUPS_PER_SOURCE = Setting.startups("max_startups_per_source",
            new Startups(64, 30, 256), "connections not logged in yet from one address, as sshd's MaxStartups "
                    + "start:rate:full: none dropped up to 64, 30 % past it, all beyond 256, so that 50 honest "
                    + "parallel logins from one address (Ansible's forks) are never dropped");
    public static final Setting<Startups> MAX_STARTUPS = Setting.startups("max_startups", new Startups(256, 30, 1024),
            "the same in all");
    public static final Setting<List<String>> HOST_CERT_PRINCIPALS = Setting.list("host_cert_principals",
            "a list of host names and IP addresses in quotes (no ports, brackets or wildcards), at most "
                    + HostCertPrincipals.MAX, null, "this machine's host name, localhost, 127.0.0.1, ::1 and bind "
                    + "when it is not a wildcard", "[\"bastion.example\", \"203.0.113.7\"]",
            "the names and addresses the bastion's host certificate is valid for, as clients type them",
            HostCertPrincipals::check);
    public static final Setting<List<String>> PROXY_PROTOCOL_FROM = Setting.networks("proxy_protocol_from",
            "[\"10.0.0.9\"]", "load balancers whose connections start with a PROXY protocol header (v1 or v2) "
                    + "naming the client, on the SSH and API ports; from anywhere else a header is refused");
    public static final Setting<String> REGISTRY_URL = Setting.text("registry_url",
            "a postgresql:// URL in quotes", null, "none, the embedded H2 file in the data directory",
            "\"postgresql://ferry@db.example:5432/ferry\"", "a PostgreSQL registry that several Hosts share (see "
                    + "\"Several Hosts on PostgreSQL\")", s -> s.isBlank() ? null : s.strip());
    public static final Setting<Path> REGISTRY_PASSWORD_FILE = Setting.path("registry_password_file", "none",
            "/etc/ferry/registry.password", "the registry's password, the first line (0600); or "
                    + "FERRY_REGISTRY_PASSWORD in the environment; never in the URL");
    public static final Setting<Path> REGISTRY_KEY_FILE = Setting.path("registry_key_file", "none",
            "/etc/ferry/registry.key", "with registry_url: 32 random bytes, base64 (0600), the same file on every "
                    + "Host; seals the key material the Hosts share in the database");
    public static final Setting<Duration> RUNNER_SILENCE = Setting.seconds("runner_silence_seconds", 30, 5, 3600,
            "how long a runner may go unheard (it beats every 5 s) before it is offline and its VPS are lost");
    public static final Setting<Boolean> VPS_KEYS = Setting.bool("vps_keys", true,
            "let in the keys stored on a VPS (ferry vps keys), as well as people's own keys through their role, "
                    + "ownership or grants; false, for a fleet that wants people only: a VPS's own keys reach nothing, "
                    + "and runners install none of them");
    public static final Setting<Boolean> RECORD_SESSIONS = Setting.bool("record_sessions", true,
            "record plain mode's sessions (see \"Session recordings\"); with false nothing is recorded, and a VPS "
                    + "that requires recording is refused");
    public static final Setting<Boolean> RECORD_INPUT = Setting.bool("record_input", false,
            "record what is typed in plain mode's terminal sessions, besides what they show (it holds the passwords "
                    + "typed there)");
    public static final Setting<Boolean> RECORD_EXEC_OUTPUT = Setting.bool("record_exec_output", false,
            "record the output of commands run without a terminal (ssh host cmd), besides their command line and "
                    + "exit status");
    public static final Setting<Integer> RECORDING_RETENTION_DAYS = Setting.number("recording_retention_days", 90, 1,
            36_500, "days a session recording is kept; older ones are deleted (checked every hour)");
    public static final Setting<Integer> RECORDINGS_MAX_GIB = Setting.number("recordings_max_gib", 10, 1, 1_000_000,
            "the most the recordings of this Host may take on its disk, in GiB; beyond it the oldest sessions' "
                    + "recordings are deleted first");
    public static final Setting<ArchiveUrl> RECORDINGS_URL = Setting.text("recordings_url",
            "an s3://BUCKET/PREFIX URL in quotes", null, "none, each Host keeps its own",
            "\"s3://ferry-recordings/bastion?endpoint=https://minio.example:9000\"", "an S3-compatible bucket the "
                    + "recordings move to when they close, to be played from any Host; credentials from the "
                    + "environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", s -> s.isBlank() ? null
                    : ArchiveUrl.parse(s));

    public static final Setting<URI> SSO_ISSUER = Setting.text("sso_issuer", "an https:// URL in quotes", null,
            "none, no SSO", "\"https://id.example/realms/ferry\"", "the OpenID Connect provider people sign in with "
                    + "(ferry login --sso, its device flow), by its issuer URL; http:// only on this machine's "
                    + "loopback",
            s -> s.isBlank() ? null : SsoSettings.issuer(s.strip()));
    public static final Setting<String> SSO_CLIENT_ID = Setting.text("sso_client_id", "a name in quotes", "ferry",
            "\"ferry\"", "\"ferry\"", "the client this Host is at the provider, with the device authorization "
                    + "grant enabled", s -> s.strip());
    public static final Setting<Path> SSO_CLIENT_SECRET_FILE = Setting.path("sso_client_secret_file",
            "none, a public client", "/etc/ferry/sso.secret", "the client's secret at the provider, the first line "
                    + "(0600)");
    public static final Setting<String> SSO_CLAIM = Setting.text("sso_claim", "a claim's name in quotes",
            "preferred_username", "\"preferred_username\"", "\"preferred_username\"", "the ID token's claim that "
                    + "names the person an identity is (their Ferry name)", s -> s.strip());
    public static final Setting<Boolean> SSO_NEW_PEOPLE = Setting.bool("sso_new_people", false,
            "let in an identity no person has been added for, as a new member named by sso_claim; false: it is "
                    + "refused until an admin adds them (ferry user add)");
    public static final Setting<Integer> SSO_HOURS = Setting.number("sso_hours", 8, 1, 24,
            "how long what a sign-in gives lasts, in hours: the API token and the SSH certificate");

    /** Every setting, in the README's order. */
    public static final List<Setting<?>> ALL = List.of(DATA_DIR, BIND, SSH_PORT, API_BIND, API_TLS, API_PORT,
            INSTANCE_ID, CONNECT_TIMEOUT, BANNER_TIMEOUT, KEEPALIVE_INTERVAL, KEEPALIVE_MAX_MISSED, PENALTY_EXEMPT,
            LOGIN_GRACE_TIME, MAX_SESSIONS_PER_KEY, MAX_SESSIONS, MAX_STARTUPS_PER_SOURCE, MAX_STARTUPS,
            HOST_CERT_PRINCIPALS, PROXY_PROTOCOL_FROM, REGISTRY_URL, REGISTRY_PASSWORD_FILE, REGISTRY_KEY_FILE,
            RUNNER_SILENCE, VPS_KEYS, RECORD_SESSIONS, RECORD_INPUT, RECORD_EXEC_OUTPUT, RECORDING_RETENTION_DAYS,
            RECORDINGS_MAX_GIB, RECORDINGS_URL, SSO_ISSUER, SSO_CLIENT_ID, SSO_CLIENT_SECRET_FILE, SSO_CLAIM,
            SSO_NEW_PEOPLE, SSO_HOURS);

    private static final Map<String, Setting<?>> BY_KEY = new LinkedHashMap<>();

    static {
        ALL.forEach(s -> BY_KEY.put(s.key(), s));
    }

    private HostSettings() {
    }

    /**
     * The {@code [host]} section of config.toml with every setting at its example value, each after comment lines
     * saying what it does, what it takes, its default and its flag: docs/configuration.md's [host] sample.
     */
    public static String sample() {
        StringBuilder out = new StringBuilder("[host]\n");
        for (Setting<?> s : ALL) {
            String about = s.doc() + "; " + s.takes() + "; default " + s.shown()
                    + (s.flag() == null ? "" : "; flag " + s.flag());
            StringBuilder line = new StringBuilder("#");
            for (String word : about.split(" ")) {
                if (line.length() + 1 + word.length() > SAMPLE_WIDTH) {
                    out.append(line).append('\n');
                    line = new StringBuilder("#");
                }
                line.append(' ').append(word);
            }
            out.append(line).append('\n').append(s.key()).append(" = ").append(s.example()).append('\n');
        }
        return out.toString();
    }

    private static final int SAMPLE_WIDTH = 110;

    /** The setting of config key {@code key}. */
    public static Optional<Setting<?>> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
