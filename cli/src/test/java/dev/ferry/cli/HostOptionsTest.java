package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.bastion.host.HostCertPrincipals;
import dev.ferry.bastion.host.HostSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.toml's [host] keys as {@code ferry host} reads them. */
class HostOptionsTest {

    @Test
    void hostCertPrincipalsComeFromTheConfigFileElseTheDefaults(@TempDir Path home) throws Exception {
        Env env = new Env(Map.of(), home);
        HostOptions options = new HostOptions();
        options.configFile = Files.writeString(home.resolve("config.toml"), """
                [host]
                bind = "10.0.0.5"
                host_cert_principals = ["bastion.example", "203.0.113.7"]
                """);
        assertEquals(List.of("bastion.example", "203.0.113.7"), options.config(env).certPrincipals());

        Files.writeString(options.configFile, "[host]\nbind = \"10.0.0.5\"\n");
        assertEquals(HostCertPrincipals.defaults("10.0.0.5"), options.config(env).certPrincipals());
    }

    @Test
    void theBannerTimeoutComesFromTheConfigFileElseItsDefaultAndIsNotTheConnectTimeout(@TempDir Path home)
            throws Exception {
        Env env = new Env(Map.of(), home);
        HostOptions options = new HostOptions();
        options.configFile = Files.writeString(home.resolve("config.toml"),
                "[host]\nconnect_timeout_seconds = 3\nbanner_timeout_seconds = 45\n");
        assertEquals(Duration.ofSeconds(3), options.config(env).connectTimeout());
        assertEquals(Duration.ofSeconds(45), options.config(env).bannerTimeout());

        Files.writeString(options.configFile, "[host]\nconnect_timeout_seconds = 3\n");
        assertEquals(HostSettings.BANNER_TIMEOUT.fallback(),
                options.config(env).bannerTimeout());
    }
}
