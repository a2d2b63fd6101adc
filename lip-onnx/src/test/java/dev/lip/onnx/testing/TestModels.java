package dev.lip.onnx.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny ONNX models for tests, encoded by hand: the ONNX format is a protobuf message (onnx.proto), and the handful of
 * fields a one-convolution graph needs are simpler to write here than to pull in protobuf and the ONNX schema.
 *
 * <p>Every model is {@code X -> Conv -> Mul(2^-k) -> Y}: with integer weights and unscaled 8-bit inputs
 * ({@code scale=1}) every sum is an integer below 2^24 and the final multiplication is by a power of two, so float
 * arithmetic is exact and the output does not depend on how ONNX Runtime orders or tiles its work. That is what lets
 * tests demand byte-for-byte equality with a whole-image run.
 */
public final class TestModels {
    private TestModels() {
    }

    /** A 1x1 convolution: every output pixel depends only on the same input pixel. */
    public static byte[] pointwise(int inChannels, int outChannels, float[] weights, float[] bias, float outScale) {
        return convolution(inChannels, outChannels, 1, weights, bias, outScale, -1, -1);
    }

    /**
     * A k x k convolution with zero padding (k odd), spatial size left open ({@code fixedSide} &lt;= 0) or fixed.
     *
     * @param weights outChannels x inChannels x k x k, row-major
     */
    public static byte[] convolution(int inChannels, int outChannels, int k, float[] weights, float[] bias,
                                     float outScale, int fixedSide, int fixedBatch) {
        if (weights.length != outChannels * inChannels * k * k || bias.length != outChannels) {
            throw new IllegalArgumentException("weights or bias of the wrong length");
        }
        int pad = k / 2;
        Proto graph = new Proto()
                .message(1, new Proto().string(1, "X").string(1, "W").string(1, "B").string(2, "C").string(3, "conv")
                        .string(4, "Conv")
                        .message(5, new Proto().string(1, "kernel_shape").varints(8, k, k).varint(20, 7))
                        .message(5, new Proto().string(1, "pads").varints(8, pad, pad, pad, pad).varint(20, 7)))
                .message(1, new Proto().string(1, "C").string(1, "S").string(2, "Y").string(3, "scale").string(4, "Mul"))
                .string(2, "test")
                .message(5, tensor("W", weights, outChannels, inChannels, k, k))
                .message(5, tensor("B", bias, outChannels))
                .message(5, tensor("S", new float[]{outScale}))
                .message(11, valueInfo("X", fixedBatch, inChannels, fixedSide, fixedSide))
                .message(12, valueInfo("Y", fixedBatch, outChannels, fixedSide, fixedSide));
        return new Proto()
                .varint(1, 7) // ir_version
                .string(2, "lip-tests")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13)) // opset 13
                .bytes();
    }

    /**
     * The tests' 5x5 convolution, RGB to one channel: weights -1..3 from a fixed seed, bias 1024, output / 16384
     * (sums stay below 2^24, so exact).
     */
    public static byte[] conv5(int fixedSide, int fixedBatch) {
        java.util.Random rnd = new java.util.Random(5);
        float[] w = new float[3 * 25];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextInt(5) - 1;
        }
        return convolution(3, 1, 5, w, new float[]{1024}, 1f / 16384, fixedSide, fixedBatch);
    }

    public static Path write(Path dir, String name, byte[] model) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), model);
    }

    private static Proto tensor(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return new Proto().varints(1, dims).varint(2, 1).string(8, name).raw(9, raw.array());
    }

    /** A float tensor [n, c, h, w]; dimensions &lt;= 0 are left open (named). */
    private static Proto valueInfo(String name, long n, long c, long h, long w) {
        Proto shape = new Proto();
        String[] names = {"N", "C", "H", "W"};
        long[] dims = {n, c, h, w};
        for (int i = 0; i < 4; i++) {
            shape.message(1, dims[i] > 0 ? new Proto().varint(1, dims[i]) : new Proto().string(2, names[i]));
        }
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Just enough of the protobuf wire format: varints, length-delimited fields and packed varints. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            tag(field, 0);
            writeVarint(v);
            return this;
        }

        Proto varints(int field, long... vs) {
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            Proto p = new Proto();
            for (long v : vs) {
                p.writeVarint(v);
            }
            packed.writeBytes(p.bytes());
            return raw(field, packed.toByteArray());
        }

        Proto string(int field, String s) {
            return raw(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return raw(field, m.bytes());
        }

        Proto raw(int field, byte[] b) {
            tag(field, 2);
            writeVarint(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint((long) field << 3 | wireType);
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
