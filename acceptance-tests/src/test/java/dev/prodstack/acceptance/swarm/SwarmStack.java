package dev.prodstack.acceptance.swarm;

import dev.prodstack.acceptance.support.DevCa;
import dev.prodstack.acceptance.support.Repo;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Swarm stack of one suite run, deployed and removed the way an operator does it, with
 * scripts/swarm.sh. Turns the engine into a single-node swarm only if it is not in one, and then
 * leaves the swarm again at the end; otherwise the host's swarm is left as found. Removes what
 * the run made (stack, its secrets, configs, networks, volumes, and the image tags it added),
 * also when a test failed, and from a JVM shutdown hook when the run is interrupted.
 */
final class SwarmStack {

    private static final Logger LOG = LoggerFactory.getLogger(SwarmStack.class);
    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(8);

    private final String name = "psw" + randomSuffix();
    private final Path workDirectory =
            Repo.workDirectory().resolveSibling("acceptance-swarm").resolve(name);
    private final Map<String, String> environment = new TreeMap<>();
    private final List<String> taggedImages = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::tearDown, "swarm-stack-teardown");
    private boolean createdSwarm;
    private boolean removed;
    private DevCa devCa;

    String name() {
        return name;
    }

    String service(String service) {
        return name + "_" + service;
    }

    DevCa devCa() {
        return devCa;
    }

    String edgeUrl() {
        return "https://localhost:" + environment.get("HTTPS_PORT");
    }

    String apiImage() {
        return environment.get("API_IMAGE");
    }

    /** Makes the swarm if needed and deploys the stack with scripts/swarm.sh deploy. */
    void deploy() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        String state = docker("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")
                .stdout()
                .strip();
        if (state.startsWith("inactive")) {
            LOG.info(
                    "this engine is in no swarm: docker swarm init --advertise-addr 127.0.0.1 (left again at the end)");
            Command.of("docker", "swarm", "init", "--advertise-addr", "127.0.0.1")
                    .timeout(Duration.ofMinutes(1))
                    .check();
            createdSwarm = true;
        } else if (!state.equals("active true")) {
            throw new IllegalStateException(
                    "this engine is in a swarm but not a manager (" + state + "): cannot deploy");
        }
        environment.put("STACK_NAME", name);
        environment.put("VERSION", System.getProperty("acceptance.version", "1.0.0"));
        environment.put("HTTP_PORT", Integer.toString(freePort()));
        environment.put("HTTPS_PORT", Integer.toString(freePort()));
        environment.put("SECRETS_DIR", workDirectory.resolve("secrets").toString());
        environment.put("TLS_DIR", workDirectory.resolve("tls").toString());
        environment.put("NO_COLOR", "1");
        environment.put("MAVEN_OFFLINE", "true");
        environment.put("API_IMAGE", "prodstack/api:" + environment.get("VERSION"));
        Command.Result deployed = swarmScript("deploy", imageSourceOption(), "--timeout", "420")
                .timeout(DEPLOY_TIMEOUT)
                .run();
        LOG.info("scripts/swarm.sh deploy:\n{}", deployed.stderr().strip());
        if (!deployed.ok()) {
            throw new IllegalStateException("scripts/swarm.sh deploy failed:\n" + deployed.describe());
        }
        devCa = new DevCa(workDirectory.resolve("tls/ca.crt"));
    }

    /** The set the compose suite would pick: official images when all are here, else the offline set. */
    private static String imageSourceOption() {
        String wanted = System.getProperty("acceptance.images", "auto");
        if (!"auto".equals(wanted)) {
            return "--" + wanted;
        }
        boolean official = Command.of(
                        "docker",
                        "image",
                        "inspect",
                        "nginx:1.27.3",
                        "postgres:15.10-bookworm",
                        "redis:7.0.15-bookworm")
                .timeout(Duration.ofSeconds(30))
                .run()
                .ok();
        return official ? "--official" : "--offline";
    }

    Command swarmScript(String... arguments) {
        List<String> line =
                new ArrayList<>(List.of("bash", Repo.path("scripts/swarm.sh").toString()));
        line.addAll(List.of(arguments));
        return Command.of(line).env(environment).in(Repo.root()).timeout(Duration.ofMinutes(6));
    }

    /**
     * A new tag of the api image, built FROM it with one more version label and, when given,
     * Dockerfile lines of its own (an entrypoint that breaks the health check). Removed at the end.
     */
    String tagApiImage(String tag, String extraDockerfileLines) {
        String image = apiImage().substring(0, apiImage().lastIndexOf(':')) + ":" + tag;
        String dockerfile = "FROM " + apiImage() + "\nLABEL org.opencontainers.image.version=\"" + tag + "\"\n"
                + extraDockerfileLines + "\n";
        Command.of("docker", "build", "-q", "-t", image, "-")
                .input(dockerfile.getBytes(StandardCharsets.UTF_8))
                .timeout(Duration.ofMinutes(3))
                .check();
        taggedImages.add(image);
        return image;
    }

    /** The api image's entrypoint as a JSON array, to wrap it. */
    String apiEntrypointJson() {
        return docker("image", "inspect", "--format", "{{json .Config.Entrypoint}}", apiImage())
                .stdout()
                .strip();
    }

    /** Running task containers of one service, oldest first. */
    List<String> runningContainers(String service) {
        List<String> newestFirst = new ArrayList<>(docker(
                        "ps",
                        "-q",
                        "--no-trunc",
                        "--filter",
                        "label=com.docker.swarm.service.name=" + service(service),
                        "--filter",
                        "status=running")
                .lines());
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** "running/desired" of a service as `docker service ls` counts it (healthy tasks only). */
    String replicas(String service) {
        return docker("service", "ls", "--filter", "name=" + service(service), "--format", "{{.Replicas}}")
                .stdout()
                .strip();
    }

    String updateState(String service) {
        return docker(
                        "service",
                        "inspect",
                        "--format",
                        "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
                        service(service))
                .stdout()
                .strip();
    }

    String serviceImage(String service) {
        String image = docker(
                        "service",
                        "inspect",
                        "--format",
                        "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
                        service(service))
                .stdout()
                .strip();
        return image.replaceFirst("@sha256:.*$", "");
    }

    /** stdout + stderr of the proxy's task containers: nginx's JSON access log and the watcher's lines. */
    String proxyLogs() {
        StringBuilder logs = new StringBuilder();
        for (String id : runningContainers("proxy")) {
            Command.Result result = Command.of("docker", "logs", id)
                    .timeout(Duration.ofMinutes(1))
                    .run();
            logs.append(result.stdout()).append(result.stderr());
        }
        return logs.toString();
    }

    Command.Result docker(String... arguments) {
        List<String> line = new ArrayList<>(List.of("docker"));
        line.addAll(List.of(arguments));
        return Command.of(line).timeout(Duration.ofMinutes(2)).check();
    }

    /** Removes everything the run made; safe to call twice (the shutdown hook calls it again). */
    synchronized void tearDown() {
        if (removed) {
            return;
        }
        removed = true;
        List<String> rm = new ArrayList<>(List.of("rm", "--volumes"));
        if (createdSwarm) {
            rm.add("--leave");
        }
        Command.Result result = swarmScript(rm.toArray(String[]::new))
                .timeout(Duration.ofMinutes(3))
                .run();
        LOG.info(
                "scripts/swarm.sh {}: exit {}\n{}",
                String.join(" ", rm),
                result.exitCode(),
                result.stderr().strip());
        for (String image : taggedImages) {
            Command.of("docker", "image", "rm", image)
                    .timeout(Duration.ofMinutes(1))
                    .run();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
        if (!result.ok()) {
            throw new IllegalStateException("removing the swarm stack failed:\n" + result.describe());
        }
    }

    /** What is left of the run: containers, networks, volumes, secrets, configs labelled with the stack. */
    List<String> leftovers() {
        List<String> left = new ArrayList<>();
        String label = "label=com.docker.stack.namespace=" + name;
        left.addAll(Command.of("docker", "ps", "-aq", "--filter", label).run().lines());
        left.addAll(Command.of("docker", "network", "ls", "-q", "--filter", label)
                .run()
                .lines());
        left.addAll(Command.of("docker", "volume", "ls", "-q", "--filter", label)
                .run()
                .lines());
        if (!createdSwarm) {
            left.addAll(Command.of("docker", "secret", "ls", "-q", "--filter", label)
                    .run()
                    .lines());
            left.addAll(Command.of("docker", "config", "ls", "-q", "--filter", label)
                    .run()
                    .lines());
        }
        for (String image : taggedImages) {
            if (Command.of("docker", "image", "inspect", image).run().ok()) {
                left.add(image);
            }
        }
        if (createdSwarm
                && !docker("info", "--format", "{{.Swarm.LocalNodeState}}")
                        .stdout()
                        .strip()
                        .equals("inactive")) {
            left.add("the swarm this run created");
        }
        return left;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return suffix.toString();
    }
}
