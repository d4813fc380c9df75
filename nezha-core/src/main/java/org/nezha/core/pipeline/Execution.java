package org.nezha.core.pipeline;

import org.bytedeco.pytorch.Device;

import org.nezha.core.train.Precision;

/**
 * Where and how a job computes: the attention backend asked for (null: the model config's choice),
 * the device, and the precision.
 */
public record Execution(String attention, Device device, Precision precision) {
    /** fp32 on the CPU with the given attention backend (null for the config's). */
    public static Execution cpu(String attention) {
        return new Execution(attention, new Device("cpu"), Precision.FP32);
    }
}
