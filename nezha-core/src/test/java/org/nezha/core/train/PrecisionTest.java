package org.nezha.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import org.nezha.core.InputException;
import org.nezha.core.tensor.Tensors;

class PrecisionTest {
    static final Device CPU = new Device("cpu");

    static ScalarType linearType() {
        Tensor x = torch.randn(3, 5), w = torch.randn(4, 5);
        return Tensors.dtype(torch.linear(x, w, new TensorOptional()));
    }

    @Test
    void halfPrecisionsAutocastMatmuls() {
        for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
            ScalarType half = p == Precision.BF16 ? ScalarType.BFloat16 : ScalarType.Half;
            try (Precision.Region r = p.autocast(CPU)) {
                assertEquals(half, linearType(), p.optionName());
            }
            assertEquals(ScalarType.Float, linearType(), "autocast must end with the region");
        }
    }

    @Test
    void fp32IsPlainAndRegionsNest() {
        try (Precision.Region r = Precision.FP32.autocast(CPU)) {
            assertEquals(ScalarType.Float, linearType());
        }
        try (Precision.Region outer = Precision.BF16.autocast(CPU)) {
            try (Precision.Region inner = Precision.BF16.autocast(CPU)) {
                assertEquals(ScalarType.BFloat16, linearType());
            }
            assertEquals(ScalarType.BFloat16, linearType(), "the outer region is still on");
        }
        assertEquals(ScalarType.Float, linearType());
    }

    @Test
    void namesParseAndOnlyFp16ScalesTheLoss() {
        assertEquals(Precision.BF16, Precision.parse("bf16"));
        assertTrue(Precision.parse("fp16").scalesLoss());
        assertTrue(!Precision.FP32.scalesLoss() && !Precision.BF16.scalesLoss());
        var e = assertThrows(InputException.class, () -> Precision.parse("fp8"));
        assertEquals("--precision fp8: choose fp32, bf16 or fp16", e.getMessage());
    }
}
