package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;

import dev.prodstack.acceptance.support.AcceptanceStack;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of every acceptance test: the one stack of the run (started on first use) and the ways
 * clients and operators reach it. Tests never touch the stack's internals.
 */
public abstract class AbstractAcceptanceTest {

    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000);

    protected static AcceptanceStack stack;

    static {
        // Check at once, then every poll interval: Awaitility's default first delay equals the
        // interval, which would add seconds to every wait of the suite.
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(Duration.ofMillis(500));
    }

    @BeforeAll
    static void startStack() {
        stack = AcceptanceStack.get();
    }

    /** HTTPS through nginx (dev CA trusted, paced under the rate limit). */
    protected static RequestSpecification edge() {
        return given().spec(stack.edgeSpec());
    }

    /** Through nginx with the admin token from the secret file. */
    protected static RequestSpecification admin() {
        return edge().header("Authorization", "Bearer " + stack.adminToken());
    }

    /** A name no earlier test or run used: usernames and emails are unique in the database. */
    protected static String unique(String prefix) {
        return prefix + "_" + SEQUENCE.incrementAndGet() + "_"
                + UUID.randomUUID().toString().substring(0, 6);
    }

    protected static Map<String, Object> newUserBody(String prefix) {
        String username = unique(prefix);
        return Map.of("username", username, "email", username + "@example.com");
    }

    /** Creates a user through nginx and returns its id (POST /users is public, like the seed's). */
    protected static long createUser(String prefix) {
        Response response =
                edge().contentType("application/json").body(newUserBody(prefix)).post("/users");
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "POST /users answered " + response.statusCode() + ": " + response.asString());
        }
        return response.jsonPath().getLong("id");
    }
}
