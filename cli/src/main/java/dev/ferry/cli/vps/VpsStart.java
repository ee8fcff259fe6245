package dev.ferry.cli.vps;

import dev.ferry.api.VpsView;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry vps start REF}: a stopped (or failed) VPS started again; a running one is left as it is. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a stopped VPS on its runner (a running one is left alone; restart restarts it).")
public final class VpsStart extends VpsRestart {
    @Override
    protected void run(ApiClient api) {
        VpsView v = ApiClient.as(api.get("/api/v1/vps/" + segment(ref)), VpsView.class);
        if (v.status().equals("running") && !json()) {
            out().println(v.sshUser() + ": already running");
            return;
        }
        super.run(api);
    }
}
