package dev.lip.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 25: the Kubernetes manifests are what the API's schemas accept, as `kubectl apply -k` would send them. kustomize
 * (inside kubectl) builds each directory, so a kustomization that cannot build fails here as it would for a user, and
 * {@code k8s/validate/validate.mjs} checks every resulting object against Kubernetes' and KEDA's schemas (the
 * kubernetes-models packages, installed with npm by .ci/run or by this test). Where kubectl is missing, the files that
 * are whole objects are checked as they are. Skipped where Node.js or npm is not installed. docker-compose.yml is
 * checked against the Compose file schema by docker-compose itself, with each profile (no Docker engine needed).
 */
class ManifestSchemaTest {

    private static final Path VALIDATOR = Trio.ROOT.resolve("k8s/validate");

    /** A command's exit status, what it printed (standard output) and its messages (standard error). */
    private record Run(int exit, String stdout, String output) {
    }

    /** Runs a command through {@link Trio#run} (paths are absolute: it runs in the test's directory). */
    private static Run run(List<String> command) throws IOException, InterruptedException {
        Trio.Run r = Trio.run(command);
        return new Run(r.exitCode(), r.stdout(), r.stdout() + r.stderr());
    }

    private static boolean onPath(String tool) throws InterruptedException {
        try {
            return run(tool.equals("kubectl") ? List.of(tool, "version", "--client") : List.of(tool, "--version")).exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void installTheValidator() throws IOException, InterruptedException {
        assumeTrue(onPath("node") && onPath("npm"), "Node.js and npm are not installed: the manifests' schemas are not checked");
        if (!Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
            Run install = run(List.of("npm", "ci", "--prefix", VALIDATOR.toString(), "--no-audit", "--no-fund"));
            assumeTrue(install.exit() == 0, "npm ci in k8s/validate failed (offline?): " + install.output());
        }
    }

    /** Each directory as kubectl apply -k sends it, or, without kubectl, the files that are whole objects. */
    private static List<Path> manifests(Path tmp) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        if (onPath("kubectl")) {
            for (String dir : List.of("k8s", "k8s/distributed")) {
                Run built = run(List.of("kubectl", "kustomize", Trio.ROOT.resolve(dir).toString()));
                assertEquals(0, built.exit(), "kubectl kustomize " + dir + ": " + built.output());
                Path file = tmp.resolve(dir.replace('/', '-') + ".yaml");
                Files.writeString(file, built.stdout());
                files.add(file);
            }
        } else {
            for (String f : List.of("k8s/slicer-api/storage.yaml", "k8s/slicer-api/slicer-api.yaml", "k8s/patch-processor.yaml",
                    "k8s/distributed/artemis.yaml", "k8s/distributed/patch-processor.yaml", "k8s/distributed/keda.yaml")) {
                files.add(Trio.ROOT.resolve(f));
            }
        }
        return files;
    }

    private static Run validate(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", VALIDATOR.resolve("validate.mjs").toString()));
        files.forEach(f -> command.add(f.toString()));
        return run(command);
    }

    @Test
    void everyManifestPassesItsSchema(@TempDir Path tmp) throws IOException, InterruptedException {
        installTheValidator();
        Run result = validate(manifests(tmp));
        assertEquals(0, result.exit(), result.output());
        for (String object : List.of("apps/v1 Deployment slicer-api", "apps/v1 Deployment patch-processor",
                "v1 PersistentVolumeClaim lip-data", "apps/v1 StatefulSet artemis", "keda.sh/v1alpha1 ScaledObject patch-processor",
                "keda.sh/v1alpha1 TriggerAuthentication artemis-auth")) {
            assertTrue(result.output().contains("VALID") && result.output().contains(object), object + " checked: " + result.output());
        }
        assertTrue(!result.output().contains("INVALID"), result.output());
    }

    /** The validator refuses what the API server would: a wrong type, a kind that does not exist, a missing field. */
    @Test
    void aBrokenManifestIsRefusedWithTheField(@TempDir Path tmp) throws IOException, InterruptedException {
        installTheValidator();
        String processor = Files.readString(Trio.ROOT.resolve("k8s/distributed/patch-processor.yaml"));
        String keda = Files.readString(Trio.ROOT.resolve("k8s/distributed/keda.yaml"));
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, String.join("\n---\n",
                processor.replaceFirst("replicas: \\d+", "replicas: \"three\""),
                processor.replace("kind: Deployment", "kind: Deploymnet"),
                processor.replaceFirst("containerPort: \\d+", "containerPort: http"),
                keda.substring(0, keda.indexOf("---")).replace("scaleTargetRef: {name: patch-processor}", "")));
        Run result = validate(List.of(broken));
        assertEquals(1, result.exit(), result.output());
        for (String refusal : List.of("/spec/replicas must be integer", "no schema for apiVersion apps/v1 kind Deploymnet",
                "containerPort must be integer", "must have required property scaleTargetRef")) {
            assertTrue(result.output().contains(refusal), refusal + " in " + result.output());
        }
    }

    /** Every profile of docker-compose.yml is a valid Compose file (docker-compose config parses and checks it). */
    @Test
    void theComposeFileIsValidWithEveryProfile(@TempDir Path tmp) throws IOException, InterruptedException {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed: the Compose file's schema is not checked");
        for (String profile : List.of("", "s3", "distributed")) {
            List<String> command = new ArrayList<>(List.of("docker-compose", "-f", Trio.ROOT.resolve("docker-compose.yml").toString()));
            if (!profile.isEmpty()) {
                command.addAll(List.of("--profile", profile));
            }
            command.addAll(List.of("config", "-q"));
            Run result = run(command);
            assertEquals(0, result.exit(), "profile '" + profile + "': " + result.output());
        }
        Path broken = tmp.resolve("docker-compose.yml");
        Files.writeString(broken, Files.readString(Trio.ROOT.resolve("docker-compose.yml")).replaceFirst("replicas: 3", "replicas: three"));
        Run refused = run(List.of("docker-compose", "-f", broken.toString(), "--profile", "distributed", "config", "-q"));
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("replicas"), refused.output());
    }
}
