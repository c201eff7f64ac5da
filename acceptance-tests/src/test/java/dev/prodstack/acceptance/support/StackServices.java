package dev.prodstack.acceptance.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which services the run's compose files start (active profiles only), and that their images are here. */
final class StackServices {

    private static final Logger LOG = LoggerFactory.getLogger(StackServices.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The suite's compose files, the compose over them, and the services it starts. */
    record Selection(List<Path> files, Compose compose, List<String> services) {}

    private StackServices() {}

    /**
     * `up` would try to pull a missing image, and this machine may have no registry: fail with the
     * list instead. -Dacceptance.skipServices=a,b runs without those services (loudly; the tests
     * that need them fail) while an image is being added to the offline set.
     */
    static Selection select(String project, Path workDirectory, Map<String, String> variables, List<Path> files) {
        Compose compose = new Compose(project, true, files, variables);
        String profiles = variables.getOrDefault("COMPOSE_PROFILES", "");
        String config = compose.config();
        List<String> services = activeServices(config, profiles);
        Set<String> skip = new HashSet<>(
                List.of(System.getProperty("acceptance.skipServices", "").split("[,\\s]+")));
        List<String> missing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        JsonNode definitions = parse(config).path("services");
        for (String service : services) {
            String image = definitions.path(service).path("image").asText("");
            if (definitions.path(service).has("build")
                    || Command.of("docker", "image", "inspect", image)
                            .timeout(Duration.ofSeconds(30))
                            .run()
                            .ok()) {
                continue;
            }
            (skip.contains(service) ? skipped : missing).add(service + " (" + image + ")");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("images not on this machine (image source " + variables.get("IMAGE_SOURCE")
                    + "): " + missing + "; build them (scripts/build-images.sh) or skip those services with "
                    + "-Dacceptance.skipServices=...");
        }
        if (skipped.isEmpty()) {
            return new Selection(files, compose, services);
        }
        LOG.warn("RUNNING WITHOUT {} (-Dacceptance.skipServices): their images are missing", skipped);
        StringBuilder override =
                new StringBuilder("# Generated: services skipped by -Dacceptance.skipServices\nservices:\n");
        for (String entry : skipped) {
            override.append("  ")
                    .append(entry.substring(0, entry.indexOf(' ')))
                    .append(":\n    profiles: [acceptance-skipped]\n");
        }
        Path file = workDirectory.resolve("skipped-services.yml");
        StackEnvironment.writeReadable(file, override.toString());
        List<Path> withSkipped = new ArrayList<>(files);
        withSkipped.add(file);
        Compose reduced = new Compose(project, true, withSkipped, variables);
        return new Selection(List.copyOf(withSkipped), reduced, activeServices(reduced.config(), profiles));
    }

    /** Services of the merged compose configuration whose profiles (if any) are active. */
    static List<String> activeServices(String mergedConfig, String activeProfiles) {
        Set<String> active = new HashSet<>(List.of(activeProfiles.split("[,\\s]+")));
        List<String> names = new ArrayList<>();
        parse(mergedConfig).path("services").fields().forEachRemaining(entry -> {
            JsonNode profiles = entry.getValue().path("profiles");
            boolean enabled = profiles.isMissingNode() || profiles.isEmpty();
            for (JsonNode profile : profiles) {
                enabled |= active.contains(profile.asText());
            }
            if (enabled) {
                names.add(entry.getKey());
            }
        });
        return names;
    }

    private static JsonNode parse(String mergedConfig) {
        try {
            return YAML.readTree(mergedConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the compose config", e);
        }
    }
}
