package dev.lip.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each packaged program carries: slicer-api lists, checks and stitches every algorithm from their light
 * descriptions, so it ships no ONNX Runtime (about 20 MB of native libraries); the processor, which runs the
 * models, does.
 */
class PackagingTest {

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(e -> e.getName()).toList();
        }
    }

    @Test
    void slicerApiShipsNoOnnxRuntimeAndTheProcessorDoes() throws IOException {
        List<String> slicer = entries(Trio.SLICER_JAR);
        assertEquals(List.of(), slicer.stream().filter(n -> n.toLowerCase().contains("onnxruntime")
                || n.contains("lip-onnx")).toList());
        assertTrue(slicer.stream().anyMatch(n -> n.matches("BOOT-INF/lib/lip-algorithms-.*\\.jar")), "descriptions are there");
        List<String> processor = entries(Trio.PROCESSOR_JAR);
        assertTrue(processor.stream().anyMatch(n -> n.matches("BOOT-INF/lib/onnxruntime.*\\.jar")), "the processor runs models");
        assertTrue(processor.stream().anyMatch(n -> n.matches("BOOT-INF/lib/lip-onnx-.*\\.jar")));
    }
}
