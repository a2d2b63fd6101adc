package dev.lip.e2e;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files say what docs/deploy.md promises. No cluster or Docker engine is needed to check that; a
 * Docker engine, where there is one, runs the compose file in {@link DockerComposeTest}.
 */
class DeploymentFilesTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(Trio.ROOT.resolve(file))) {
            for (Object o : new Yaml().loadAll(r)) {
                docs.add((Map<String, Object>) o);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    @SuppressWarnings("unchecked")
    private static void assertProbesAndSharedVolume(Map<String, Object> deployment, int port) {
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals("/actuator/health", map(container, probe, "httpGet").get("path"), probe);
        }
        assertEquals(port, ((List<Map<String, Object>>) container.get("ports")).get(0).get("containerPort"));
        assertTrue(map(container, "resources", "requests").containsKey("memory"));
        assertEquals("lip-data", map(((List<Map<String, Object>>) pod.get("volumes")).get(0), "persistentVolumeClaim").get("claimName"));
        List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
        assertTrue(env.stream().anyMatch(e -> e.get("name").equals("LIP_TEMPDIR") && e.get("value").equals("/data/temp")));
        assertTrue(env.stream().anyMatch(e -> e.get("name").equals("JAVA_OPTS") && e.get("value").toString().contains("-Xmx512m")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesManifests() throws IOException {
        Map<String, Object> pvc = load("k8s/slicer-api/storage.yaml").get(0);
        assertEquals("PersistentVolumeClaim", pvc.get("kind"));
        assertEquals(List.of("ReadWriteMany"), map(pvc, "spec").get("accessModes"));

        List<Map<String, Object>> api = load("k8s/slicer-api/slicer-api.yaml");
        assertEquals(List.of("Deployment", "Service"), api.stream().map(d -> d.get("kind")).toList());
        assertEquals(1, map(api.get(0), "spec").get("replicas"), "one slicer-api per work directory");
        assertEquals("Recreate", map(api.get(0), "spec", "strategy").get("type"));
        assertProbesAndSharedVolume(api.get(0), 8080);

        List<Map<String, Object>> proc = load("k8s/patch-processor.yaml");
        assertEquals(List.of("Deployment", "Service"), proc.stream().map(d -> d.get("kind")).toList());
        assertTrue((Integer) map(proc.get(0), "spec").get("replicas") > 1, "several processors");
        assertProbesAndSharedVolume(proc.get(0), 8081);

        assertEquals(List.of("slicer-api", "patch-processor.yaml"), load("k8s/kustomization.yaml").get(0).get("resources"));
        assertEquals(List.of("storage.yaml", "slicer-api.yaml"), load("k8s/slicer-api/kustomization.yaml").get(0).get("resources"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeFileSharesTheDirectoriesAndScalesProcessors() throws IOException {
        Map<String, Object> services = map(load("docker-compose.yml").get(0), "services");
        Map<String, Object> api = (Map<String, Object>) services.get("slicer-api");
        Map<String, Object> proc = (Map<String, Object>) services.get("patch-processor");
        assertTrue(((List<String>) api.get("volumes")).contains("./temp:/data/temp"));
        assertTrue(((List<String>) api.get("volumes")).contains("./big_image_result:/data/big_image_result"));
        assertTrue(((List<String>) proc.get("volumes")).contains("./temp:/data/temp"));
        assertTrue(!proc.containsKey("ports") && !proc.containsKey("container_name"),
                "no fixed host port or name, so 'docker-compose up --scale patch-processor=N' works");
        // MinIO only with the s3 profile; both services take the object storage settings from the shell
        Map<String, Object> minio = (Map<String, Object>) services.get("minio");
        assertEquals(List.of("s3", "distributed"), minio.get("profiles"));
        for (Map<String, Object> service : List.of(api, proc)) {
            Map<String, Object> env = (Map<String, Object>) service.get("environment");
            assertEquals("${AWS_ENDPOINT_URL:-}", env.get("AWS_ENDPOINT_URL"));
        }
    }

    /**
     * Issue 25: the distributed profile runs a broker, MinIO with a bucket and three processors with no volume at
     * all; the default services switch to the broker by LIP_QUEUE and LIP_STORE from the shell.
     */
    @Test
    @SuppressWarnings("unchecked")
    void composeDistributedProfileHasTheBrokerAndProcessorsWithNoVolume() throws IOException {
        Map<String, Object> services = map(load("docker-compose.yml").get(0), "services");
        Map<String, Object> remote = (Map<String, Object>) services.get("remote-processor");
        assertEquals(List.of("distributed"), remote.get("profiles"));
        assertTrue(!remote.containsKey("volumes"), "no shared volume: " + remote);
        assertEquals(3, map(remote, "deploy").get("replicas"));
        Map<String, Object> env = (Map<String, Object>) remote.get("environment");
        assertEquals("artemis", env.get("LIP_QUEUE"));
        assertEquals("tcp://artemis:61616", env.get("SPRING_ARTEMIS_BROKERURL"));
        Map<String, Object> artemis = (Map<String, Object>) services.get("artemis");
        assertEquals(List.of("distributed"), artemis.get("profiles"));
        assertTrue(artemis.get("image").toString().startsWith("apache/activemq-artemis:"));
        assertTrue(((Map<String, Object>) artemis.get("environment")).get("JAVA_ARGS_APPEND").toString()
                .contains("maxDeliveryAttempts=3"), "the dead-letter limit is lip.max-attempts'");
        for (String service : List.of("slicer-api", "patch-processor")) {
            Map<String, Object> e = (Map<String, Object>) ((Map<String, Object>) services.get(service)).get("environment");
            assertEquals("${LIP_QUEUE:-filesystem}", e.get("LIP_QUEUE"), service);
        }
    }

    /**
     * Issue 25: k8s/distributed/ runs the broker as a StatefulSet with its journal on a volume, processors with no
     * volume scaled by KEDA's artemis-queue trigger on lip.patches, and a Grafana dashboard that reads the metrics
     * the services report (DistributedTest checks that they report them).
     */
    @Test
    @SuppressWarnings("unchecked")
    void kubernetesDistributedManifests() throws IOException {
        Map<String, Object> kustomization = load("k8s/distributed/kustomization.yaml").get(0);
        assertEquals(List.of("../slicer-api", "artemis.yaml", "patch-processor.yaml", "keda.yaml"),
                kustomization.get("resources"));
        List<Map<String, Object>> artemis = load("k8s/distributed/artemis.yaml");
        assertEquals(List.of("StatefulSet", "Service", "Secret"), artemis.stream().map(d -> d.get("kind")).toList());
        assertTrue(map(artemis.get(0), "spec").containsKey("volumeClaimTemplates"), "the journal on a volume");

        Map<String, Object> proc = load("k8s/distributed/patch-processor.yaml").get(0);
        Map<String, Object> pod = map(proc, "spec", "template", "spec");
        assertTrue(!pod.containsKey("volumes"), "processors with no volume");
        List<Map<String, Object>> env = (List<Map<String, Object>>) ((List<Map<String, Object>>) pod.get("containers")).get(0).get("env");
        assertTrue(env.stream().anyMatch(e -> e.get("name").equals("LIP_QUEUE") && e.get("value").equals("artemis")));
        assertTrue(env.stream().anyMatch(e -> e.get("name").equals("LIP_STORE") && e.get("value").toString().startsWith("s3://")));

        List<Map<String, Object>> keda = load("k8s/distributed/keda.yaml");
        assertEquals("ScaledObject", keda.get(0).get("kind"));
        assertEquals(0, map(keda.get(0), "spec").get("minReplicaCount"));
        Map<String, Object> trigger = ((List<Map<String, Object>>) map(keda.get(0), "spec").get("triggers")).get(0);
        assertEquals("artemis-queue", trigger.get("type"));
        assertEquals("lip.patches", map(trigger, "metadata").get("queueName"));
        assertEquals("patch-processor", map(keda.get(0), "spec", "scaleTargetRef").get("name"));

        String dashboard = Files.readString(Trio.ROOT.resolve("k8s/distributed/grafana-dashboard.json"));
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard);
        assertTrue(json.path("panels").size() >= 6);
        for (String metric : List.of("lip_queue_waiting", "lip_patches_in_flight", "lip_patches_processed_total",
                "lip_patches_redelivered_total", "lip_patches_dead_lettered_total", "lip_patch_duration_seconds",
                "lip_job_stage_seconds")) {
            assertTrue(dashboard.contains(metric), "the dashboard shows " + metric);
        }
    }
}
