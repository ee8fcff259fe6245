package dev.ferry.bastion.ssh;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import dev.ferry.bastion.host.HostConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Plain mode against the stock OpenSSH client, with a real sshd as an external VPS that trusts Ferry's
 * user CA: {@code ssh vps-web@bastion ...} is a session in the VPS, as a direct login would be. The VPS is
 * this machine's own sshd, so "inside the VPS" (its loopback, its files) is this machine here. One Host, the VPS
 * {@code web} that takes alice's key and an HTTP server inside it, for each PlainMode*Test class; all are closed by
 * the class's {@link Opened}.
 */
final class PlainModeTestSupport {
    final BastionTestSupport t;
    final Path dir;
    final SshdFixture sshd;
    final Vps web;
    final HttpFixture http;

    private PlainModeTestSupport(BastionTestSupport t, Path dir, SshdFixture sshd, Vps web, HttpFixture http) {
        this.t = t;
        this.dir = dir;
        this.sshd = sshd;
        this.web = web;
        this.http = http;
    }

    static PlainModeTestSupport start(Path dir, Opened opened) throws Exception {
        return start(dir, opened, UnaryOperator.identity());
    }

    /** The same with {@code settings} applied over the tests' own. */
    static PlainModeTestSupport start(Path dir, Opened opened, UnaryOperator<HostConfig> settings) throws Exception {
        BastionTestSupport t = opened.add(BastionTestSupport.start(dir, Duration.ofSeconds(1), settings));
        List<String> config = new ArrayList<>(t.certificateLogins(dir.resolve("vps")));
        config.addAll(List.of("AcceptEnv FERRY_*", "MaxStartups 100", "X11Forwarding yes"));
        SshdFixture sshd = SshdFixture.start(dir.resolve("vps"), List.of(), config, 0);
        t.closeLater(sshd);
        Vps web = t.host.registry().create(new NewVps("web", Endpoint.parse(sshd.endpoint()),
                List.of(BastionTestSupport.pub(t.aliceKey))));
        sshd.acceptCertificatesFor(web.id());
        HttpFixture http = HttpFixture.start("hello from inside the VPS");
        t.closeLater(http);
        return new PlainModeTestSupport(t, dir, sshd, web, http);
    }

    Processes.Result alice(String... command) {
        return t.sshTo(t.alice, "vps-web", command);
    }

    Processes.Result alice(List<String> options, String... command) {
        return t.sshTo(t.alice, options, "vps-web", command);
    }
}
