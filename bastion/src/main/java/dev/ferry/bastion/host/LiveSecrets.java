package dev.ferry.bastion.host;

import java.io.IOException;

/** The tokens the Host checks now: read from its data directory at start and again after each rotation. */
final class LiveSecrets {
    private volatile String admin;
    private volatile String runner;
    private volatile String metrics;

    LiveSecrets(DataDir dir) throws IOException {
        reload(dir);
    }

    void reload(DataDir dir) throws IOException {
        admin = dir.adminToken();
        runner = dir.runnerToken();
        metrics = dir.metricsToken();
    }

    String admin() {
        return admin;
    }

    String runner() {
        return runner;
    }

    String metrics() {
        return metrics;
    }

    @Override
    public String toString() {
        return "LiveSecrets[<secret>]";
    }
}
