package dev.prodstack.acceptance.support;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The stack as an attacker sees it, not as Docker describes it: TCP connects to every port the project publishes,
 * on 127.0.0.1 and on the host's own non-loopback address; the listening sockets behind them (Docker's userland
 * proxy, checked in {@code ss -tln}); and connects from inside nginx's network namespace (a throw-away container
 * sharing it) to the api and to every member of the backend network. Only this host and the project's containers.
 */
public final class EdgeReachability {

    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private EdgeReachability() {}

    /** One published port: connected on 127.0.0.1 and on the host's non-loopback address? */
    public record PortProbe(
            String service, int containerPort, int hostPort, boolean onLoopback, boolean onHostAddress) {}

    /** One target tried from nginx's namespace: reachable = a TCP connection was established. */
    public record EdgeProbe(String target, boolean reachable, String detail) {
        /** The one target nginx must reach: the api's application port (not its admin port). */
        public boolean isApi() {
            return target.startsWith("api by ");
        }
    }

    /** A non-loopback IPv4 address of this host, an ordinary interface preferred over Docker's bridges. */
    public static String hostAddress() {
        try {
            List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
            return interfaces.stream()
                    .filter(EdgeReachability::isUp)
                    .sorted((a, b) -> Boolean.compare(isDockers(a), isDockers(b)))
                    .flatMap(nic -> Collections.list(nic.getInetAddresses()).stream())
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                    .map(InetAddress::getHostAddress)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("this host has no non-loopback IPv4 address"));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<PortProbe> hostScan(String project, String hostAddress) {
        List<PortProbe> probes = new ArrayList<>();
        for (Container container : Docker.containers(project)) {
            Map<ExposedPort, Ports.Binding[]> bindings = Docker.inspect(container.getId())
                    .getNetworkSettings()
                    .getPorts()
                    .getBindings();
            bindings.forEach((port, hostBindings) -> {
                for (Ports.Binding binding : hostBindings == null ? new Ports.Binding[0] : hostBindings) {
                    int hostPort = Integer.parseInt(binding.getHostPortSpec());
                    probes.add(new PortProbe(
                            Docker.service(container),
                            port.getPort(),
                            hostPort,
                            connects("127.0.0.1", hostPort),
                            connects(hostAddress, hostPort)));
                }
            });
        }
        return probes;
    }

    /**
     * "service:containerPort on port hostPort" for each of the project's listening sockets on an address other than
     * 127.0.0.1 (0.0.0.0 and Docker's IPv6 twin on :: alike).
     */
    public static List<String> listenersBeyondLoopback(String project) {
        Map<String, String> serviceByAddress = new HashMap<>();
        for (Container container : Docker.containers(project)) {
            for (ContainerNetwork network : Docker.inspect(container.getId())
                    .getNetworkSettings()
                    .getNetworks()
                    .values()) {
                serviceByAddress.put(network.getIpAddress(), Docker.service(container));
            }
        }
        String listening = Command.of("ss", "-Htln")
                .timeout(Duration.ofSeconds(20))
                .check()
                .stdout();
        List<String> found = new ArrayList<>();
        int ours = 0;
        for (Map<String, String> proxy : dockerProxies()) {
            String service = serviceByAddress.get(proxy.get("-container-ip"));
            if (service == null || !"tcp".equals(proxy.get("-proto"))) {
                continue;
            }
            ours++;
            String local = proxy.get("-host-ip") + ":" + proxy.get("-host-port");
            String ssForm = local.startsWith("0.0.0.0:") ? "0.0.0.0:" + proxy.get("-host-port") : local;
            if (!listening.contains(" " + ssForm + " ")
                    && !listening.contains(" [::]:" + proxy.get("-host-port") + " ")) {
                throw new AssertionError(
                        "docker-proxy for " + service + " on " + local + " is not in ss -tln:\n" + listening);
            }
            if (!proxy.get("-host-ip").equals("127.0.0.1")) {
                String listener = service + ":" + proxy.get("-container-port") + " on port " + proxy.get("-host-port");
                System.out.println("EdgeReachability: listening on " + local + ": " + service + ":"
                        + proxy.get("-container-port"));
                if (!found.contains(listener)) {
                    found.add(listener);
                }
            }
        }
        if (ours == 0) {
            throw new AssertionError("no docker-proxy process serves " + project
                    + ": this check needs Docker's userland proxy (the daemon's default)");
        }
        return found;
    }

    public static List<EdgeProbe> fromEdge(String project, String proxyContainerId, String image) {
        List<String[]> targets = new ArrayList<>();
        for (Container container : Docker.containers(project)) {
            InspectContainerResponse inspection = Docker.inspect(container.getId());
            String service = Docker.service(container);
            Map<String, ContainerNetwork> networks =
                    inspection.getNetworkSettings().getNetworks();
            ContainerNetwork frontend = networks.get(project + "_frontend");
            ContainerNetwork backend = networks.get(project + "_backend");
            if ("api".equals(service) && frontend != null) {
                targets.add(new String[] {
                    "api by address " + frontend.getIpAddress() + ":8000", frontend.getIpAddress() + ":8000"
                });
                // The admin port (metrics, health checks, Dropwizard's tasks) on the edge's own network.
                targets.add(new String[] {
                    "api admin port by address " + frontend.getIpAddress() + ":8081", frontend.getIpAddress() + ":8081"
                });
            }
            if (backend == null
                    || backend.getIpAddress() == null
                    || backend.getIpAddress().isEmpty()
                    || inspection.getConfig().getExposedPorts() == null) {
                continue;
            }
            for (ExposedPort port : inspection.getConfig().getExposedPorts()) {
                String address = backend.getIpAddress() + ":" + port.getPort();
                targets.add(new String[] {"backend " + service + " " + address, address});
            }
        }
        targets.add(new String[] {"api by name api:8000", "api:8000"});
        targets.add(new String[] {"api admin port by name api:8081", "api:8081"});
        targets.add(new String[] {"db by name db:5432", "db:5432"});
        targets.add(new String[] {"cache by name cache:6379", "cache:6379"});
        StringBuilder script = new StringBuilder(
                "probe() { t=$(curl -s -o /dev/null --connect-timeout 2 -m 3 -w '%{time_connect}' \"http://$2/\"); "
                        + "echo \"$1 $? $t\"; }\n");
        for (int i = 0; i < targets.size(); i++) {
            script.append("probe ")
                    .append(i)
                    .append(" '")
                    .append(targets.get(i)[1])
                    .append("' &\n");
        }
        script.append("wait\n");
        Command.Result result = Command.of(
                        "docker",
                        "run",
                        "--rm",
                        "--network",
                        "container:" + proxyContainerId,
                        "--cap-drop",
                        "ALL",
                        "--security-opt",
                        "no-new-privileges",
                        "--read-only",
                        "--user",
                        "101:101",
                        "--entrypoint",
                        "sh",
                        image,
                        "-c",
                        script.toString())
                .timeout(Duration.ofMinutes(1))
                .check();
        List<EdgeProbe> probes = new ArrayList<>();
        for (String line : result.stdout().strip().split("\n")) {
            String[] fields = line.strip().split(" ");
            // curl's time_connect is 0 unless the TCP connection was established, whatever came after it.
            boolean connected = fields.length == 3 && Double.parseDouble(fields[2]) > 0;
            probes.add(new EdgeProbe(targets.get(Integer.parseInt(fields[0]))[0], connected, "curl exit " + fields[1]));
        }
        if (probes.size() != targets.size()) {
            throw new AssertionError("probes missing from nginx's namespace:\n" + result.describe());
        }
        return probes;
    }

    private static boolean connects(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The arguments of every docker-proxy on this host, from /proc/PID/cmdline ("-host-port" -> "443", ...). */
    private static List<Map<String, String>> dockerProxies() {
        List<Map<String, String>> proxies = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes
                    .filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                String[] arguments;
                try {
                    arguments = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .split("\0");
                } catch (IOException gone) {
                    continue;
                }
                if (arguments.length > 1 && arguments[0].endsWith("docker-proxy")) {
                    Map<String, String> options = new HashMap<>();
                    for (int i = 1; i + 1 < arguments.length; i += 2) {
                        options.put(arguments[i], arguments[i + 1]);
                    }
                    proxies.add(options);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return proxies;
    }

    private static boolean isUp(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static boolean isDockers(NetworkInterface nic) {
        String name = nic.getName();
        return name.startsWith("docker") || name.startsWith("br-") || name.startsWith("veth");
    }
}
