package dev.ferry.bastion.registry;

import dev.ferry.keys.SecretFiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the registry is: the embedded H2 file in the data directory (the default), or a PostgreSQL database that
 * several Hosts share ({@code registry_url = "postgresql://ferry@db.example:5432/ferry"}). The database password
 * never sits in the URL or the config: it is read from {@code registry_password_file} or the environment
 * ({@code FERRY_REGISTRY_PASSWORD}) when the registry opens, and never logged.
 *
 * @param url                 the PostgreSQL URL ({@code postgresql://[user@]host[:port]/database[?parameters]}), or
 *                            null for the H2 file
 * @param passwordFile        the file holding the database password (its first line; only its owner may read
 *                            it), or null
 * @param environmentPassword the password from {@code FERRY_REGISTRY_PASSWORD}, or null; never printed
 * @param keyFile             {@code registry_key_file}: the key that seals the key material the Hosts share in
 *                            the database ({@code several.SecretSeal}); needed with a URL
 */
public record RegistryLocation(String url, Path passwordFile, String environmentPassword, Path keyFile) {
    /** The embedded H2 file in the data directory. */
    public static final RegistryLocation EMBEDDED = new RegistryLocation(null, null, null, null);
    static final String SCHEME = "postgresql";
    static final int DEFAULT_PORT = 5432;

    public RegistryLocation {
        if (url != null) {
            parse(url);
            if (keyFile == null) {
                throw new IllegalArgumentException("registry_url needs registry_key_file too: the key that seals the "
                        + "host keys, CAs and tokens every Host shares through the database (make one with: head -c "
                        + "32 /dev/urandom | base64 > /etc/ferry/registry.key && chmod 600 /etc/ferry/registry.key, "
                        + "and copy it to every Host)");
            }
        } else if (passwordFile != null || environmentPassword != null || keyFile != null) {
            throw new IllegalArgumentException("registry_password_file and registry_key_file are for a PostgreSQL "
                    + "registry: set registry_url too, or leave them out for the embedded H2 file");
        }
    }

    public boolean embedded() {
        return url == null;
    }

    /**
     * The database password: the file's first line, else the environment's, else null (a server that trusts this
     * machine). A file others may read is refused, as token files are.
     *
     * @throws IllegalArgumentException a sentence naming {@code registry_password_file}
     */
    String password() {
        if (passwordFile == null) {
            return environmentPassword;
        }
        return SecretFiles.firstLine(passwordFile, "registry_password_file");
    }

    /** The parts of a PostgreSQL URL, checked. */
    record Parts(String user, String host, int port, String database, String query) {
        String jdbcUrl() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return "jdbc:postgresql://" + h + ":" + port + "/" + database + (query == null ? "" : "?" + query);
        }

        /** For logs and messages: the server and database, no password (there is none in it). */
        String describe() {
            return SCHEME + "://" + (user == null ? "" : user + "@") + (host.contains(":") ? "[" + host + "]" : host)
                    + ":" + port + "/" + database;
        }
    }

    Parts parts() {
        return parse(Objects.requireNonNull(url, "an embedded registry has no URL"));
    }

    /**
     * @throws IllegalArgumentException a sentence naming {@code registry_url}
     */
    static Parts parse(String url) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("registry_url '" + url + "' is not a URL: " + e.getReason());
        }
        if (!SCHEME.equals(u.getScheme())) {
            throw new IllegalArgumentException("registry_url must start with postgresql:// (leave it out for the "
                    + "embedded H2 file), got '" + u.getScheme() + "'");
        }
        if (u.getRawUserInfo() != null && u.getRawUserInfo().contains(":")) {
            // a secret in the config file ends up in backups, diffs and pastes: it goes in a file of its own
            throw new IllegalArgumentException("registry_url holds a password: put it in registry_password_file "
                    + "(or FERRY_REGISTRY_PASSWORD) and write the URL as postgresql://USER@HOST/DATABASE");
        }
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw new IllegalArgumentException("registry_url names no host: postgresql://USER@HOST[:PORT]/DATABASE");
        }
        String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
        if (path.isEmpty() || path.contains("/")) {
            throw new IllegalArgumentException("registry_url names no database: postgresql://USER@HOST[:PORT]/DATABASE");
        }
        String host = u.getHost().replaceAll("^\\[|]$", "");
        return new Parts(u.getUserInfo(), host, u.getPort() < 0 ? DEFAULT_PORT : u.getPort(), path, u.getRawQuery());
    }

    @Override
    public String toString() {
        return embedded() ? "the embedded H2 file" : parts().describe();
    }
}
