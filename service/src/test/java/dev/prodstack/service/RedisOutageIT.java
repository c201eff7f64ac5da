package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prodstack.service.metrics.DependencyStatus;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.Http.Response;
import dev.prodstack.service.support.LogCapture;
import dev.prodstack.service.support.TcpProxy;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** A missing or failing Redis only costs the cache: every request still succeeds, from Postgres. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RedisOutageIT {
    private static final TcpProxy REDIS_PROXY = TcpProxy.inFrontOf(TestServices.REDIS_URL, 6379);
    private static final DropwizardAppExtension<ProdstackConfiguration> NO_REDIS =
            TestApps.withServices(TestServices.DATABASE_URL, TestServices.CLOSED_REDIS_URL);
    private static final DropwizardAppExtension<ProdstackConfiguration> FLAKY_REDIS =
            TestApps.withServices(TestServices.DATABASE_URL, REDIS_PROXY.rewrite(TestServices.REDIS_URL));

    @BeforeAll
    static void migrate() {
        TestServices.migrate();
        // Let the app without Redis notice now, so its one outage line is not logged during a later capture.
        new Http(NO_REDIS.getLocalPort()).get("/health");
    }

    @AfterAll
    static void closeProxy() {
        REDIS_PROXY.close();
    }

    @BeforeEach
    void cleanTable() {
        TestServices.cleanUsers();
        REDIS_PROXY.restore();
    }

    @Nested
    class WithRedisOnAClosedPort {
        private final Http http = new Http(NO_REDIS.getLocalPort());

        @Test
        void readsAndWritesStillSucceed() {
            final Response created = http.post("/users", "{\"username\":\"no_cache\",\"email\":\"nc@example.com\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            final long id = created.id();
            for (int i = 0; i < 3; i++) {
                final Response read = http.get("/users/" + id);
                assertThat(read.status()).isEqualTo(200);
                assertThat(read.header("X-Cache")).isEqualTo("MISS");
            }
            assertThat(http.get("/users").json()).hasSize(1);
            assertThat(http.put(
                                    "/users/" + id,
                                    "{\"username\":\"no_cache2\",\"email\":\"nc2@example.com\"}",
                                    "Authorization",
                                    Http.adminAuth())
                            .status())
                    .isEqualTo(200);
            assertThat(http.patch("/users/" + id, "{\"email\":\"nc3@example.com\"}", "Authorization", Http.adminAuth())
                            .status())
                    .isEqualTo(200);
            assertThat(http.get("/users/" + id).json().get("email").asText()).isEqualTo("nc3@example.com");
            assertThat(http.delete("/users/" + id, "Authorization", Http.adminAuth())
                            .status())
                    .isEqualTo(204);
        }

        @Test
        void requestsDoNotWaitForRedis() {
            final long id = http.post("/users", "{\"username\":\"fast\",\"email\":\"fast@example.com\"}")
                    .id();
            http.get("/users/" + id);
            for (int i = 0; i < 5; i++) {
                assertThat(http.get("/users/" + id).elapsed()).isLessThan(Duration.ofMillis(500));
            }
        }

        @Test
        void healthIsDegradedButUp() {
            final Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("degraded");
            assertThat(health.json().get("database").asText()).isEqualTo("connected");
            assertThat(health.json().get("cache").asText()).isEqualTo("disconnected");
        }

        @Test
        void cacheStatsSaysDisconnected() {
            final Response stats = http.get("/cache/stats");
            assertThat(stats.status()).isEqualTo(200);
            assertThat(stats.json().get("status").asText()).isEqualTo("disconnected");
            assertThat(stats.json().has("connected_clients")).isFalse();
        }

        @Test
        void errorsAreCountedAndTheDependencyIsDown() {
            http.get("/users/12345");
            final String scrape =
                    new Http(NO_REDIS.getAdminPort()).get("/metrics/prometheus").body();
            assertThat(scrape)
                    .contains("prodstack_dependency_up{dependency=\"cache\"} 0")
                    .doesNotContain("prodstack_cache_errors_total{operation=\"get\"} 0.0");
        }
    }

    @Nested
    class WhenRedisGoesAwayAndComesBack {
        private final Http http = new Http(FLAKY_REDIS.getLocalPort());

        @Test
        void cachingStopsThenResumesWithoutARestartAndTheOutageIsLoggedOnce() {
            final long id = http.post("/users", "{\"username\":\"flaky\",\"email\":\"flaky@example.com\"}")
                    .id();
            http.get("/users/" + id);
            assertThat(http.get("/users/" + id).header("X-Cache")).isEqualTo("HIT");

            try (LogCapture log = new LogCapture(DependencyStatus.class)) {
                REDIS_PROXY.cut();
                for (int i = 0; i < 10; i++) {
                    final Response read = http.get("/users/" + id);
                    assertThat(read.status()).isEqualTo(200);
                    assertThat(read.header("X-Cache")).isEqualTo("MISS");
                }
                assertThat(http.get("/health").json().get("status").asText()).isEqualTo("degraded");

                REDIS_PROXY.restore();
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> {
                            http.get("/users/" + id);
                            assertThat(http.get("/users/" + id).header("X-Cache"))
                                    .isEqualTo("HIT");
                        });
                assertThat(http.get("/health").json().get("status").asText()).isEqualTo("healthy");

                assertThat(log.messages())
                        .as("one line when Redis went away, one when it came back")
                        .hasSize(2);
                assertThat(log.messages().get(0)).startsWith("dependency cache is unavailable: ");
                assertThat(log.messages().get(1)).isEqualTo("dependency cache is available again");
            }
        }

        @Test
        void aWriteDuringTheOutageIsNeverHiddenByTheCopyCachedBeforeIt() {
            final long id = http.post("/users", "{\"username\":\"stale\",\"email\":\"old@example.com\"}")
                    .id();
            http.get("/users/" + id);
            assertThat(http.get("/users/" + id).header("X-Cache")).isEqualTo("HIT");

            // Redis keeps its copy of the old row while the api cannot reach it to invalidate that copy.
            REDIS_PROXY.cut();
            assertThat(http.patch("/users/" + id, "{\"email\":\"new@example.com\"}", "Authorization", Http.adminAuth())
                            .status())
                    .isEqualTo(200);
            REDIS_PROXY.restore();

            // Every read from here on, the first included and once caching is back: the new value.
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        final Response read = http.get("/users/" + id);
                        assertThat(read.json().get("email").asText()).isEqualTo("new@example.com");
                        assertThat(read.header("X-Cache")).isEqualTo("HIT");
                    });
            try (Jedis direct = new Jedis(URI.create(TestServices.REDIS_URL))) {
                assertThat(direct.get(TestServices.KEY_PREFIX + id))
                        .as("Redis' copy")
                        .contains("new@example.com");
            }
        }
    }
}
