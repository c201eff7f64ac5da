package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.acceptance.support.ServiceDefaults;
import dev.prodstack.testsupport.Command;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Cache-aside through Redis as clients and operators see it: X-Cache MISS then HIT, the entry
 * in Redis with a TTL of at most CACHE_TTL_SECONDS, and invalidation on update and delete.
 */
@Order(30)
class CachingIT extends AbstractAcceptanceTest {

    /** UserCache's key: CacheFactory.keyPrefix ("prodstack:user:") + id. */
    static String cacheKey(long id) {
        return "prodstack:user:" + id;
    }

    /** redis-cli in the cache container as the api's ACL user, its password passed by environment. */
    static String redisCli(String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                "docker",
                "exec",
                "-e",
                "REDISCLI_AUTH",
                stack.containerId("cache"),
                "redis-cli",
                "--user",
                "prodstack"));
        command.addAll(List.of(arguments));
        Command.Result result = Command.of(command)
                .env("REDISCLI_AUTH", stack.secret("cache_password"))
                .timeout(Duration.ofSeconds(60))
                .run();
        assertThat(result.exitCode())
                .as("redis-cli %s: %s", String.join(" ", arguments), result.stderr())
                .isZero();
        return result.stdout().strip();
    }

    @Test
    void second_read_is_a_hit_and_the_entry_lives_at_most_the_ttl() {
        long id = createUser("cache");
        redisCli("DEL", cacheKey(id));

        Response first = edge().get("/users/" + id);
        Response second = edge().get("/users/" + id);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.getHeader("X-Cache"))
                .as("first read after the entry was dropped")
                .isEqualTo("MISS");
        assertThat(second.getHeader("X-Cache")).as("second read").isEqualTo("HIT");
        assertThat(second.asString()).as("a hit returns the same body").isEqualTo(first.asString());

        long ttl = Long.parseLong(redisCli("TTL", cacheKey(id)));
        int maxTtl = Integer.parseInt(
                stack.environment().getOrDefault("CACHE_TTL_SECONDS", ServiceDefaults.of("CACHE_TTL_SECONDS")));
        assertThat(ttl)
                .as("TTL of %s (-2 = no key, -1 = no expiry)", cacheKey(id))
                .isGreaterThan(0)
                .isLessThanOrEqualTo(maxTtl);
        assertThat(redisCli("GET", cacheKey(id)))
                .as("the cached value is the user's JSON")
                .contains("\"id\":" + id);
    }

    @Test
    void update_invalidates_the_entry() {
        long id = createUser("cacheput");
        edge().get("/users/" + id);
        assertThat(edge().get("/users/" + id).getHeader("X-Cache")).isEqualTo("HIT");
        String email = unique("changed") + "@example.com";

        Response patched = admin().contentType("application/json")
                .body(Map.of("email", email))
                .patch("/users/" + id);
        assertThat(patched.statusCode()).as("PATCH: %s", patched.asString()).isEqualTo(200);

        Response after = edge().get("/users/" + id);
        assertThat(after.jsonPath().getString("email"))
                .as("no stale cached email after the update")
                .isEqualTo(email);
        assertThat(after.getHeader("X-Cache"))
                .as("the first read after an update")
                .isEqualTo("MISS");
        assertThat(edge().get("/users/" + id).getHeader("X-Cache"))
                .as("then cached again")
                .isEqualTo("HIT");
    }

    @Test
    void delete_invalidates_the_entry() {
        long id = createUser("cachedel");
        edge().get("/users/" + id);
        edge().get("/users/" + id);
        assertThat(redisCli("EXISTS", cacheKey(id)))
                .as("cached before the delete")
                .isEqualTo("1");

        assertThat(admin().delete("/users/" + id).statusCode()).isIn(200, 204);

        assertThat(redisCli("EXISTS", cacheKey(id)))
                .as("the entry is gone with the user")
                .isEqualTo("0");
        assertThat(edge().get("/users/" + id).statusCode())
                .as("no cached ghost")
                .isEqualTo(404);
    }

    @Test
    void cache_stats_report_redis() {
        Response stats = edge().get("/cache/stats");

        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.asString()).contains("connected_clients");
    }
}
