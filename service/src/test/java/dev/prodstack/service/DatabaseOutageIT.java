package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.Http.Response;
import dev.prodstack.service.support.TcpProxy;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Without Postgres the service answers 503 JSON fast, says unhealthy, and heals when Postgres returns. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DatabaseOutageIT {
    /** The contract: a dead or stuck database costs a request at most this long. */
    private static final Duration BOUND = Duration.ofMillis(2500);

    private static final TcpProxy POSTGRES_PROXY = TcpProxy.inFrontOf(TestServices.DATABASE_URL, 5432);
    private static final DropwizardAppExtension<ProdstackConfiguration> NO_DATABASE =
            TestApps.withServices(TestServices.CLOSED_DATABASE_URL, TestServices.REDIS_URL);
    private static final DropwizardAppExtension<ProdstackConfiguration> FLAKY_DATABASE =
            TestApps.withServices(POSTGRES_PROXY.rewrite(TestServices.DATABASE_URL), TestServices.REDIS_URL);

    @BeforeAll
    static void migrate() {
        TestServices.migrate();
    }

    @AfterAll
    static void closeProxy() {
        POSTGRES_PROXY.close();
    }

    @BeforeEach
    void reset() {
        TestServices.cleanUsers();
        POSTGRES_PROXY.restore();
    }

    private static void assertUnavailable(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.elapsed()).isLessThan(BOUND);
        final JsonNode body = response.json();
        assertThat(body.get("code").asInt()).isEqualTo(503);
        assertThat(body.get("message").asText()).isEqualTo("database unavailable");
        assertThat(body.get("request_id").asText()).isEqualTo(response.header("X-Request-ID"));
    }

    @Nested
    class WithPostgresOnAClosedPort {
        private final Http http = new Http(NO_DATABASE.getLocalPort());

        @Test
        void everyDatabaseRequestIsA503WithinTheBound() {
            assertUnavailable(http.get("/users"));
            assertUnavailable(http.get("/users/1"));
            assertUnavailable(http.post("/users", "{\"username\":\"nodb\",\"email\":\"nodb@example.com\"}"));
            assertUnavailable(http.delete("/users/1", "Authorization", Http.adminAuth()));
        }

        @Test
        void healthIsUnhealthy503() {
            final Response health = http.get("/health");
            assertUnavailable(health);
            assertThat(health.json().get("status").asText()).isEqualTo("unhealthy");
            assertThat(health.json().get("database").asText()).isEqualTo("disconnected");
        }

        @Test
        void endpointsWithoutTheDatabaseStillAnswer() {
            http.get("/users");
            for (String path : List.of("/", "/metrics", "/cache/stats", "/openapi.json", "/docs")) {
                assertThat(http.get(path).status()).as(path).isEqualTo(200);
            }
            assertThat(new Http(NO_DATABASE.getAdminPort())
                            .get("/metrics/prometheus")
                            .body())
                    .contains("prodstack_dependency_up{dependency=\"database\"} 0");
        }
    }

    @Nested
    class WhenPostgresGoesAwayOrStalls {
        private final Http http = new Http(FLAKY_DATABASE.getLocalPort());

        @Test
        void requestsFailFastThenRecoverWithoutARestart() {
            assertThat(http.post("/users", "{\"username\":\"before\",\"email\":\"before@example.com\"}")
                            .status())
                    .isEqualTo(200);
            POSTGRES_PROXY.cut();
            assertUnavailable(http.get("/users"));
            assertUnavailable(http.get("/health"));

            POSTGRES_PROXY.restore();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(http.get("/users").status()).isEqualTo(200));
            assertThat(http.get("/health").json().get("status").asText()).isEqualTo("healthy");
            assertThat(http.post("/users", "{\"username\":\"after\",\"email\":\"after@example.com\"}")
                            .status())
                    .isEqualTo(200);
        }

        @Test
        void aStuckQueryIsCancelledAndAnswered503() throws Exception {
            // The bound is about a stuck query, not a cold start: in any test order, the pool holds a working
            // connection and the read path has run once before the table is locked.
            assertThat(http.get("/users").status()).isEqualTo(200);
            try (Connection lock = TestServices.connect();
                    Statement statement = lock.createStatement()) {
                lock.setAutoCommit(false);
                // Every statement on users now waits: Postgres' statement_timeout must end it.
                statement.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
                assertUnavailable(http.get("/users"));
                lock.rollback();
            }
            assertThat(http.get("/users").status()).isEqualTo(200);
        }
    }
}
