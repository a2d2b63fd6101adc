package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs check (issue 26: every command in README and docs/ stays true). Every command line in their code blocks is
 * checked against what it names: a {@code lip} command and its options against the client's own help, a
 * {@code run.sh} line's options likewise, a {@code curl} URL against the paths of the served OpenAPI description and
 * its query's names against the job's and the algorithms' parameters, a jar, script or file against the checkout;
 * and the commands that need nothing but a running service ({@code lip algorithms}, {@code lip list},
 * {@code lip sample}) are run.
 */
@ExtendWith(Trio.Started.class)
class DocsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]*)");
    private static final Pattern API_URL = Pattern.compile("https?://[^/\\s'\"]+(/api/v1/[^\\s'\"?]*)(\\?[^\\s'\"]*)?");
    private static final Set<String> JOB_QUERY = Set.of("algorithm", "tileSize", "overlap", "resultFormat", "preview",
            "destination", "name", "upload", "source");

    /** A command line of a code block, continuation lines joined, with where it is. */
    record Line(String file, int number, String text) {
        @Override
        public String toString() {
            return file + ":" + number + ": " + text;
        }
    }

    static List<Line> commandLines() throws Exception {
        List<Path> files = new ArrayList<>(List.of(Trio.ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(Trio.ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Line> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            boolean fence = false;
            StringBuilder joined = null;
            int start = 0;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith("```")) {
                    fence = !fence;
                    continue;
                }
                if (!fence) {
                    continue;
                }
                String t = l.replaceAll("\\s+#\\s.*$", "").trim(); // a comment after the command
                if (joined == null) {
                    joined = new StringBuilder();
                    start = i + 1;
                }
                joined.append(t.endsWith("\\") ? t.substring(0, t.length() - 1) + " " : t);
                if (!t.endsWith("\\")) {
                    if (!joined.toString().isBlank() && !joined.toString().startsWith("#")) {
                        out.add(new Line(Trio.ROOT.relativize(f).toString(), start, joined.toString().trim()));
                    }
                    joined = null;
                }
            }
        }
        return out;
    }

    /** The options a lip command takes, from its help. */
    private static Set<String> options(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString()));
        cmd.addAll(List.of(command));
        cmd.add("--help");
        Trio.Run help = Trio.run(cmd);
        assertEquals(0, help.exitCode(), "lip " + String.join(" ", command) + " --help: " + help.stderr());
        Set<String> found = new HashSet<>();
        Matcher m = OPTION.matcher(help.stdout());
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void everyCommandInTheDocsNamesWhatExists(Trio trio) throws Exception {
        List<Line> lines = commandLines();
        assertTrue(lines.size() > 30, "command lines found: " + lines.size());
        Set<String> commands = Set.of("process", "upload", "status", "result", "list", "cancel", "algorithms", "sample");
        Map<String, Set<String>> optionsOf = new HashMap<>();
        for (String c : commands) {
            optionsOf.put(c, options(c));
        }
        HttpClient http = HttpClient.newHttpClient();
        JsonNode api = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(trio.api() + "/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        List<Pattern> paths = new ArrayList<>();
        api.path("paths").fieldNames().forEachRemaining(p -> paths.add(Pattern.compile(
                p.replaceAll("\\{[^}]+}", "[^/]+"))));
        Set<String> algorithmParameters = new HashSet<>();
        JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/algorithms")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).forEach(a -> a.path("parameters")
                .forEach(p -> algorithmParameters.add(p.path("name").asText())));

        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Line line : lines) {
            String t = line.text();
            Matcher lip = Pattern.compile("(?:^|[;&|]\\s*|\\$\\(\\s*)(?:\\./)?lip\\s+([a-z]+)(.*)").matcher(t);
            if (lip.find()) {
                String command = lip.group(1);
                if (!commands.contains(command)) {
                    wrong.add(line + " -- no command 'lip " + command + "'");
                    continue;
                }
                Matcher o = OPTION.matcher(lip.group(2).replaceAll("\\s#.*$", ""));
                while (o.find()) {
                    if (!optionsOf.get(command).contains(o.group(1))) {
                        wrong.add(line + " -- 'lip " + command + "' has no option " + o.group(1));
                    }
                }
                checked++;
            }
            if (t.startsWith("./run.sh")) {
                Matcher o = OPTION.matcher(t);
                while (o.find()) {
                    if (!o.group(1).equals("--serve") && !optionsOf.get("process").contains(o.group(1))) {
                        wrong.add(line + " -- run.sh passes " + o.group(1) + " to 'lip process', which has no such option");
                    }
                }
                checked++;
            }
            if (t.startsWith("curl") || t.contains(" curl ")) {
                Matcher u = API_URL.matcher(t);
                while (u.find()) {
                    String path = u.group(1).replaceAll("\\$\\{?[A-Za-z_]+}?", "x");
                    if (paths.stream().noneMatch(p -> p.matcher(path).matches())) {
                        wrong.add(line + " -- the API has no path " + path);
                    }
                    if (u.group(2) != null && path.equals("/api/v1/jobs")) {
                        for (String pair : u.group(2).substring(1).split("&")) {
                            String name = pair.split("=", 2)[0];
                            if (!JOB_QUERY.contains(name) && !algorithmParameters.contains(name)) {
                                wrong.add(line + " -- a job takes no parameter '" + name + "'");
                            }
                        }
                    }
                }
                checked++;
            }
            Matcher jar = Pattern.compile("java\\b.*?-jar\\s+(\\S+\\.jar)").matcher(t);
            if (jar.find()) {
                if (!Files.isRegularFile(Trio.ROOT.resolve(jar.group(1)))) {
                    wrong.add(line + " -- no jar " + jar.group(1) + " after the build");
                }
                checked++;
            }
            Matcher script = Pattern.compile("(?:^|\\s)((?:bench|models|examples|\\.ci)/[\\w./-]+\\.(?:sh|py))").matcher(t);
            while (script.find()) {
                if (!Files.isRegularFile(Trio.ROOT.resolve(script.group(1)))) {
                    wrong.add(line + " -- no file " + script.group(1));
                }
                checked++;
            }
        }
        assertTrue(wrong.isEmpty(), "commands in the docs that name what does not exist:\n" + String.join("\n", wrong));
        assertTrue(checked > 25, "commands checked: " + checked);
    }

    /** The commands that need nothing but the running service are run as written. */
    @Test
    void theDocsSimpleClientCommandsRun(Trio trio) throws Exception {
        Path dir = Files.createTempDirectory("docs-commands");
        Trio.Run algorithms = trio.client("algorithms");
        assertEquals(0, algorithms.exitCode(), algorithms.stderr());
        Trio.Run list = trio.client("list");
        assertEquals(0, list.exitCode(), list.stderr());
        Trio.Run sample = Trio.run(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString(), "sample",
                dir.resolve("scan.jpg").toString()));
        assertEquals(0, sample.exitCode(), sample.stderr());
        assertTrue(Files.size(dir.resolve("scan.jpg")) > 100_000);
    }
}
