package dev.prodstack.service.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.prodstack.service.api.ApiJson;
import dev.prodstack.service.core.User;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import dev.prodstack.service.support.LogCapture;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import io.dropwizard.util.Duration;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The cache never fails a request: a Redis that refuses or hangs turns into misses, counted errors, one log
 * line, and (within the bypass window) no further attempts. Uses local sockets only, no Redis server.
 */
class UserCacheTest {
    private final AppMetrics metrics = new AppMetrics();
    private final DependencyStatus status = new DependencyStatus("cache", metrics);
    private JedisPooled client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private UserCache cache(String url, Duration bypass) {
        final RedisFactory redis = new RedisFactory();
        redis.setUrl(url);
        client = redis.build(new LifecycleEnvironment(new MetricRegistry()));
        final CacheFactory config = new CacheFactory();
        config.setBypassAfterFailure(bypass);
        return config.build(client, ApiJson.configure(Jackson.newObjectMapper()), metrics, status);
    }

    @Test
    void aRefusingRedisIsAMissAndAnError() {
        final UserCache cache = cache("redis://127.0.0.1:1", Duration.seconds(1));
        assertThat(cache.getJson(1)).isEmpty();
        cache.put(new User(1, "abc", "a@example.com", Instant.now(), Instant.now()));
        cache.evict(1);
        assertThat(metrics.cacheMisses()).isEqualTo(1);
        assertThat(metrics.cacheErrors()).isEqualTo(3);
        assertThat(cache.isAvailable()).isFalse();
        assertThat(cache.ping()).isFalse();
        assertThat(cache.info()).isEmpty();
    }

    @Test
    void aHangingRedisCostsOneTimeoutThenIsBypassed() throws Exception {
        // Accepts connections and never answers: every read would wait for the 250 ms socket timeout.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LogCapture log = new LogCapture(DependencyStatus.class)) {
            final UserCache cache = cache("redis://127.0.0.1:" + silent.getLocalPort(), Duration.minutes(1));
            final long first = System.nanoTime();
            assertThat(cache.getJson(1)).isEmpty();
            final long firstMillis = (System.nanoTime() - first) / 1_000_000;
            assertThat(firstMillis).as("first call bounded by the timeouts").isLessThan(1500);

            final long rest = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertThat(cache.getJson(i)).isEmpty();
            }
            assertThat((System.nanoTime() - rest) / 1_000_000)
                    .as("20 calls inside the bypass window")
                    .isLessThan(200);
            assertThat(metrics.cacheErrors()).isEqualTo(21);
            assertThat(log.messages()).hasSize(1).first().asString().startsWith("dependency cache is unavailable");
        }
    }

    @Test
    void parsesInfo() {
        assertThat(UserCache.parseInfo("# Clients\r\nconnected_clients:3\r\n\r\n# Stats\r\nkeyspace_hits:10\r\n"))
                .containsEntry("connected_clients", "3")
                .containsEntry("keyspace_hits", "10")
                .hasSize(2);
    }
}
