package dev.ferry.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records with the naming both sides use (snake_case): words, leniency, absent lists. */
class ProtocolJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Test
    void statesTravelAsLowerCaseWords() throws Exception {
        JsonNode c = JSON.valueToTree(new ContainerReport("1", "abc", ContainerState.STARTING, 32768, false, null,
                "2026-11-23T12:00:00Z", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "SHA256:x"));
        assertEquals("starting", c.get("state").asText());
        assertEquals("abc", c.get("container_id").asText());
        assertEquals(32768, c.get("ssh_port").asInt());
        assertFalse(c.get("ssh_ready").asBoolean());
        assertEquals("2026-11-23T12:00:00Z", c.get("started_at").asText());
        assertEquals("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", c.get("host_key").asText());
        assertEquals("SHA256:x", c.get("host_certificate").asText());
        JsonNode d = JSON.valueToTree(new DesiredVps("1", null, "img:1", null, 1L << 30, DesiredState.PAUSED, null,
                "ssh-ed25519-cert-v01@openssh.com AAAA"));
        assertEquals("paused", d.get("state").asText());
        assertEquals(1L << 30, d.get("memory_bytes").asLong());
        assertTrue(d.get("authorized_keys").isArray());
        assertEquals("ssh-ed25519-cert-v01@openssh.com AAAA", d.get("host_certificate").asText());
    }

    @Test
    void wordsOfANewerPeerReadAsUnknown() throws Exception {
        ContainerReport r = JSON.readValue("{\"vps_id\": \"1\", \"state\": \"hibernating\", \"ssh_ready\": true}",
                ContainerReport.class);
        assertEquals(ContainerState.UNKNOWN, r.state());
        assertTrue(r.sshReady());
        assertEquals(ContainerState.UNKNOWN, JSON.readValue("{\"vps_id\": \"1\"}", ContainerReport.class).state());
        assertEquals(ContainerState.RUNNING, ContainerState.of(" Running "));
        DesiredVps d = JSON.readValue("{\"vps_id\": \"2\", \"image\": \"i\", \"state\": \"frozen\"}", DesiredVps.class);
        assertEquals(DesiredState.UNKNOWN, d.state());
        assertEquals(DesiredState.UNKNOWN, DesiredState.of(null));
    }

    @Test
    void absentListsAreEmptyAndNullEntriesDropped() throws Exception {
        HeartbeatRequest hb = JSON.readValue("{\"docker\": {\"ok\": true, \"version\": \"28\"}}", HeartbeatRequest.class);
        assertEquals(List.of(), hb.containers());
        assertTrue(hb.docker().ok());
        assertEquals(1, JSON.readValue("{\"containers\": [null, {\"vps_id\": \"1\"}]}", HeartbeatRequest.class)
                .containers().size());
        assertEquals(List.of(), JSON.readValue("{}", HeartbeatAnswer.class).vps());
        assertEquals(List.of(), JSON.readValue("{}", HeartbeatAnswer.class).userCaKeys());
        assertEquals(List.of(), JSON.readValue("{\"session\": \"s\"}", RegisterAnswer.class).userCaKeys());
        assertEquals(List.of("k"), JSON.readValue("{\"authorized_keys\": [null, \"k\"]}", DesiredVps.class)
                .authorizedKeys());
    }

    @Test
    void answersCarryTheUserCaKeys() throws Exception {
        String ca = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA ferry-user-ca";
        JsonNode a = JSON.valueToTree(new HeartbeatAnswer(List.of(), List.of(ca)));
        assertEquals(ca, a.get("user_ca_keys").get(0).asText());
        RegisterAnswer r = JSON.readValue("{\"heartbeat_seconds\": 5, \"registry_id\": \"x\", \"session\": \"s\", "
                + "\"user_ca_keys\": [\"" + ca + "\"]}", RegisterAnswer.class);
        assertEquals(List.of(ca), r.userCaKeys());
    }

    @Test
    void aHeartbeatNamesItsRegistration() {
        HeartbeatRequest hb = new HeartbeatRequest(DockerStatus.up("28"), List.of()).withSession("s-1");
        assertEquals("s-1", hb.session());
        assertTrue(hb.docker().ok());
        assertFalse(DockerStatus.down("no engine").ok());
    }
}
