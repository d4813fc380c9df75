package org.nezha.core.pipeline;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import org.nezha.core.data.PaddedBatch;
import org.nezha.core.tensor.Tensors;

/** A padded batch as the int64 [B, L] tensors the model takes, on the model's device. */
record BatchTensors(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, long realTokens) {
    static BatchTensors of(PaddedBatch batch, Device device) {
        long b = batch.batchSize(), l = batch.seqLen();
        long real = 0;
        for (long m : batch.attentionMask()) real += m;
        return new BatchTensors(Tensors.longs(batch.inputIds(), device, b, l),
                Tensors.longs(batch.tokenTypeIds(), device, b, l), Tensors.longs(batch.attentionMask(), device, b, l), real);
    }
}
