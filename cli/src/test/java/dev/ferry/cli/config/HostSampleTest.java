package dev.ferry.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.host.Setting;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's [host] sample, made from the settings' table, is a config file the Host takes as written. */
class HostSampleTest {
    @Test
    void everyExampleValueOfTheSampleIsReadAsGiven() {
        ConfigFile config = ConfigFile.parse(HostSettings.sample(), "sample");
        for (Setting<?> s : HostSettings.ALL) {
            assertNotNull(config.host().get(s), s.key() + " is in the sample and read");
        }
        assertEquals(2222, config.host().get(HostSettings.SSH_PORT));
    }
}
