package dev.lip.distributed;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A broker in this JVM configured from what a deployment file gives the {@code apache/activemq-artemis} image
 * ({@code EXTRA_ARGS}'s {@code --queues}, {@code JAVA_ARGS_APPEND}'s {@code -Dbrokerconfig.*} broker properties) over
 * the settings the image's {@code artemis create} writes for every address (auto-created queues, redelivery without
 * delay, paging when full, dead letters to {@code DLQ} and max delivery attempts 10 unless told otherwise), so that
 * the deployment files' broker settings are tested on a machine without a Docker engine. Login and the journal's
 * place are the image's own business and are left out.
 */
final class DeployedBroker {
    /** The repository's root (tests run in the module's directory). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private DeployedBroker() {
    }

    /** The artemis service's environment in docker-compose.yml. */
    @SuppressWarnings("unchecked")
    static Map<String, String> compose() throws IOException {
        Map<String, Object> doc = load(ROOT.resolve("docker-compose.yml")).get(0);
        Map<String, Object> artemis = (Map<String, Object>) ((Map<String, Object>) doc.get("services")).get("artemis");
        return (Map<String, String>) artemis.get("environment");
    }

    /** The broker container's literal environment values in k8s/distributed/artemis.yaml's StatefulSet. */
    @SuppressWarnings("unchecked")
    static Map<String, String> kubernetes() throws IOException {
        for (Map<String, Object> doc : load(ROOT.resolve("k8s/distributed/artemis.yaml"))) {
            if ("StatefulSet".equals(doc.get("kind"))) {
                Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                        doc.get("spec")).get("template")).get("spec");
                Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
                Map<String, String> env = new java.util.TreeMap<>();
                for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
                    if (e.get("value") != null) {
                        env.put((String) e.get("name"), e.get("value").toString());
                    }
                }
                return env;
            }
        }
        throw new IllegalStateException("no StatefulSet in k8s/distributed/artemis.yaml");
    }

    private static List<Map<String, Object>> load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            List<Map<String, Object>> docs = new java.util.ArrayList<>();
            for (Object d : new Yaml().loadAll(r)) {
                if (d != null) {
                    @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) d;
                    docs.add(m);
                }
            }
            return docs;
        }
    }

    /** The configuration the image would run with, given the deployment file's environment. */
    static ConfigurationImpl configuration(Map<String, String> env, Path dir, int port) throws Exception {
        ConfigurationImpl config = EmbeddedBroker.journalled("deployed", dir, port);
        config.setSecurityEnabled(false);
        // what `artemis create` writes for match="#" (Artemis 2.40's etc/broker.xml)
        config.addAddressSetting("#", new AddressSettings().setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue")).setRedeliveryDelay(0)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE).setAutoCreateQueues(true)
                .setAutoCreateAddresses(true).setAutoDeleteQueues(false).setAutoDeleteAddresses(false));
        String extra = env.getOrDefault("EXTRA_ARGS", "");
        java.util.regex.Matcher queues = java.util.regex.Pattern.compile("--queues\\s+(\\S+)").matcher(extra);
        if (queues.find()) {
            for (String q : queues.group(1).split(",")) {
                String[] nameAndType = q.split(":");
                config.addQueueConfiguration(QueueConfiguration.of(nameAndType[0])
                        .setRoutingType(RoutingType.valueOf(nameAndType[1].toUpperCase(java.util.Locale.ROOT))));
            }
        }
        Properties props = new Properties();
        for (String arg : env.getOrDefault("JAVA_ARGS_APPEND", "").trim().split("\\s+")) {
            if (arg.startsWith("-Dbrokerconfig.")) {
                int eq = arg.indexOf('=');
                props.setProperty(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        config.parsePrefixedProperties(props, "brokerconfig.");
        return config;
    }

    /** Starts a broker configured as a deployment file configures the image; the caller stops it. */
    static EmbeddedBroker start(Map<String, String> env, Path dir) throws Exception {
        int port = EmbeddedBroker.freePort();
        return EmbeddedBroker.start(configuration(env, dir, port), port);
    }
}
