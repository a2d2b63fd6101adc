package dev.lip.processor.work;

import dev.lip.common.protocol.ProcessorRoster;
import dev.lip.processor.config.ProcessorProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells slicer-api that this processor runs and which ONNX models its {@code lip.models-dir} holds, renewed every three
 * seconds, where slicer-api reads its patch queue (the work directory's {@code .processors/}, or the broker's
 * last-value queue): a job naming a model no processor has is refused at submission instead of failing after its
 * upload and slicing.
 */
@Component
public class ModelAnnouncer {
    private static final Logger log = LoggerFactory.getLogger(ModelAnnouncer.class);
    private static final int MAX_MODELS = 1000;
    private final ProcessorProperties props;
    private final Workers workers;
    private final String id = (hostName() + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "_");

    public ModelAnnouncer(ProcessorProperties props, Workers workers) {
        this.props = props;
        this.workers = workers;
    }

    @Scheduled(initialDelay = 0, fixedDelayString = "${lip.announce-interval:3s}")
    public void announce() {
        try {
            workers.announce(ProcessorRoster.now(id, models(props.modelsDir())));
        } catch (IOException | RuntimeException e) {
            log.debug("cannot announce this processor: {}", e.toString());
        }
    }

    @PreDestroy
    public void withdraw() {
        try {
            workers.withdraw(id);
        } catch (IOException e) {
            log.debug("cannot withdraw this processor's announcement: {}", e.toString());
        }
    }

    /** The {@code .onnx} files in the models directory, by name (jobs name a file there, never a path). */
    static List<String> models(Path dir) {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.onnx")) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && names.size() < MAX_MODELS) {
                    names.add(f.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return names;
        }
        names.sort(null);
        return names;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "processor";
        }
    }
}
