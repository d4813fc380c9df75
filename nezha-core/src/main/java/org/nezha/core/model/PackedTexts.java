package org.nezha.core.model;

import java.util.Arrays;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import org.nezha.core.tensor.Tensors;

/**
 * The texts packed into a batch's rows (see {@link NezhaForSentenceEmbedding}) as separate sequences: text k
 * of row b becomes sequence k·B + b, padded to the longest text. Unpacked on the host: the ids are small
 * next to the encoder's work, and a loop says plainly what moves where.
 *
 * @param inputIds      int64 [K·B, L'] on the batch's device
 * @param attentionMask int64 [K·B, L'] (1 = token)
 */
record PackedTexts(Tensor inputIds, Tensor attentionMask, int textsPerRow) {
    static PackedTexts unpack(Tensor packedIds, Tensor tokenTypeIds, Tensor packedMask, int padId) {
        int rows = Math.toIntExact(packedIds.size(0)), width = Math.toIntExact(packedIds.size(1));
        long[] ids = Tensors.toLongs(packedIds.cpu()), types = Tensors.toLongs(tokenTypeIds.cpu()), mask = Tensors.toLongs(packedMask.cpu());
        int texts = 1;
        for (int i = 0; i < ids.length; i++) if (mask[i] != 0) texts = Math.max(texts, Math.toIntExact(types[i]) + 1);
        int[][] starts = new int[texts][rows], lengths = new int[texts][rows];
        int longest = 1;
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < width; j++) {
                int at = b * width + j;
                if (mask[at] == 0) continue;
                int k = (int) types[at];
                if (lengths[k][b]++ == 0) starts[k][b] = j;
            }
            for (int k = 0; k < texts; k++) longest = Math.max(longest, lengths[k][b]);
        }
        long[] outIds = new long[texts * rows * longest], outMask = new long[outIds.length];
        Arrays.fill(outIds, padId);
        for (int k = 0; k < texts; k++) {
            for (int b = 0; b < rows; b++) {
                int to = (k * rows + b) * longest;
                for (int j = 0; j < lengths[k][b]; j++) {
                    outIds[to + j] = ids[b * width + starts[k][b] + j];
                    outMask[to + j] = 1;
                }
            }
        }
        Device device = packedIds.device();
        return new PackedTexts(Tensors.longs(outIds, device, (long) texts * rows, longest),
                Tensors.longs(outMask, device, (long) texts * rows, longest), texts);
    }
}
