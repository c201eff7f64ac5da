package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.resources.UserResource;
import dev.prodstack.service.support.Http;
import dev.prodstack.service.support.Http.Response;
import dev.prodstack.service.support.TestApps;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every endpoint of the API, success and error paths, against the real Postgres and Redis. */
@ExtendWith(DropwizardExtensionsSupport.class)
class UsersApiIT {
    private static final DropwizardAppExtension<ProdstackConfiguration> APP = TestApps.app();

    private Http http;

    @BeforeAll
    static void migrate() {
        TestServices.migrate();
    }

    @BeforeEach
    void cleanTable() {
        TestServices.cleanUsers();
        http = new Http(APP.getLocalPort());
    }

    private Response create(String username) {
        final Response response =
                http.post("/users", "{\"username\":\"" + username + "\",\"email\":\"" + username + "@example.com\"}");
        assertThat(response.status())
                .as("create %s: %s", username, response.body())
                .isEqualTo(200);
        return response;
    }

    private static void assertError(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        final JsonNode body = response.json();
        assertThat(body.get("code").asInt()).isEqualTo(status);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.get("request_id").asText()).isEqualTo(response.header("X-Request-ID"));
    }

    @Nested
    class Create {
        @Test
        void returns200WithTheUserAndALocation() {
            final Response response = create("ada_lovelace");
            final JsonNode user = response.json();
            assertThat(user.get("id").asLong()).isPositive();
            assertThat(user.get("username").asText()).isEqualTo("ada_lovelace");
            assertThat(user.get("email").asText()).isEqualTo("ada_lovelace@example.com");
            assertThat(user.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(user.get("updated_at").asText())
                    .isEqualTo(user.get("created_at").asText());
            assertThat(response.header("Location"))
                    .endsWith("/users/" + user.get("id").asLong());
            assertThat(http.get(java.net.URI.create(response.header("Location")).getPath())
                            .status())
                    .isEqualTo(200);
        }

        @Test
        void duplicateUsernameIs409() {
            create("grace");
            final Response response = http.post("/users", "{\"username\":\"grace\",\"email\":\"other@example.com\"}");
            assertError(response, 409);
            assertThat(response.json().get("message").asText()).contains("username");
        }

        @Test
        void duplicateEmailInAnyCaseIs409() {
            create("grace");
            final Response response = http.post("/users", "{\"username\":\"grace2\",\"email\":\"GRACE@example.com\"}");
            assertError(response, 409);
            assertThat(response.json().get("message").asText()).contains("email");
        }

        @Test
        void invalidFieldsAre422WithFieldErrors() {
            final Response response = http.post("/users", "{\"username\":\"x\",\"email\":\"not-an-email\"}");
            assertError(response, 422);
            assertThat(response.json().get("errors").findValuesAsText("field")).containsExactly("email", "username");
        }

        @Test
        void malformedJsonIs400() {
            assertError(http.post("/users", "{\"username\":"), 400);
        }

        @Test
        void wrongContentTypeIs415() {
            assertError(http.post("/users", "username=x", "Content-Type", "application/x-www-form-urlencoded"), 415);
        }

        @Test
        void bodyOver64KiBIs413() {
            final String big = "{\"username\":\"" + "a".repeat(70_000) + "\",\"email\":\"a@example.com\"}";
            assertError(http.post("/users", big), 413);
        }
    }

    @Nested
    class Read {
        @Test
        void secondReadIsACacheHit() {
            final long id = create("hopper").id();
            final Response first = http.get("/users/" + id);
            final Response second = http.get("/users/" + id);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("X-Cache")).isEqualTo("MISS");
            assertThat(second.header("X-Cache")).isEqualTo("HIT");
            assertThat(second.json()).isEqualTo(first.json());
        }

        /**
         * A hit of the plain form is answered by CachedUserReadFilter before Jersey; any other Accept header still
         * goes through UserResource. Both must be the same answer, byte for byte but for Date and X-Request-ID.
         */
        @Test
        void aHitAnsweredBeforeJerseyIsTheAnswerJerseyGives() {
            final long id = create("hamilton").id();
            assertThat(http.get("/users/" + id).header("X-Cache")).isEqualTo("MISS");
            final com.codahale.metrics.Timer resource =
                    APP.getEnvironment().metrics().timer(UserResource.class.getName() + ".get");
            final long before = resource.getCount();
            final Http.RawResponse fast = rawGet(id, "");
            final long afterFast = resource.getCount();
            final Http.RawResponse jersey = rawGet(id, "Accept: application/json;q=1\r\n");
            assertThat(afterFast).as("the plain hit skipped Jersey").isEqualTo(before);
            assertThat(resource.getCount())
                    .as("the other form went through Jersey")
                    .isEqualTo(before + 1);
            assertThat(fast.status()).isEqualTo(200);
            assertThat(fast.header("X-Cache")).isEqualTo("HIT");
            assertThat(jersey.header("X-Cache")).isEqualTo("HIT");
            assertThat(fast.body()).isEqualTo(jersey.body());
            assertThat(perRequestHeadersBlanked(fast.head())).isEqualTo(perRequestHeadersBlanked(jersey.head()));
        }

        private Http.RawResponse rawGet(long id, String extraHeaders) {
            return Http.raw(
                    APP.getLocalPort(),
                    "GET /users/" + id + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders
                            + "Connection: close\r\n\r\n");
        }

        private static String perRequestHeadersBlanked(String head) {
            return head.replaceAll("(?m)^(Date|X-Request-ID): .*$", "$1: -");
        }

        @Test
        void unknownIdIs404() {
            assertError(http.get("/users/" + TestServices.neverUsedId()), 404);
        }

        @Test
        void idsThatAreNotPositiveLongsAre404() {
            for (String id : List.of("abc", "-1", "0", "99999999999999999999", "1.5", "1e3")) {
                assertError(http.get("/users/" + id), 404);
            }
        }

        @Test
        void listIsOrderedByIdWithANextLinkOnFullPages() {
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(create("user" + i).id());
            }
            final Response page1 = http.get("/users?limit=2");
            assertThat(page1.json().findValues("id").stream().map(JsonNode::asLong))
                    .containsExactly(ids.get(0), ids.get(1));
            assertThat(page1.header("Link")).isEqualTo("</users?after=" + ids.get(1) + "&limit=2>; rel=\"next\"");

            final Response page3 = http.get("/users?limit=2&after=" + ids.get(3));
            assertThat(page3.json().findValues("id").stream().map(JsonNode::asLong))
                    .containsExactly(ids.get(4));
            assertThat(page3.header("Link")).isNull();

            final Response all = http.get("/users");
            assertThat(all.json().findValues("id").stream().map(JsonNode::asLong))
                    .containsExactlyElementsOf(ids);
        }

        @Test
        void limitOutOfRangeIs422() {
            for (String query : List.of("limit=0", "limit=501", "limit=abc", "after=-1", "after=x")) {
                assertError(http.get("/users?" + query), 422);
            }
            assertThat(http.get("/users?limit=500").status()).isEqualTo(200);
        }
    }

    @Nested
    class Write {
        @Test
        void writesNeedTheAdminToken() {
            final long id = create("turing").id();
            final String body = "{\"username\":\"alan\",\"email\":\"alan@example.com\"}";
            for (String[] auth : List.of(
                    new String[0],
                    new String[] {"Authorization", "Bearer wrong"},
                    new String[] {"Authorization", "Basic " + TestServices.ADMIN_TOKEN},
                    new String[] {"Authorization", "Bearer " + TestServices.ADMIN_TOKEN + "x"})) {
                final Response put = http.put("/users/" + id, body, auth);
                assertError(put, 401);
                assertThat(put.header("WWW-Authenticate")).startsWith("Bearer");
                assertError(http.patch("/users/" + id, body, auth), 401);
                assertError(http.delete("/users/" + id, auth), 401);
            }
            // The token in the query string (as OAuth filters allow) is refused: it would end up in logs.
            assertError(http.delete("/users/" + id + "?access_token=" + TestServices.ADMIN_TOKEN), 401);
            assertThat(http.get("/users/" + id).json().get("username").asText()).isEqualTo("turing");
        }

        @Test
        void putReplacesBothFieldsAndInvalidatesTheCache() throws InterruptedException {
            final JsonNode created = create("turing").json();
            final long id = created.get("id").asLong();
            http.get("/users/" + id);
            assertThat(http.get("/users/" + id).header("X-Cache")).isEqualTo("HIT");
            Thread.sleep(5);

            final Response put = http.put(
                    "/users/" + id,
                    "{\"username\":\"alan\",\"email\":\"alan@example.com\"}",
                    "Authorization",
                    Http.adminAuth());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            assertThat(put.json().get("username").asText()).isEqualTo("alan");
            assertThat(put.json().get("updated_at").asText())
                    .isGreaterThan(created.get("updated_at").asText());

            final Response read = http.get("/users/" + id);
            assertThat(read.header("X-Cache")).isEqualTo("MISS");
            assertThat(read.json().get("email").asText()).isEqualTo("alan@example.com");
            assertThat(http.get("/users/" + id).header("X-Cache")).isEqualTo("HIT");
        }

        @Test
        void putNeedsBothFields() {
            final long id = create("turing").id();
            assertError(http.put("/users/" + id, "{\"username\":\"alan\"}", "Authorization", Http.adminAuth()), 422);
        }

        @Test
        void patchChangesOnlyTheGivenFieldsAndInvalidatesTheCache() {
            final long id = create("lovelace").id();
            http.get("/users/" + id);
            final Response patch =
                    http.patch("/users/" + id, "{\"email\":\"ada@example.org\"}", "Authorization", Http.adminAuth());
            assertThat(patch.status()).as(patch.body()).isEqualTo(200);
            assertThat(patch.json().get("username").asText()).isEqualTo("lovelace");
            assertThat(patch.json().get("email").asText()).isEqualTo("ada@example.org");
            final Response read = http.get("/users/" + id);
            assertThat(read.header("X-Cache")).isEqualTo("MISS");
            assertThat(read.json().get("email").asText()).isEqualTo("ada@example.org");

            final Response mergePatch = http.patch(
                    "/users/" + id,
                    "{\"username\":\"ada\"}",
                    "Authorization",
                    Http.adminAuth(),
                    "Content-Type",
                    "application/merge-patch+json");
            assertThat(mergePatch.json().get("username").asText()).isEqualTo("ada");
        }

        @Test
        void patchRefusesNullsAndEmptyBodies() {
            final long id = create("lovelace").id();
            assertError(http.patch("/users/" + id, "{\"email\":null}", "Authorization", Http.adminAuth()), 422);
            assertError(http.patch("/users/" + id, "{}", "Authorization", Http.adminAuth()), 422);
        }

        @Test
        void updatesToATakenNameAre409() {
            create("first");
            final long id = create("second").id();
            assertError(http.patch("/users/" + id, "{\"username\":\"first\"}", "Authorization", Http.adminAuth()), 409);
            assertError(
                    http.put(
                            "/users/" + id,
                            "{\"username\":\"second\",\"email\":\"FIRST@example.com\"}",
                            "Authorization",
                            Http.adminAuth()),
                    409);
        }

        @Test
        void deleteIs204ThenTheUserIsGoneFromDatabaseAndCache() {
            final long id = create("knuth").id();
            http.get("/users/" + id);
            assertThat(http.get("/users/" + id).header("X-Cache")).isEqualTo("HIT");
            final Response delete = http.delete("/users/" + id, "Authorization", Http.adminAuth());
            assertThat(delete.status()).isEqualTo(204);
            assertThat(delete.header("X-Request-ID")).isNotBlank();
            assertError(http.get("/users/" + id), 404);
            assertError(http.delete("/users/" + id, "Authorization", Http.adminAuth()), 404);
        }

        @Test
        void writesToUnknownIdsAre404() {
            final long unknown = TestServices.neverUsedId();
            assertError(
                    http.put(
                            "/users/" + unknown,
                            "{\"username\":\"nobody\",\"email\":\"n@example.com\"}",
                            "Authorization",
                            Http.adminAuth()),
                    404);
            assertError(
                    http.patch("/users/" + unknown, "{\"username\":\"nobody\"}", "Authorization", Http.adminAuth()),
                    404);
            assertError(http.delete("/users/abc", "Authorization", Http.adminAuth()), 404);
        }
    }

    @Nested
    class Service {
        @Test
        void rootNamesTheServiceAndLinks() {
            final JsonNode root = http.get("/").json();
            assertThat(root.get("service").asText()).isEqualTo("prodstack-service");
            assertThat(root.get("version").asText()).isNotBlank();
            assertThat(root.get("links").get("docs").asText()).isEqualTo("/docs");
        }

        @Test
        void healthIsHealthyWithBothDependencies() {
            final Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("healthy");
            assertThat(health.json().get("database").asText()).isEqualTo("connected");
            assertThat(health.json().get("cache").asText()).isEqualTo("connected");
            assertThat(health.json().get("version").asText()).isNotBlank();
        }

        @Test
        void metricsHasTheSeedFields() {
            http.get("/nope");
            final JsonNode metrics = http.get("/metrics").json();
            assertThat(metrics.fieldNames())
                    .toIterable()
                    .contains(
                            "timestamp",
                            "requests_total",
                            "errors_total",
                            "error_rate",
                            "cpu_percent",
                            "memory_mb",
                            "disk_usage",
                            "process_id",
                            "hostname",
                            "cache_hit_rate",
                            "db_pool");
            assertThat(metrics.get("requests_total").asLong()).isPositive();
            assertThat(metrics.get("errors_total").asLong()).isPositive();
            assertThat(metrics.get("process_id").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
        }

        @Test
        void cacheStatsShowsRedisAndOurHitRate() {
            final long id = create("stats").id();
            http.get("/users/" + id);
            http.get("/users/" + id);
            final JsonNode stats = http.get("/cache/stats").json();
            assertThat(stats.get("status").asText()).isEqualTo("connected");
            assertThat(stats.get("connected_clients").asLong()).isPositive();
            assertThat(stats.fieldNames())
                    .toIterable()
                    .contains("keyspace_hits", "keyspace_misses", "hit_rate", "used_memory");
            assertThat(stats.get("application").get("hits").asLong()).isPositive();
        }

        @Test
        void prometheusTextOnTheAdminPort() {
            create("prom");
            http.get("/users/" + TestServices.neverUsedId());
            final Response scrape = new Http(APP.getAdminPort()).get("/metrics/prometheus");
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains(
                            "http_server_requests_seconds_bucket{method=\"POST\",route=\"/users\",status=\"200\",le=\"0.005\"}")
                    .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/users/{id}\",status=\"404\"}")
                    .contains("prodstack_users_created_total ")
                    .contains("prodstack_cache_misses_total ")
                    .contains("prodstack_cache_errors_total{operation=\"get\"}")
                    .contains("prodstack_db_pool_max_connections 16")
                    .contains("prodstack_dependency_up{dependency=\"database\"} 1")
                    .contains("prodstack_dependency_up{dependency=\"cache\"} 1")
                    .contains("prodstack_container_memory_limit_bytes ")
                    .contains("prodstack_container_cpu_limit_cores ")
                    .contains("jvm_memory_used_bytes{area=\"heap\"}")
                    .contains("process_cpu_seconds_total")
                    .contains("io_dropwizard_jetty_MutableServletContextHandler_get_requests");
            assertThat(new Http(APP.getAdminPort()).get("/healthcheck").body()).contains("\"database\"", "\"cache\"");
        }

        @Test
        void unmatchedRoutesAreLabelledAsSuch() {
            http.get("/no/such/" + UUID.randomUUID());
            assertThat(new Http(APP.getAdminPort()).get("/metrics/prometheus").body())
                    .contains("http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}")
                    .doesNotContain("/no/such/");
        }
    }

    @Nested
    class RequestIds {
        @Test
        void aValidIncomingIdIsEchoed() {
            final Response response = http.get("/health", "X-Request-ID", "edge-1234.abc:def_9");
            assertThat(response.header("X-Request-ID")).isEqualTo("edge-1234.abc:def_9");
            assertThat(response.json().get("request_id").asText()).isEqualTo("edge-1234.abc:def_9");
        }

        @Test
        void anInvalidIncomingIdIsReplaced() {
            for (String bad : List.of("has space", "x".repeat(129), "<script>", "a;b")) {
                final Response response = http.get("/", "X-Request-ID", bad);
                assertThat(response.header("X-Request-ID")).isNotEqualTo(bad).matches("[0-9a-f-]{36}");
            }
        }

        @Test
        void errorsFromJettyItselfAreJsonWithARequestId() {
            final int port = APP.getLocalPort();
            final List<Http.RawResponse> responses = List.of(
                    Http.raw(
                            port,
                            "GET /users/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                    Http.raw(port, "GET /" + "a".repeat(50_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                    Http.raw(
                            port,
                            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(50_000)
                                    + "\r\nConnection: close\r\n\r\n"),
                    Http.raw(port, "TRACE /users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                    Http.raw(port, "GET /docs/swagger-ui/missing.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            assertThat(responses).extracting(Http.RawResponse::status).containsExactly(400, 414, 431, 405, 404);
            for (Http.RawResponse response : responses) {
                assertThat(response.header("Content-Type")).as(response.head()).startsWith("application/json");
                final JsonNode body = Http.json(response.body());
                assertThat(body.get("code").asInt()).isEqualTo(response.status());
                assertThat(body.get("request_id").asText())
                        .isEqualTo(response.header("X-Request-ID"))
                        .isNotBlank();
            }
        }
    }

    @Nested
    class Docs {
        @Test
        void openApiListsEveryResourceMethod() {
            final JsonNode paths = http.get("/openapi.json").json().get("paths");
            final List<String> documented = new ArrayList<>();
            paths.properties()
                    .forEach(path -> path.getValue().fieldNames().forEachRemaining(key -> {
                        if (!key.equals("parameters")) {
                            documented.add(key.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                        }
                    }));
            assertThat(documented).hasSize(12);
            assertThat(documented).containsExactlyInAnyOrderElementsOf(ResourceMethods.of(APP.getEnvironment()));
        }

        @Test
        void docsPageAndItsScriptsAreServedByTheService() {
            final Response page = http.get("/docs");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.body())
                    .contains("/docs/swagger-ui/swagger-ui-bundle.js")
                    .doesNotContain("https://");
            assertThat(http.get("/docs/swagger-ui/swagger-ui-bundle.js").status())
                    .isEqualTo(200);
            assertThat(http.get("/docs/assets/docs.js").body()).contains("/openapi.json");
        }
    }
}
