package dev.lip.slicer.source;

import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories whose files jobs may read in place ({@code lip.source-roots}): a shared volume holding a slide
 * archive, say. A file is taken when its real path (every link followed) is a regular file inside the real path of
 * a root, so neither {@code ..} nor a link can lead out of them.
 */
@Component
public class SourceRoots {
    private final List<Path> roots;

    public SourceRoots(SourceProperties props) {
        this.roots = props.sourceRoots();
    }

    /** The file to read, by its real path. */
    public Path resolve(SourceReference.LocalFile file) {
        if (roots.isEmpty()) {
            throw new SourceException(SourceException.Kind.FORBIDDEN, "This service reads no files by reference: "
                    + "list the directories jobs may read in lip.source-roots.");
        }
        Path real;
        try {
            real = file.path().toRealPath();
        } catch (NoSuchFileException e) {
            throw new SourceException(SourceException.Kind.INVALID, "There is no file " + file.uri() + ".");
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.INVALID, "The file " + file.uri() + " cannot be read.");
        }
        for (Path root : realRoots()) {
            if (real.startsWith(root)) {
                if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
                    throw new SourceException(SourceException.Kind.INVALID, file.uri() + " is not a readable file.");
                }
                return real;
            }
        }
        throw new SourceException(SourceException.Kind.FORBIDDEN, file.uri()
                + " is not inside a directory listed in lip.source-roots (links are followed before this is checked).");
    }

    /** The roots by their real paths (those that are there). */
    public List<Path> realRoots() {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            try {
                out.add(root.toRealPath());
            } catch (IOException e) {
                // a root that is not there (an unmounted volume) holds nothing
            }
        }
        return out;
    }
}
