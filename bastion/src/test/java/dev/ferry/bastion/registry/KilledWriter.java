package dev.ferry.bastion.registry;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A process that opens the registry in {@code args[0]}, waits {@code args[1]} ms as a Host would between
 * requests, registers one VPS, prints its id once the call returned, and dies like {@code kill -9}.
 */
public final class KilledWriter {
    private KilledWriter() {
    }

    public static void main(String[] args) throws Exception {
        JdbcRegistry registry = JdbcRegistry.open(Path.of(args[0]), new Snowflake(1), Clock.systemUTC());
        Thread.sleep(Long.parseLong(args[1]));
        Vps v = registry.create(new NewVps(null, Endpoint.parse("127.0.0.1:22"), List.of(TestKeys.ed25519("k"))));
        System.out.println("written " + v.id());
        System.out.flush();
        Thread.sleep(500);
        Runtime.getRuntime().halt(9);
    }
}
