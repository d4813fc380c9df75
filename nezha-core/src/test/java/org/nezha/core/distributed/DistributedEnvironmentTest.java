package org.nezha.core.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.nezha.core.InputException;

class DistributedEnvironmentTest {
    @Test
    void withoutVariablesTheProcessRunsAlone() {
        DistributedEnvironment env = DistributedEnvironment.from(Map.of());
        assertEquals(new DistributedEnvironment("127.0.0.1", 29500, 1, 0, 0, 1, null, false), env);
        assertTrue(env.isMain());
    }

    @Test
    void readsTheLauncherContract() {
        DistributedEnvironment env = DistributedEnvironment.from(Map.of("MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "40123",
                "WORLD_SIZE", "8", "RANK", "5", "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "4", "GLOO_SOCKET_IFNAME", "eth1"));
        assertEquals(new DistributedEnvironment("10.0.0.1", 40123, 8, 5, 1, 4, "eth1", true), env);
        assertFalse(env.isMain());
        assertEquals(3, DistributedEnvironment.from(Map.of("WORLD_SIZE", "4", "RANK", "3")).localRank(), "LOCAL_RANK defaults to RANK");
    }

    @Test
    void worldSizeOneIsStillAGroup() {
        assertTrue(DistributedEnvironment.from(Map.of("WORLD_SIZE", "1")).distributed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "WORLD_SIZE=two|WORLD_SIZE='two' is not a whole number",
        "WORLD_SIZE=0|WORLD_SIZE=0 must be at least 1",
        "RANK=2|RANK=2 must be in [0, 2) for WORLD_SIZE=2",
        "RANK=-1|RANK=-1 must be in [0, 2) for WORLD_SIZE=2",
        "LOCAL_RANK=7|LOCAL_RANK=7 must be in [0, 2) for WORLD_SIZE=2",
        "LOCAL_WORLD_SIZE=3|LOCAL_WORLD_SIZE=3 must be in [1, 2] for WORLD_SIZE=2",
        "MASTER_PORT=70000|MASTER_PORT=70000 is not a port (1 to 65535)",
        "MASTER_ADDR= |MASTER_ADDR is empty: set it to the host name or address of rank 0",
    })
    void badVariablesAreNamed(String assignment, String message) {
        String[] kv = assignment.split("=", 2);
        Map<String, String> env = new HashMap<>(Map.of("WORLD_SIZE", "2"));
        env.put(kv[0], kv[1]);
        assertEquals(message, assertThrows(InputException.class, () -> DistributedEnvironment.from(env)).getMessage());
    }
}
