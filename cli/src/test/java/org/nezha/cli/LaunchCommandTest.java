package org.nezha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LaunchCommandTest {
    @Test
    void ranksNumberMachinesThenLocalProcesses() {
        assertEquals(Map.of("MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29501", "WORLD_SIZE", "12", "RANK", "9", "LOCAL_RANK", "1",
                "LOCAL_WORLD_SIZE", "4", "OMP_WAIT_POLICY", "PASSIVE"), threeMachinesOfFour().environment(1, Map.of()));
    }

    /** Processes sharing a CPU wait passively for work, unless the user chose otherwise. */
    @Test
    void workersWaitPassivelyUnlessTheUserSetAPolicy() {
        assertEquals("PASSIVE", threeMachinesOfFour().environment(0, Map.of("PATH", "/bin")).get("OMP_WAIT_POLICY"));
        assertFalse(threeMachinesOfFour().environment(0, Map.of("OMP_WAIT_POLICY", "ACTIVE")).containsKey("OMP_WAIT_POLICY"));
    }

    private static LaunchCommand threeMachinesOfFour() {
        LaunchCommand launch = new LaunchCommand();
        launch.processesPerNode = 4;
        launch.nodes = 3;
        launch.nodeRank = 2;
        launch.masterAddr = "10.0.0.1";
        launch.masterPort = 29501;
        return launch;
    }
}
