package org.nezha.core.pipeline;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import org.nezha.core.data.PaddedBatch;
import org.nezha.core.tensor.Tensors;

/** A padded batch as the int64 [B, L] tensors the model takes. */
record BatchTensors(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, long realTokens) {
    /** On {@code device}, made on the calling thread. */
    static BatchTensors of(PaddedBatch batch, Device device) {
        return onHost(batch, false).to(device);
    }

    /** In host memory (pinned when {@code pinned}), e.g. on a batch-preparing thread; {@link #to} moves it. */
    static BatchTensors onHost(PaddedBatch batch, boolean pinned) {
        long b = batch.batchSize(), l = batch.seqLen();
        long real = 0;
        for (long m : batch.attentionMask()) real += m;
        return new BatchTensors(Tensors.hostLongs(batch.inputIds(), pinned, b, l),
                Tensors.hostLongs(batch.tokenTypeIds(), pinned, b, l), Tensors.hostLongs(batch.attentionMask(), pinned, b, l),
                real);
    }

    /** A host batch on {@code device} (asynchronous copies for a GPU), on the training thread. */
    BatchTensors to(Device device) {
        return new BatchTensors(Tensors.onDevice(inputIds, device), Tensors.onDevice(tokenTypeIds, device),
                Tensors.onDevice(attentionMask, device), realTokens);
    }
}
