package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;

/**
 * The hardening promised for every container of the stack, read back from the engine: non-root
 * (configured user and the live processes), read-only root filesystem, no-new-privileges, all
 * capabilities dropped, a healthcheck, memory and pid limits.
 */
@Order(90)
class ContainerHardeningIT extends AbstractAcceptanceTest {

    /**
     * The one service that runs as uid 0: the log shipper reads Docker's json-file logs, which the
     * engine writes 0640 root:root in 0710 directories (only their owner can list and read them).
     * Instead of "not root" it must hold no capability at all (so not even root's file-access
     * overrides) and see the log directory read-only (docker-compose.logging.yml).
     */
    private static final java.util.Set<String> ROOT_WITHOUT_CAPABILITIES = java.util.Set.of("log-shipper");

    /**
     * Capabilities a service may add back after dropping ALL, each with the reason it needs it. None does today:
     * a new entry here is a decision to review, and anything added outside it fails.
     */
    private static final java.util.Map<String, java.util.Set<Capability>> ADDED_CAPABILITIES_ALLOWED =
            java.util.Map.of();

    /** A hardened stack that silently lost a service is not hardened: each long-running one must be running. */
    @TestFactory
    Stream<DynamicTest> every_expected_service_is_running() {
        List<Container> containers = Docker.containers(stack.project());
        assertThat(stack.longRunningServices())
                .as("long-running services of the run")
                .isNotEmpty();
        return stack.longRunningServices().stream()
                .map(service -> DynamicTest.dynamicTest(
                        service,
                        () -> assertThat(containers.stream()
                                        .filter(container -> service.equals(Docker.service(container)))
                                        .filter(container -> "running".equals(container.getState())))
                                .as("running containers of service %s in project %s", service, stack.project())
                                .isNotEmpty()));
    }

    @TestFactory
    Stream<DynamicContainer> every_container_is_hardened() {
        List<Container> containers = Docker.containers(stack.project());
        assertThat(containers).as("containers of project %s", stack.project()).isNotEmpty();
        return containers.stream().map(container -> {
            String name = Docker.service(container) + " (" + Docker.name(container) + ")";
            String id = container.getId();
            if (ROOT_WITHOUT_CAPABILITIES.contains(Docker.service(container))) {
                return DynamicContainer.dynamicContainer(
                        name,
                        Stream.of(
                                DynamicTest.dynamicTest(
                                        "uid 0 without any capability", () -> processesHaveNoCapability(id, name)),
                                DynamicTest.dynamicTest(
                                        "Docker's logs mounted read-only", () -> dockerLogsReadOnly(id, name)),
                                DynamicTest.dynamicTest("read-only root filesystem", () -> readOnlyRoot(id, name)),
                                DynamicTest.dynamicTest("no-new-privileges", () -> noNewPrivileges(id, name)),
                                DynamicTest.dynamicTest(
                                        "capabilities: drop ALL",
                                        () -> capabilitiesDropped(id, Docker.service(container), name)),
                                DynamicTest.dynamicTest("resource limits", () -> resourceLimits(id, name))));
            }
            return DynamicContainer.dynamicContainer(
                    name,
                    Stream.of(
                            DynamicTest.dynamicTest(
                                    "configured user is not root", () -> configuredUserIsNotRoot(id, name)),
                            DynamicTest.dynamicTest("processes run as non-root", () -> processesAreNotRoot(id, name)),
                            DynamicTest.dynamicTest("read-only root filesystem", () -> readOnlyRoot(id, name)),
                            DynamicTest.dynamicTest("no-new-privileges", () -> noNewPrivileges(id, name)),
                            DynamicTest.dynamicTest(
                                    "capabilities: drop ALL",
                                    () -> capabilitiesDropped(id, Docker.service(container), name)),
                            DynamicTest.dynamicTest("resource limits", () -> resourceLimits(id, name))));
        });
    }

    private static void configuredUserIsNotRoot(String id, String name) {
        String user = Docker.inspect(id).getConfig().getUser();
        assertThat(user).as("%s Config.User", name).isNotBlank();
        String uid = user.split(":")[0];
        assertThat(uid).as("%s Config.User", name).isNotIn("0", "root");
    }

    private static void processesAreNotRoot(String id, String name) {
        InspectContainerResponse inspection = Docker.inspect(id);
        if (!Boolean.TRUE.equals(inspection.getState().getRunning())) {
            // Only a one-shot job may have exited (and only with 0); anything else that is down fails here.
            String service = inspection.getConfig().getLabels().get("com.docker.compose.service");
            assertThat(AcceptanceStack.ONE_SHOT_SERVICES)
                    .as(
                            "%s is not running (%s): only a one-shot job may have exited",
                            name, inspection.getState().getStatus())
                    .contains(service);
            assertThat(inspection.getState().getExitCodeLong())
                    .as("%s exit code", name)
                    .isZero();
            System.out.printf("ContainerHardeningIT: %s (one-shot) exited 0, live checks not applicable%n", name);
            return;
        }
        // docker top reads the host's view, so it works for images without an `id` binary too.
        Command.Result top = Command.of("docker", "top", id, "-eo", "uid,pid,comm")
                .timeout(Duration.ofSeconds(30))
                .check();
        List<String> processes = top.lines().stream().skip(1).toList();
        assertThat(processes)
                .as("%s processes", name)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.split("\\s+")[0])
                        .as("%s process %s", name, line)
                        .isNotEqualTo("0"));
        Command.Result idCommand = Docker.exec(id, "id", "-u");
        if (idCommand.ok()) {
            assertThat(idCommand.stdout().strip())
                    .as("%s: docker exec id -u", name)
                    .isNotEqualTo("0");
        } else {
            System.out.printf("ContainerHardeningIT: %s has no `id` binary; checked with docker top only%n", name);
        }
    }

    /** Every process's effective, permitted, inheritable, ambient and bounding sets are empty. */
    private static void processesHaveNoCapability(String id, String name) {
        assertThat(Boolean.TRUE.equals(Docker.inspect(id).getState().getRunning()))
                .as("%s running", name)
                .isTrue();
        Command.Result top = Command.of("docker", "top", id, "-eo", "pid")
                .timeout(Duration.ofSeconds(30))
                .check();
        List<String> pids = top.lines().stream()
                .skip(1)
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
        assertThat(pids).as("%s processes", name).isNotEmpty();
        for (String pid : pids) {
            List<String> status;
            try {
                // The host's view of the process (docker top gives host pids): works for any image.
                status = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", pid, "status"));
            } catch (java.io.IOException gone) {
                continue; // exited since docker top listed it
            }
            List<String> capabilities = status.stream()
                    .filter(line -> line.matches("Cap(Inh|Prm|Eff|Bnd|Amb):.*"))
                    .toList();
            assertThat(capabilities)
                    .as("%s pid %s capability sets", name, pid)
                    .hasSize(5)
                    .allSatisfy(
                            line -> assertThat(line).as("%s pid %s", name, pid).matches("Cap...:\\s+0+"));
        }
    }

    private static void dockerLogsReadOnly(String id, String name) {
        assertThat(Docker.inspect(id).getMounts())
                .as("%s mounts", name)
                .anySatisfy(mount -> {
                    assertThat(mount.getDestination().getPath()).isEqualTo("/var/lib/docker/containers");
                    assertThat(mount.getRW()).as("read-write").isFalse();
                })
                .allSatisfy(mount -> assertThat(mount.getRW() == Boolean.FALSE || mount.getName() != null)
                        .as("%s: only its queue volume is writable, bind mount %s is not", name, mount.getDestination())
                        .isTrue());
    }

    private static void readOnlyRoot(String id, String name) {
        assertThat(Docker.inspect(id).getHostConfig().getReadonlyRootfs())
                .as("%s HostConfig.ReadonlyRootfs", name)
                .isTrue();
    }

    private static void noNewPrivileges(String id, String name) {
        List<String> options = Docker.inspect(id).getHostConfig().getSecurityOpts();
        assertThat(options)
                .as("%s HostConfig.SecurityOpt", name)
                .isNotNull()
                .anySatisfy(option -> assertThat(option)
                        .isIn("no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"));
    }

    private static void capabilitiesDropped(String id, String service, String name) {
        HostConfig host = Docker.inspect(id).getHostConfig();
        Capability[] dropped = host.getCapDrop();
        assertThat(dropped).as("%s HostConfig.CapDrop", name).isNotNull().contains(Capability.ALL);
        Capability[] added = host.getCapAdd();
        if (added != null && added.length > 0) {
            System.out.printf("ContainerHardeningIT: %s adds back %s%n", name, Arrays.toString(added));
        }
        assertThat(added == null ? new Capability[0] : added)
                .as("%s HostConfig.CapAdd: only what ADDED_CAPABILITIES_ALLOWED lists for %s", name, service)
                .allSatisfy(
                        capability -> assertThat(ADDED_CAPABILITIES_ALLOWED.getOrDefault(service, java.util.Set.of()))
                                .contains(capability));
    }

    private static void resourceLimits(String id, String name) {
        HostConfig host = Docker.inspect(id).getHostConfig();
        assertThat(host.getMemory()).as("%s memory limit", name).isNotNull().isPositive();
        assertThat(host.getPidsLimit()).as("%s pids limit", name).isNotNull().isPositive();
    }
}
