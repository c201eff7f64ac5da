package dev.prodstack.acceptance.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.AbstractAcceptanceTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Oversized request headers at the edge's stated limits (security/README.md: large_client_header_buffers 4 8k): a
 * header line over 8 KB, or headers over 4 x 8 KB in all, get nginx's JSON 400 and never reach the api; a 7 KB line
 * does (the control); and whatever nginx passes (an 8.1 KB line, 30 KB in all) the api accepts too.
 */
@Order(152)
class OversizedHeadersIT extends AbstractAcceptanceTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void a_header_line_over_8k_is_refused_by_nginx_and_a_7k_one_reaches_the_api() {
        Instant since = Instant.now().minusSeconds(2);
        String prefix = "oversized-" + RUN + "-";
        Response refused = edge().header("X-Request-ID", prefix + "line")
                .header("X-Oversized", "a".repeat(9_000))
                .get("/health");
        Response served = edge().header("X-Request-ID", prefix + "control")
                .header("X-Oversized", "a".repeat(7_000))
                .get("/health");

        assertJsonError(refused, 400, prefix + "line");
        assertThat(served.statusCode())
                .as("7 KB header line: %s", served.asString())
                .isEqualTo(200);
        ApiSightings.awaitControl(stack, since, prefix + "control");
        assertThat(ApiSightings.ids(stack, since, prefix)).as("ids the api saw").containsExactly(prefix + "control");
    }

    @Test
    void headers_over_four_buffers_in_all_are_refused_by_nginx() {
        Instant since = Instant.now().minusSeconds(2);
        String prefix = "oversized-" + RUN + "-total-";
        RequestSpecification request = edge().header("X-Request-ID", prefix + "all");
        for (int i = 0; i < 40; i++) {
            request = request.header("X-Many-" + i, "m".repeat(1_000)); // 40 KB in all, each line under 8 KB
        }
        Response refused = request.get("/health");

        assertJsonError(refused, 400, prefix + "all");
        Response control = edge().header("X-Request-ID", prefix + "control").get("/health");
        assertThat(control.statusCode()).isEqualTo(200);
        ApiSightings.awaitControl(stack, since, prefix + "control");
        assertThat(ApiSightings.ids(stack, since, prefix)).as("ids the api saw").containsExactly(prefix + "control");
    }

    @Test
    void whatever_nginx_passes_the_api_accepts() {
        Instant since = Instant.now().minusSeconds(2);
        String prefix = "oversized-" + RUN + "-passed-";
        Response longLine = edge().header("X-Request-ID", prefix + "line")
                .header("X-Oversized", "a".repeat(8_100))
                .get("/health");
        RequestSpecification many = edge().header("X-Request-ID", prefix + "many");
        for (int i = 0; i < 30; i++) {
            many = many.header("X-Many-" + i, "m".repeat(1_000)); // 30 KB in all: under nginx's 4 x 8 KB
        }
        Response manyHeaders = many.get("/health");

        // The api's own limit (40 KiB) is above nginx's: its 431 could only carry a request id of its own, not the
        // X-Request-ID nginx answers with.
        assertThat(longLine.statusCode())
                .as("an 8.1 KB header line: %s", longLine.asString())
                .isEqualTo(200);
        assertThat(manyHeaders.statusCode())
                .as("30 KB of headers: %s", manyHeaders.asString())
                .isEqualTo(200);
        ApiSightings.awaitControl(stack, since, prefix + "many");
        assertThat(ApiSightings.ids(stack, since, prefix)).containsExactlyInAnyOrder(prefix + "line", prefix + "many");
    }

    private static void assertJsonError(Response response, int status, String requestId) {
        assertThat(response.statusCode()).as("status: %s", response.asString()).isEqualTo(status);
        assertThat(response.contentType()).as("content type").startsWith("application/json");
        assertThat(response.jsonPath().getInt("code")).isEqualTo(status);
        assertThat(response.jsonPath().getString("request_id"))
                .as("request id in the body")
                .isEqualTo(requestId);
        assertThat(response.asString()).doesNotContain("<html", "Exception");
    }
}
