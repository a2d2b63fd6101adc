package dev.lip.common.pixels;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How one sample is stored: the TIFF SampleFormat (1 unsigned, 2 signed, 3 IEEE float) with its width, as GDAL names
 * the data types (Byte, UInt16, Int16, UInt32, Int32, Float32, Float64). Elevation models and probability maps are
 * float32, radar and some satellite products int16 or uint32: all travel through patches unchanged, so an algorithm
 * compares the values the file holds, not a rescaled copy of them.
 */
public enum SampleFormat {
    UINT8(8, 1), UINT16(16, 1), INT16(16, 2), UINT32(32, 1), INT32(32, 2), FLOAT32(32, 3), FLOAT64(64, 3);

    private final int bits;
    private final int tiffCode;

    SampleFormat(int bits, int tiffCode) {
        this.bits = bits;
        this.tiffCode = tiffCode;
    }

    public int bits() {
        return bits;
    }

    public int bytes() {
        return bits / 8;
    }

    /** TIFF's SampleFormat tag value (339): 1 unsigned integer, 2 signed integer, 3 IEEE float. */
    public int tiffCode() {
        return tiffCode;
    }

    public boolean isFloat() {
        return tiffCode == 3;
    }

    /** The 8 and 16-bit unsigned formats every source and algorithm has always handled. */
    public boolean isUnsignedSmall() {
        return this == UINT8 || this == UINT16;
    }

    /** The name in JSON (manifest, status) and messages: {@code uint8}, {@code float32}, ... */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SampleFormat ofLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * The format of {@code bits}-bit samples of TIFF SampleFormat {@code tiffCode}, or null when it is none of these
     * (float16, 64-bit integers, complex numbers).
     */
    public static SampleFormat of(int bits, int tiffCode) {
        for (SampleFormat f : values()) {
            if (f.bits == bits && f.tiffCode == tiffCode) {
                return f;
            }
        }
        return null;
    }

    /**
     * What a width alone meant before formats were named (patch files of version 1 with a 0 code, manifests without
     * the field): 8 and 16 bits unsigned, 32 bits a float prediction.
     */
    public static SampleFormat ofLegacyBits(int bits) {
        return switch (bits) {
            case 8 -> UINT8;
            case 16 -> UINT16;
            case 32 -> FLOAT32;
            case 64 -> FLOAT64;
            default -> throw new IllegalArgumentException("bitsPerSample must be 8, 16, 32 or 64, not " + bits);
        };
    }
}
