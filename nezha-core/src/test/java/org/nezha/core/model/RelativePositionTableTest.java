package org.nezha.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import org.nezha.core.tensor.Tensors;

class RelativePositionTableTest {
    private static final Device CPU = new Device("cpu");

    @Test
    void embeddingsAreCachedUntilReleasedThenRebuiltTheSame() {
        RelativePositionTable relative = new RelativePositionTable(3, 8);
        Tensor first = relative.embeddings(7, ScalarType.Float, CPU);
        assertSame(first, relative.embeddings(7, ScalarType.Float, CPU));
        double[] values = Tensors.toDoubles(first);
        relative.releaseCaches();
        Tensor rebuilt = relative.embeddings(7, ScalarType.Float, CPU);
        assertNotSame(first, rebuilt);
        assertArrayEquals(values, Tensors.toDoubles(rebuilt));
    }
}
