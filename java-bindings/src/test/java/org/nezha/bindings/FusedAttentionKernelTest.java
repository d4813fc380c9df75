package org.nezha.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The binding's checks: mistakes end in one clear exception, never in a crash inside native code. */
class FusedAttentionKernelTest {
    private static Tensor randn(ScalarType dtype, long... shape) {
        return torch.randn(shape, new TensorOptions(dtype));
    }

    private static FusedAttentionKernel.Call call(long b, long l, long h, long d) {
        FusedAttentionKernel.Call c = new FusedAttentionKernel.Call();
        c.query = randn(ScalarType.Float, b, l, h, d);
        c.key = randn(ScalarType.Float, b, l, h, d);
        c.value = randn(ScalarType.Float, b, l, h, d);
        c.output = randn(ScalarType.Float, b, l, h, d);
        c.softmaxScale = 1 / Math.sqrt(d);
        c.threads = 1;
        return c;
    }

    @Test
    void paramsLayoutMatchesTheLibrary() {
        FusedAttentionKernel.get(); // throws when the Java layout and the C struct disagree
        assertEquals(59 * 8, AttentionParams.SIZE);
    }

    @Test
    void forwardRunsWithTheQueriedWorkspace() {
        try (PointerScope scope = new PointerScope()) {
            FusedAttentionKernel.Call c = call(1, 5, 2, 8);
            c.workspace = torch.empty(new long[] {FusedAttentionKernel.get().workspaceBytes(c)[0]}, new TensorOptions(ScalarType.Byte),
                    new org.bytedeco.pytorch.MemoryFormatOptional());
            FusedAttentionKernel.get().forward(c);
            assertTrue(torch.isfinite(c.output).all().item_bool());
        }
    }

    @Test
    void mismatchedShapesAndTypesAreNamed() {
        try (PointerScope scope = new PointerScope()) {
            FusedAttentionKernel.Call c = call(1, 5, 2, 8);
            c.key = randn(ScalarType.Float, 1, 6, 2, 8);
            var e = assertThrows(IllegalArgumentException.class, () -> FusedAttentionKernel.get().forward(c));
            assertEquals("key: shape [1, 6, 2, 8], expected [1, 5, 2, 8]", e.getMessage());

            FusedAttentionKernel.Call ints = call(1, 5, 2, 8);
            ints.query = torch.ones(new long[] {1, 5, 2, 8}, new TensorOptions(ScalarType.Long));
            e = assertThrows(IllegalArgumentException.class, () -> FusedAttentionKernel.get().forward(ints));
            assertTrue(e.getMessage().startsWith("query: dtype Long is not supported"), e.getMessage());

            FusedAttentionKernel.Call strided = call(1, 5, 2, 8);
            strided.value = randn(ScalarType.Float, 1, 5, 8, 2).transpose(2, 3);
            e = assertThrows(IllegalArgumentException.class, () -> FusedAttentionKernel.get().forward(strided));
            assertTrue(e.getMessage().startsWith("value: the last dimension must have stride 1"), e.getMessage());
        }
    }

    @Test
    void missingWorkspaceIsTheLibrarysOwnError() {
        try (PointerScope scope = new PointerScope()) {
            FusedAttentionKernel.Call c = call(1, 5, 2, 8);
            var e = assertThrows(NativeException.class, () -> FusedAttentionKernel.get().forward(c));
            assertTrue(e.getMessage().contains("nezha_attention_forward: workspace of 0 bytes given"), e.getMessage());
        }
    }
}
