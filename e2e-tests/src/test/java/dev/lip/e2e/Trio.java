package dev.lip.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The three real programs, as a user runs them: slicer-api and patch-processor started from their packaged jars as
 * separate JVMs on free ports, sharing a fresh work directory, and the client jar run as a process per command.
 * Started once for all end-to-end test classes and stopped when they are done.
 */
public final class Trio implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    public static final Path ROOT = Path.of(System.getProperty("lip.projectRoot", "..")).toAbsolutePath().normalize();
    public static final Path SLICER_JAR = ROOT.resolve("slicer-api/target/slicer-api.jar");
    public static final Path PROCESSOR_JAR = ROOT.resolve("patch-processor/target/patch-processor.jar");
    public static final Path CLIENT_JAR = ROOT.resolve("client-cli/target/client-cli.jar");

    public final Path work;
    public final Path tempDir;
    public final Path resultDir;
    /** The processors' lip.models-dir: tests put ONNX models here. */
    public final Path modelsDir;
    public final int apiPort;
    public final int processorPort;
    private final List<Process> services = new ArrayList<>();
    private final String[] apiArgs;
    private Process api;
    private final Map<String, String> apiEnv;

    private Trio() throws IOException {
        this(true);
    }

    /**
     * @param withProcessor false starts slicer-api alone, for tests that bring their own workers
     * @param apiArgs       extra slicer-api arguments (they override the defaults here)
     */
    public Trio(boolean withProcessor, String... apiArgs) throws IOException {
        this(Map.of(), withProcessor, apiArgs);
    }

    /** @param apiEnv environment variables for slicer-api (its object storage's endpoint and credentials, say) */
    public Trio(Map<String, String> apiEnv, boolean withProcessor, String... apiArgs) throws IOException {
        this.apiEnv = Map.copyOf(apiEnv);
        for (Path jar : List.of(SLICER_JAR, PROCESSOR_JAR, CLIENT_JAR)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: run the tests with ./mvnw verify, which packages it first");
            }
        }
        work = Files.createTempDirectory("lip-e2e-");
        tempDir = work.resolve("temp");
        resultDir = work.resolve("big_image_result");
        modelsDir = Files.createDirectories(work.resolve("models"));
        apiPort = freePort();
        processorPort = freePort();
        this.apiArgs = apiArgs;
        startApi();
        if (withProcessor) {
            startProcessor("patch-processor", processorPort, "--lip.threads=2");
            awaitHealthy(processorPort, "patch-processor");
        }
    }

    /** Starts slicer-api (again, after {@link #killApi}) on the same port and work directory and waits until healthy. */
    public void startApi() throws IOException {
        api = startService("slicer-api", SLICER_JAR, apiEnv, merge(List.of("--server.port=" + apiPort, "--lip.temp-dir=" + tempDir,
                "--lip.result-dir=" + resultDir, "--lip.lease-timeout=10s"), apiArgs));
        awaitHealthy(apiPort, "slicer-api");
    }

    /** kill -9 of slicer-api. */
    public void killApi() throws InterruptedException {
        kill(api);
    }

    /** Starts a patch-processor on this work directory; {@code port} 0 picks none in particular. */
    public Process startProcessor(String name, int port, String... args) throws IOException {
        return startService(name, PROCESSOR_JAR, Map.of(), merge(List.of("--server.port=" + port, "--lip.temp-dir=" + tempDir,
                "--lip.lease-timeout=10s", "--lip.models-dir=" + modelsDir), args));
    }

    /**
     * Starts a patch-processor with its own environment (object storage credentials, say); {@code args} override
     * the defaults, {@code --lip.temp-dir} among them (a processor with a private directory shares nothing).
     */
    public Process startProcessor(String name, int port, Map<String, String> env, String... args) throws IOException {
        return startService(name, PROCESSOR_JAR, env, merge(List.of("--server.port=" + port, "--lip.temp-dir=" + tempDir,
                "--lip.lease-timeout=10s", "--lip.models-dir=" + modelsDir), args));
    }

    /** Defaults overridden by the arguments given for the same property (Spring would make a list of both). */
    private static String[] merge(List<String> defaults, String... given) {
        java.util.Map<String, String> byKey = new java.util.LinkedHashMap<>();
        for (String a : defaults) {
            byKey.put(a.split("=", 2)[0], a);
        }
        for (String a : given) {
            byKey.put(a.split("=", 2)[0], a);
        }
        return byKey.values().toArray(String[]::new);
    }

    /** kill -9: the process gets no chance to clean up, as when a machine dies. */
    public static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** The running trio, started on first use. */
    public static Trio get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Trio.class, k -> {
                    try {
                        return new Trio();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, Trio.class);
    }

    /**
     * JUnit extension: {@code @ExtendWith(Trio.Started.class)} starts the trio before the class's tests and hands it
     * to test methods that take a {@code Trio} parameter.
     */
    public static final class Started implements BeforeAllCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext context) {
            get(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == Trio.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return get(e);
        }
    }

    /** slicer-api's process (its pid, whether it is alive). */
    public Process apiProcess() {
        return api;
    }

    public String api() {
        return "http://localhost:" + apiPort;
    }

    /** Ports handed out in this JVM: one not bound yet could be offered again, and two services given the same. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Process startService(String name, Path jar, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        services.add(p);
        return p;
    }

    public void awaitHealthy(int port, String name) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IllegalStateException(name + " did not become healthy in 90 s; its log:\n" + log(name));
    }

    public String log(String name) {
        try {
            return Files.readString(work.resolve(name + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** What a client command printed and returned. */
    public record Run(int exitCode, String stdout, String stderr) {
    }

    /**
     * Waits until the running processors have announced these models (every 3 s), so that a job naming them is not
     * refused at submission for a model that was put in the models directory a moment ago.
     */
    public void awaitModels(String... models) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String m : models) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(api() + "/api/v1/jobs/check?algorithm=onnx&model="
                            + java.net.URLEncoder.encode(m, java.nio.charset.StandardCharsets.UTF_8)))
                            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }
    }

    /** Runs the client jar with {@code args} (the API address is added), as a user would in a terminal. */
    public Run client(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", CLIENT_JAR.toString()));
        cmd.addAll(List.of(args));
        if (!cmd.contains("--api")) {
            cmd.add("--api");
            cmd.add(api());
        }
        return run(cmd, Map.of("LIP_CACHE_DIR", work.resolve("client-cache").toString()));
    }

    public static Run run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, Map.of());
    }

    /** Runs a command to its end (at most 180 s) with extra environment variables. */
    public static Run run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("lip-client", ".out");
        Path err = Files.createTempFile("lip-client", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the client did not finish in 180 s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Override
    public void close() {
        for (Process p : services) {
            p.destroy();
        }
        for (Process p : services) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
