package dev.ferry.bastion.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host CA in the data directory: made once, owner-only, a key of its own. */
class HostCaTest {

    @Test
    void theHostCaIsMadeOnceAndKeptOwnerOnly(@TempDir Path dir) throws Exception {
        KeyPair first = DataDir.prepare(dir).hostCa();
        Path file = dir.resolve(DataDir.HOST_CA);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("ssh-ed25519", SshPublicKey.of(first.getPublic(), "").type());
        // a restart reads the same key: lines users added to known_hosts stay true
        assertEquals(first.getPublic(), DataDir.prepare(dir).hostCa().getPublic());
    }

    @Test
    void theHostCaIsNotTheUserCa(@TempDir Path dir) throws Exception {
        DataDir data = DataDir.prepare(dir);
        // a container trusting the user CA for logins must not thereby trust host certificates, nor the reverse
        assertNotEquals(data.userCa().getPublic(), data.hostCa().getPublic());
        assertEquals(data.userCa().getPublic(), DataDir.prepare(dir).userCa().getPublic());
    }

    @Test
    void aHostCaOthersMayReadIsRefused(@TempDir Path dir) throws Exception {
        DataDir data = DataDir.prepare(dir);
        data.hostCa();
        Files.setPosixFilePermissions(dir.resolve(DataDir.HOST_CA), PosixFilePermissions.fromString("rw-r--r--"));
        KeyFormatException e = assertThrows(KeyFormatException.class, data::hostCa);
        assertTrue(e.getMessage().contains("too open"), e.getMessage());
    }
}
