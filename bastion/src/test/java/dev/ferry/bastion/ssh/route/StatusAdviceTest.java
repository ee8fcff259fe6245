package dev.ferry.bastion.ssh.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.bastion.vps.VpsStatus;
import org.junit.jupiter.api.Test;

class StatusAdviceTest {
    @Test
    void aVpsPlacedAgainAfterItRanIsRestartingAndANewOneIsBeingCreated() {
        assertEquals("vps-7 is restarting (status assigning); wait for it, or watch: ferry vps status 7",
                StatusAdvice.sentence(VpsStatus.ASSIGNING, "vps-7", "7", null, true));
        assertEquals("vps-7 is still being created (status assigning); wait for it, or watch: ferry vps status 7",
                StatusAdvice.sentence(VpsStatus.ASSIGNING, "vps-7", "7", null, false));
    }

    @Test
    void aStoppedVpsNamesTheCommandPeopleGuess() {
        assertEquals("vps-7 is stopped; start it with: ferry vps start 7",
                StatusAdvice.sentence(VpsStatus.STOPPED, "vps-7", "7", null, true));
    }
}
