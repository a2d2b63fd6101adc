package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The compose file as a user runs it: both services in containers, the client on the host. Needs a Docker engine;
 * where none answers (as on our CI machines) the class is skipped, and {@link EndToEndTest} covers the same path
 * with plain processes.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeTest {
    @Container
    static final ComposeContainer COMPOSE = new ComposeContainer(Trio.ROOT.resolve("docker-compose.yml").toFile())
            .withBuild(true)
            .withExposedService("slicer-api", 8080, Wait.forHttp("/actuator/health").forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @TempDir
    Path dir;

    @Test
    void composeServicesProcessAnImage() throws Exception {
        SampleImage img = SampleImage.generate(300, 200, 3, 8, 42);
        Path in = dir.resolve("in.png");
        img.writePng(in);
        Path out = dir.resolve("out.tif");
        String api = "http://" + COMPOSE.getServiceHost("slicer-api", 8080) + ":" + COMPOSE.getServicePort("slicer-api", 8080);
        Trio.Run run = Trio.run(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString(), "process", in.toString(),
                "-o", out.toString(), "-q", "--tile-size", "64", "--api", api));
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), 300, 200, out, "compose");
    }
}
