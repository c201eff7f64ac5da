package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.acceptance.support.Prometheus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prometheus as an operator reads it: every target up, and the api's metrics (names fixed in
 * AppMetrics and listed in monitoring/README.md) present after real traffic.
 */
@Order(120)
class PrometheusTargetsIT extends AbstractAcceptanceTest {

    private static final Set<String> EXPECTED_JOBS =
            Set.of("prometheus", "alertmanager", "api", "postgres", "redis", "nginx", "blackbox");

    private static Prometheus prometheus;

    @BeforeAll
    static void traffic() {
        prometheus = stack.prometheus();
        long id = createUser("prom");
        edge().get("/users/" + id);
        edge().get("/users/" + id);
        edge().get("/users/987654321");
    }

    @Test
    void every_target_is_up() {
        await("every Prometheus target up")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    List<JsonNode> targets = prometheus.activeTargets();
                    Set<String> jobs = new TreeSet<>();
                    List<String> down = new ArrayList<>();
                    for (JsonNode target : targets) {
                        String job = target.path("labels").path("job").asText();
                        jobs.add(job);
                        if (!"up".equals(target.path("health").asText())) {
                            down.add(job + " "
                                    + target.path("labels").path("instance").asText() + ": "
                                    + target.path("health").asText() + " "
                                    + target.path("lastError").asText());
                        }
                    }
                    assertThat(jobs).as("scrape jobs").containsAll(EXPECTED_JOBS);
                    assertThat(down).as("targets not up").isEmpty();
                });
        prometheus
                .activeTargets()
                .forEach(target -> System.out.printf(
                        "PrometheusTargetsIT: %-13s %-40s %s%n",
                        target.path("labels").path("job").asText(),
                        target.path("labels").path("instance").asText(),
                        target.path("health").asText()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http_server_requests_seconds_bucket{route=\"/users/{id}\",method=\"GET\",status=\"200\"}",
                "http_server_requests_seconds_bucket{route=\"/users/{id}\",le=\"0.005\"}",
                "http_server_requests_seconds_count{route=\"/users\",method=\"POST\"}",
                "prodstack_cache_hits_total",
                "prodstack_cache_misses_total",
                "prodstack_users_created_total",
                "prodstack_cache_errors_total",
                "prodstack_db_pool_active_connections",
                "prodstack_db_pool_idle_connections",
                "prodstack_db_pool_max_connections",
                "prodstack_dependency_up{dependency=\"database\"} == 1",
                "prodstack_dependency_up{dependency=\"cache\"} == 1",
                "prodstack_container_memory_limit_bytes > 0",
                "prodstack_container_cpu_limit_cores > 0",
                "jvm_memory_used_bytes{area=\"heap\"}",
                "jvm_threads_current",
                "process_cpu_seconds_total",
                "process_resident_memory_bytes",
                "pg_up == 1",
                "redis_up == 1",
                "nginx_up == 1",
                "probe_success{job=\"blackbox\"} == 1"
            })
    void metric_is_present(String selector) {
        await(selector)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(prometheus.query(selector))
                        .as("series for %s", selector)
                        .isNotEmpty());
    }

    /**
     * The image sets the heap to 15 % of the container's limit. With MaxRAMPercentage alone the JVM keeps its
     * default 126 MiB maximum under a 512 MB limit (about 25 %), and the RSS grows with it.
     */
    @Test
    void the_api_heap_is_the_share_of_its_memory_limit_the_image_sets() {
        String share = "sum by (instance) (jvm_memory_max_bytes{job=\"api\",area=\"heap\"})"
                + " / sum by (instance) (prodstack_container_memory_limit_bytes{job=\"api\"})";
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    JsonNode replicas = prometheus.query(share);
                    assertThat(replicas.size()).as(share).isPositive();
                    for (JsonNode replica : replicas) {
                        assertThat(replica.path("value").path(1).asDouble())
                                .as("heap maximum / memory limit of %s", replica.path("metric"))
                                .isBetween(0.12, 0.16);
                    }
                });
    }

    @Test
    void latency_histogram_has_the_agreed_buckets() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    Set<String> buckets = new TreeSet<>();
                    prometheus
                            .query(
                                    "http_server_requests_seconds_bucket{route=\"/users/{id}\",method=\"GET\",status=\"200\"}")
                            .forEach(series ->
                                    buckets.add(series.path("metric").path("le").asText()));
                    assertThat(buckets)
                            .as("le labels")
                            .contains(
                                    "0.005", "0.01", "0.025", "0.05", "0.1", "0.2", "0.3", "0.5", "0.75", "1.0", "2.5",
                                    "5.0", "10.0", "+Inf");
                });
    }
}
