package org.nezha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LaunchCommandTest {
    @Test
    void ranksNumberMachinesThenLocalProcesses() {
        LaunchCommand launch = new LaunchCommand();
        launch.processesPerNode = 4;
        launch.nodes = 3;
        launch.nodeRank = 2;
        launch.masterAddr = "10.0.0.1";
        launch.masterPort = 29501;
        assertEquals(Map.of("MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29501", "WORLD_SIZE", "12", "RANK", "9", "LOCAL_RANK", "1"),
                launch.environment(1));
    }
}
