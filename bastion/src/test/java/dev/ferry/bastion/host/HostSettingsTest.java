package dev.ferry.bastion.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of the Host's settings: what docs/configuration.md says of them, and how values are checked. */
class HostSettingsTest {
    @Test
    void theConfigurationDocsHostSampleIsTheTable() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        String sample = HostSettings.sample();
        assertTrue(doc.contains("```toml\n" + sample + "\n[client]"),
                "docs/configuration.md must hold the [host] sample made from HostSettings:\n" + sample);
    }

    @Test
    void valuesGivenInCodeAreCheckedAsInTheFile() {
        HostConfig config = HostConfig.defaults(Path.of("/tmp/x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.with(HostSettings.CONNECT_TIMEOUT, Duration.ofSeconds(301)));
        assertEquals("connect_timeout_seconds must be a whole number of seconds from 1 to 300, got 301; for example "
                + "connect_timeout_seconds = 10", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config.with(HostSettings.PENALTY_EXEMPT,
                List.of("10.0.0.0/99")));
        assertThrows(IllegalArgumentException.class, () -> config.withListeners("127.0.0.1", 8000, "127.0.0.1",
                8000), "ssh_port and api_port must differ");
        assertEquals(Duration.ofSeconds(45), config.with(HostSettings.BANNER_TIMEOUT, Duration.ofSeconds(45))
                .bannerTimeout());
        assertEquals(HostSettings.BANNER_TIMEOUT.fallback(), config.bannerTimeout());
    }
}
