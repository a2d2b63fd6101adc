package dev.lip.algorithms;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OtsuAlgorithmTest {
    @Test
    void handComputedHistogram() {
        // values 0,1,2 with counts 1,1,2 and 5 with count 4 (N = 8, S = 25):
        // t=0: W0=1 S0=0 -> (8·0 − 1·25)² / (1·7)  = 625/7  ≈ 89.3
        // t=1: W0=2 S0=1 -> (8·1 − 2·25)² / (2·6)  = 1764/12 = 147
        // t=2..4: W0=4 S0=5 -> (8·5 − 4·25)² / (4·4) = 3600/16 = 225  (tie: the smallest t, 2, wins)
        long[] h = new long[256];
        h[0] = 1;
        h[1] = 1;
        h[2] = 2;
        h[5] = 4;
        assertEquals(2, OtsuAlgorithm.otsu(h));
    }

    @Test
    void twoSeparatedPeaksSplitBetweenThem() {
        long[] h = new long[256];
        h[40] = 1000;
        h[41] = 500;
        h[200] = 700;
        h[210] = 10;
        assertEquals(41, OtsuAlgorithm.otsu(h));
    }

    @Test
    void aSingleValueHasNoBetweenClassVarianceAndGivesThatValue() {
        long[] h = new long[256];
        h[77] = 12345;
        assertEquals(77, OtsuAlgorithm.otsu(h));
    }

    @Test
    void hugeCountsDoNotOverflow() {
        long[] h = new long[256];
        h[10] = 5_000_000_000L;
        h[250] = 4_000_000_000L;
        assertEquals(10, OtsuAlgorithm.otsu(h));
    }
}
