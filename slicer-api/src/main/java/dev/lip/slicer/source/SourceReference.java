package dev.lip.slicer.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * An image a job reads where it already lives: an object ({@code s3://bucket/key}) or a file under one of the
 * configured source roots ({@code file:///path}). Parsed from the {@code source} parameter of a job request.
 */
public sealed interface SourceReference {
    /** The reference as the user wrote it, normalised; shown in the job's status (it holds no credentials). */
    String uri();

    record S3Object(String bucket, String key) implements SourceReference {
        @Override
        public String uri() {
            return "s3://" + bucket + "/" + key;
        }
    }

    record LocalFile(Path path) implements SourceReference {
        @Override
        public String uri() {
            return path.toUri().toString();
        }
    }

    /** A job's {@code source}; @throws IllegalArgumentException with the sentence the client sees */
    static SourceReference parse(String text) {
        return parse("source", text);
    }

    /**
     * @param parameter the request parameter that holds it ({@code source}, {@code destination}), for the sentence
     * @throws IllegalArgumentException with the sentence the client sees
     */
    static SourceReference parse(String parameter, String text) {
        String t = text == null ? "" : text.trim();
        if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new IllegalArgumentException(parameter + " holds a control character; write s3://bucket/key or "
                    + "file:///path.");
        }
        if (t.startsWith("s3://")) {
            String rest = t.substring("s3://".length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new IllegalArgumentException(parameter + " '" + t + "' names no object: write s3://bucket/key.");
            }
            String bucket = rest.substring(0, slash);
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,62}")) {
                throw new IllegalArgumentException("'" + bucket + "' is not an S3 bucket name (3 to 63 lower-case "
                        + "letters, digits, dots and hyphens).");
            }
            String key = rest.substring(slash + 1);
            for (String segment : key.split("/", -1)) {
                // an HTTP client or a proxy may resolve them: s3://b/../../x was sent as PUT /b/../../x
                if (segment.equals(".") || segment.equals("..")) {
                    throw new IllegalArgumentException(parameter + " '" + t + "' has a '" + segment + "' segment in "
                            + "its key; write the key without them.");
                }
            }
            return new S3Object(bucket, key);
        }
        if (t.startsWith("file:")) {
            URI uri;
            try {
                uri = new URI(t);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(parameter + " '" + t + "' is not a file URI: write file:///absolute/path.");
            }
            if (uri.getAuthority() != null || uri.getPath() == null || !uri.getPath().startsWith("/")) {
                throw new IllegalArgumentException(parameter + " '" + t + "' is not a local file URI: write file:///absolute/path.");
            }
            for (String part : uri.getPath().split("/")) {
                if (part.equals("..")) {
                    throw new IllegalArgumentException(parameter + " '" + t + "' climbs out of its directory ('..').");
                }
            }
            return new LocalFile(Path.of(uri.getPath()));
        }
        throw new IllegalArgumentException(parameter + " must be s3://bucket/key or file:///path, not '" + t + "'.");
    }
}
