package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.acceptance.support.EdgeReachability;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the stack exposes: only nginx publishes ports to the world; monitoring UIs (and the
 * acceptance-only api debug port) on loopback; Postgres and Redis nowhere; the admin port and
 * /metrics never through nginx; the backend network internal. Checked twice: in Docker's
 * configuration, and as an attacker sees it (connections to the host's own non-loopback address,
 * the listening sockets, and probes from inside nginx's network namespace in {@link EdgeReachability}).
 */
@Order(60)
class EdgeExposureIT extends AbstractAcceptanceTest {

    /**
     * Services allowed to publish on 127.0.0.1 only; "api" only through the acceptance override's debug port;
     * "log-store" is the log store's operator port (no security plugin: never beyond loopback).
     */
    private static final Set<String> LOOPBACK_ONLY =
            Set.of("prometheus", "alertmanager", "grafana", "api", "log-store");
    /** nginx's ops listener (serves /metrics): loopback only, if published at all. */
    private static final int OPS_LISTENER = 8444;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/metrics",
                "/metrics/",
                "/METRICS",
                "/metrics;x=1",
                "/metrics/prometheus",
                "/users/..;/metrics",
                "/%6Detrics",
                "/./metrics",
                "//metrics",
                "/metrics?format=prometheus",
                "/metrics%3B",
                "/users/../metrics"
            })
    void app_metrics_are_not_public(String path) {
        Response response = edge().urlEncodingEnabled(false).get(path);

        assertThat(response.statusCode())
                .as("GET %s through nginx: %s", path, response.asString())
                .isIn(400, 404);
        assertThat(response.asString())
                .as("no metrics leak for %s", path)
                .doesNotContain("requests_total")
                .doesNotContain("jvm_");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/healthcheck",
                "/ping",
                "/threads",
                "/tasks/gc",
                "/tasks/log-level",
                "/admin/healthcheck",
                "/metrics/prometheus"
            })
    void admin_endpoints_are_not_reachable_through_nginx(String path) {
        Response get = edge().get(path);
        Response post = edge().post(path);

        assertThat(get.statusCode()).as("GET %s: %s", path, get.asString()).isIn(404, 405);
        assertThat(post.statusCode()).as("POST %s: %s", path, post.asString()).isIn(401, 404, 405, 415);
        assertThat(get.asString()).doesNotContain("\"deadlocks\"").doesNotContain("pong");
    }

    @Test
    void only_the_proxy_publishes_ports_and_monitoring_only_on_loopback() {
        List<String> findings = new ArrayList<>();
        for (Container container : Docker.containers(stack.project())) {
            String service = Docker.service(container);
            InspectContainerResponse inspection = Docker.inspect(container.getId());
            Map<ExposedPort, Ports.Binding[]> bindings =
                    inspection.getNetworkSettings().getPorts().getBindings();
            bindings.forEach((port, hostBindings) -> {
                if (hostBindings == null) {
                    return;
                }
                for (Ports.Binding binding : hostBindings) {
                    String hostIp =
                            binding.getHostIp() == null || binding.getHostIp().isEmpty()
                                    ? "0.0.0.0"
                                    : binding.getHostIp();
                    String published = service + " " + port + " -> " + hostIp + ":" + binding.getHostPortSpec();
                    System.out.println("EdgeExposureIT: published " + published);
                    boolean loopback = "127.0.0.1".equals(hostIp);
                    boolean allowed = "proxy".equals(service) && (port.getPort() != OPS_LISTENER || loopback)
                            || LOOPBACK_ONLY.contains(service)
                                    && loopback
                                    && (!"api".equals(service) || port.getPort() == 8000);
                    if (!allowed) {
                        findings.add(published);
                    }
                }
            });
        }
        assertThat(findings)
                .as("ports published beyond the proxy and loopback-only monitoring")
                .isEmpty();
    }

    @Test
    void database_cache_and_admin_port_are_never_published() {
        for (String service : List.of("db", "cache", "api")) {
            for (String id : stack.containerIds(service)) {
                Map<ExposedPort, Ports.Binding[]> bindings =
                        Docker.inspect(id).getNetworkSettings().getPorts().getBindings();
                bindings.forEach((port, hostBindings) -> {
                    if (!"api".equals(service) || port.getPort() == 8081) {
                        assertThat(hostBindings)
                                .as("%s %s is not published", service, port)
                                .isNullOrEmpty();
                    }
                });
            }
        }
    }

    @Test
    void backend_network_is_internal_and_data_services_only_on_it() {
        String backend = stack.project() + "_backend";
        Boolean internal = Docker.client()
                .inspectNetworkCmd()
                .withNetworkId(backend)
                .exec()
                .getInternal();
        assertThat(internal)
                .as("%s is internal: true (no route out of the host)", backend)
                .isTrue();
        for (String service : List.of("db", "cache")) {
            Map<String, ContainerNetwork> networks = Docker.inspect(stack.containerId(service))
                    .getNetworkSettings()
                    .getNetworks();
            assertThat(networks.keySet()).as("networks of %s", service).containsExactly(backend);
        }
        Map<String, ContainerNetwork> proxyNetworks =
                Docker.inspect(stack.containerId("proxy")).getNetworkSettings().getNetworks();
        assertThat(proxyNetworks.keySet())
                .as("nginx is not on the backend network")
                .doesNotContain(backend);
    }

    @Test
    void logging_network_is_internal_and_the_shipper_on_no_other() {
        String logging = stack.project() + "_logging";
        Boolean internal = Docker.client()
                .inspectNetworkCmd()
                .withNetworkId(logging)
                .exec()
                .getInternal();
        assertThat(internal).as("%s is internal: true", logging).isTrue();
        for (String service : List.of("log-shipper", "log-retention")) {
            Map<String, ContainerNetwork> networks = Docker.inspect(stack.containerId(service))
                    .getNetworkSettings()
                    .getNetworks();
            assertThat(networks.keySet()).as("networks of %s", service).containsExactly(logging);
        }
    }

    @Test
    void from_beyond_loopback_only_the_http_and_https_ports_answer() {
        String address = EdgeReachability.hostAddress();
        List<EdgeReachability.PortProbe> probes = EdgeReachability.hostScan(stack.project(), address);
        probes.forEach(probe -> System.out.println("EdgeExposureIT: host scan " + probe));
        Set<Integer> publicPorts = Set.of(stack.httpPort(), stack.httpsPort());
        assertThat(probes.stream().map(EdgeReachability.PortProbe::hostPort))
                .as("the scan covers HTTP, HTTPS and the ops ports")
                .contains(
                        stack.httpPort(),
                        stack.httpsPort(),
                        stack.hostPort("prometheus", 9090),
                        stack.hostPort("alertmanager", 9093),
                        stack.hostPort("proxy", OPS_LISTENER));
        assertThat(probes)
                .as("every published port answers on 127.0.0.1 (the scan's positive control)")
                .allMatch(EdgeReachability.PortProbe::onLoopback);
        assertThat(probes)
                .as("on the host's address %s only HTTP and HTTPS connect", address)
                .allMatch(probe -> probe.onHostAddress() == publicPorts.contains(probe.hostPort()));
    }

    @Test
    void listening_sockets_beyond_loopback_are_only_http_and_https() {
        List<String> wide = EdgeReachability.listenersBeyondLoopback(stack.project());
        assertThat(wide)
                .as(
                        "the project's listening sockets (docker-proxy, seen in ss -tln) on 0.0.0.0 or ::, not on 127.0.0.1")
                .containsExactlyInAnyOrder(
                        "proxy:8080 on port " + stack.httpPort(), "proxy:8443 on port " + stack.httpsPort());
    }

    @Test
    void from_nginx_network_namespace_only_the_api_is_reachable() {
        List<EdgeReachability.EdgeProbe> probes = EdgeReachability.fromEdge(
                stack.project(), stack.containerId("proxy"), stack.environment().get("NGINX_IMAGE"));
        probes.forEach(probe -> System.out.println("EdgeExposureIT: from nginx's namespace " + probe));
        assertThat(probes.stream().filter(EdgeReachability.EdgeProbe::isApi))
                .as("positive control: the api's port 8000, by name and by its frontend address")
                .hasSize(2)
                .allMatch(EdgeReachability.EdgeProbe::reachable);
        assertThat(probes.stream().filter(probe -> !probe.isApi()))
                .as("the api's admin port, db, cache and every other backend member, by name and by address: refused or"
                        + " unreachable")
                .hasSizeGreaterThan(4)
                .noneMatch(EdgeReachability.EdgeProbe::reachable);
    }
}
