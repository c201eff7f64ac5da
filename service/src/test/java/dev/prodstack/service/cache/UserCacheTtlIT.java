package dev.prodstack.service.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.prodstack.service.api.ApiJson;
import dev.prodstack.service.core.User;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** Entries filled in the same second do not expire in the same second: their TTLs spread over the top tenth. */
class UserCacheTtlIT {
    private static final int TTL = 300;
    private static final int USERS = 200;

    @Test
    void entriesFilledTogetherGetTtlsSpreadOverTheLastTenthOfTheirLimit() {
        final RedisFactory redis = new RedisFactory();
        redis.setUrl(TestServices.REDIS_URL);
        final String prefix = "prodstack-test:" + UUID.randomUUID() + ":ttl:";
        try (JedisPooled client = redis.build(new LifecycleEnvironment(new MetricRegistry()))) {
            final CacheFactory config = new CacheFactory();
            config.setTtlSeconds(TTL);
            config.setKeyPrefix(prefix);
            final AppMetrics metrics = new AppMetrics();
            final UserCache cache = config.build(
                    client,
                    ApiJson.configure(Jackson.newObjectMapper()),
                    metrics,
                    new DependencyStatus("cache", metrics));
            final List<Long> ttls;
            final long start = System.nanoTime();
            final long elapsedSeconds;
            try {
                LongStream.rangeClosed(1, USERS)
                        .forEach(id -> cache.put(
                                new User(id, "user" + id, "user" + id + "@example.com", Instant.now(), Instant.now())));
                ttls = LongStream.rangeClosed(1, USERS)
                        .mapToObj(id -> client.ttl(prefix + id))
                        .toList();
                elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
            } finally {
                client.del(LongStream.rangeClosed(1, USERS)
                        .mapToObj(id -> prefix + id)
                        .toArray(String[]::new));
            }
            // The clock runs between a put and its TTL read (Redis rounds to the nearest second): the floor is
            // lowered by the whole time the puts and reads took, never the ceiling, the limit itself.
            final long floor = TTL - TTL / 10 - elapsedSeconds;
            assertThat(ttls).allSatisfy(ttl -> assertThat(ttl).isBetween(floor, (long) TTL));
            // 31 possible values; 200 draws give fewer than 20 distinct ones with odds far below 1e-9.
            assertThat(ttls.stream().distinct().count())
                    .as("distinct TTLs of %d entries put within %d s", USERS, elapsedSeconds)
                    .isGreaterThanOrEqualTo(20);
            assertThat(metrics.cacheErrors()).isZero();
        }
    }
}
