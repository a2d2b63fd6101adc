package dev.lip.algorithms;

import dev.lip.common.pixels.ImageInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlgorithmsTest {
    private static final ImageInfo RGB8 = new ImageInfo(10, 10, 3, 8, "test");

    @Test
    void allAlgorithmsAreFoundByServiceLoader() {
        assertEquals("adaptive, morphology, otsu, threshold", Algorithms.names());
        assertTrue(Algorithms.byName("otsu").isPresent());
        assertTrue(Algorithms.byName("nope").isEmpty());
    }

    @Test
    void parametersAreValidatedWithSentences() {
        Algorithm adaptive = Algorithms.byName("adaptive").orElseThrow();
        assertEquals(Map.of("radius", "15", "offset", "0"), adaptive.resolve(Map.of(), RGB8));
        assertEquals("-2.5", adaptive.resolve(Map.of("offset", "-2.50"), RGB8).get("offset"));
        assertEquals(15, adaptive.requiredHalo(adaptive.resolve(Map.of(), RGB8)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adaptive.resolve(Map.of("radius", "0"), RGB8));
        assertTrue(e.getMessage().contains("radius must be between 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> adaptive.resolve(Map.of("offset", "1.2345"), RGB8));
        assertThrows(IllegalArgumentException.class, () -> adaptive.resolve(Map.of("offset", "abc"), RGB8));

        Algorithm morphology = Algorithms.byName("morphology").orElseThrow();
        assertEquals(6, morphology.requiredHalo(morphology.resolve(Map.of("radius", "3"), RGB8)));
        e = assertThrows(IllegalArgumentException.class, () -> morphology.resolve(Map.of("operation", "erode"), RGB8));
        assertTrue(e.getMessage().contains("opening, closing"), e.getMessage());
    }
}
