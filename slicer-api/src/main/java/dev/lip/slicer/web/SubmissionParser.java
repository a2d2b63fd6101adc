package dev.lip.slicer.web;

import dev.lip.slicer.source.SourceReference;
import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.ParameterSpec;
import dev.lip.common.geometry.TileGrid;
import dev.lip.formats.tiff.ResultLayout;
import dev.lip.slicer.job.Submission;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Turns an upload's query parameters into a {@link Submission}, or a 400 naming what is wrong. */
final class SubmissionParser {
    private static final Set<String> JOB_PARAMETERS = Set.of("algorithm", "tileSize", "overlap", "resultFormat", "preview",
            "destination", "name");
    private static final int MAX_NAME = 200;

    private SubmissionParser() {
    }

    static Submission parse(Map<String, String> query) {
        String algorithm = query.getOrDefault("algorithm", "threshold").trim();
        Algorithm spec = Algorithms.byName(algorithm).orElseThrow(() -> ApiException.badRequest(
                "Unknown algorithm '" + algorithm + "'. Valid algorithms: " + Algorithms.names() + "."));
        int tileSize = intParameter(query, "tileSize", 512);
        String problem = TileGrid.tileSizeProblem(tileSize);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        int overlap = intParameter(query, "overlap", 0);
        problem = TileGrid.overlapProblem(overlap, tileSize);
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
        String format = query.getOrDefault("resultFormat", ResultLayout.COG.label());
        ResultLayout layout = ResultLayout.of(format).orElseThrow(() -> ApiException.badRequest(
                "Unknown resultFormat '" + format + "'. Valid result formats: " + ResultLayout.choices() + "."));
        String preview = query.getOrDefault("preview", "false").trim().toLowerCase(java.util.Locale.ROOT);
        if (!preview.equals("true") && !preview.equals("false")) {
            throw ApiException.badRequest("preview must be true or false, not '" + query.get("preview") + "'.");
        }
        Map<String, String> params = new HashMap<>(query);
        params.keySet().removeAll(JOB_PARAMETERS);
        String destination = query.get("destination");
        if (destination == null && params.getOrDefault("output", "").startsWith("s3://")) {
            // output=s3://... names the result's destination; other values of output are the onnx algorithm's own
            destination = params.remove("output");
        }
        if (destination != null) {
            try {
                if (!(SourceReference.parse("destination", destination) instanceof SourceReference.S3Object object)) {
                    throw ApiException.badRequest("destination must be an object, s3://bucket/key, not '" + destination + "'.");
                }
                destination = object.uri();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        Set<String> known = spec.parameters().stream().map(ParameterSpec::name).collect(Collectors.toSet());
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw ApiException.badRequest("Unknown parameter '" + name + "' for algorithm " + algorithm + ". "
                        + (known.isEmpty() ? algorithm + " has no parameters."
                        : "Its parameters: " + String.join(", ", known.stream().sorted().toList()) + "."));
            }
        }
        return new Submission(algorithm, tileSize, overlap, params, layout, preview.equals("true"), destination,
                name(query.get("name")));
    }

    /** A label for lists: the last part of a path, printable, at most {@value #MAX_NAME} characters; null for none. */
    private static String name(String given) {
        if (given == null) {
            return null;
        }
        String n = given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1)
                .replaceAll("\\p{Cntrl}", "").strip();
        if (n.length() > MAX_NAME) {
            throw ApiException.badRequest("name is a label of at most " + MAX_NAME + " characters (the image's file "
                    + "name), not " + n.length() + ".");
        }
        return n.isEmpty() ? null : n;
    }

    /** A query string's parameters, decoded, the first of each name (as the job's creation reads them). */
    static Map<String, String> query(String query) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (query == null) {
            return out;
        }
        org.springframework.web.util.UriComponentsBuilder.newInstance().query(query).build().getQueryParams()
                .forEach((k, v) -> {
                    String value = v.isEmpty() || v.get(0) == null ? "" : v.get(0);
                    out.put(decode(k), decode(value));
                });
        return out;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("The query string is not valid URL encoding: a '%' must be followed by two "
                    + "hexadecimal digits (write a literal % as %25).");
        }
    }

    private static int intParameter(Map<String, String> query, String name, int def) {
        String v = query.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, not '" + v + "'.");
        }
    }
}
