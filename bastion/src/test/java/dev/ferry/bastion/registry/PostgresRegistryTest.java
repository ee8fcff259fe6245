package dev.ferry.bastion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Snowflake;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry on a real PostgreSQL server: the contract, and what only a server has (its password, its URL). */
class PostgresRegistryTest extends RegistryContract {
    private RegistryLocation location;

    @BeforeEach
    @Override
    void open() throws Exception {
        location = PostgresServer.get().newDatabase();
        super.open();
    }

    @Override
    JdbcRegistry openRegistry() {
        return JdbcRegistry.open(location, Path.of("/nonexistent"), new Snowflake(1), Clock.systemUTC());
    }

    @Override
    Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:" + location.url().replace(PostgresServer.USER + "@", ""),
                PostgresServer.USER, PostgresServer.PASSWORD);
    }

    @Test
    void aWrongPasswordIsASentenceWithoutThePassword() {
        RegistryLocation wrong = new RegistryLocation(location.url(), null, "not-the-password",
                location.keyFile());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JdbcRegistry.open(wrong,
                Path.of("/nonexistent"), new Snowflake(1), Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("cannot open the registry " + location.url()), e.getMessage());
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
        assertTrue(!e.getMessage().contains("not-the-password"), e.getMessage());
    }

    @Test
    void aServerThatIsNotThereIsASentence() {
        RegistryLocation nowhere = new RegistryLocation("postgresql://ferry@127.0.0.1:1/ferry", null,
                PostgresServer.PASSWORD, location.keyFile());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JdbcRegistry.open(nowhere,
                Path.of("/nonexistent"), new Snowflake(1), Clock.systemUTC()));
        assertEquals(0, e.getMessage().indexOf("cannot open the registry postgresql://ferry@127.0.0.1:1/ferry: "),
                e.getMessage());
    }
}
