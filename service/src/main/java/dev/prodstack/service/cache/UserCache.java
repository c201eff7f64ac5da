package dev.prodstack.service.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.service.core.User;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Cache-aside for users in Redis (JSON values with a TTL of at most {@code ttlSeconds}). Redis trouble never
 * fails a request: every operation degrades to "not cached", is counted in {@code prodstack_cache_errors_total},
 * and after a failure Redis is bypassed for {@code bypassAfterFailure} so a dead Redis does not add its timeout
 * to every request. The next call after that window probes it again, so caching resumes without a restart.
 * Invalidations are the exception: a write's DEL is always attempted, and one that fails is retried before any
 * other cache call, since a lost one would serve the old copy (on every replica) until its TTL. A pool with no
 * free connection (a burst, not an outage) skips the cache for that call only.
 */
public final class UserCache {
    private static final Logger LOG = LoggerFactory.getLogger(UserCache.class);

    private final UnifiedJedis redis;
    private final ObjectMapper mapper;
    private final AppMetrics metrics;
    private final DependencyStatus status;
    private final String keyPrefix;
    private final long ttlSeconds;
    private final long bypassNanos;
    private volatile long bypassUntil = System.nanoTime();
    /** Ids whose invalidation has not reached Redis yet; bounded, beyond that the TTL bounds staleness. */
    private final Set<Long> pendingEvictions = ConcurrentHashMap.newKeySet();

    private static final int MAX_PENDING_EVICTIONS = 100_000;

    UserCache(
            UnifiedJedis redis, ObjectMapper mapper, AppMetrics metrics, DependencyStatus status, CacheFactory config) {
        this.redis = redis;
        this.mapper = mapper;
        this.metrics = metrics;
        this.status = status;
        this.keyPrefix = config.getKeyPrefix();
        this.ttlSeconds = config.getTtlSeconds();
        this.bypassNanos = config.getBypassAfterFailure().toNanoseconds();
    }

    /**
     * The cached user as the UTF-8 JSON the API sends (written by {@link #put} with the API's own mapper), or empty
     * on a miss or when Redis is unavailable (the caller reads Postgres). A hit is sent as these bytes, without a
     * decode, a parse or a new serialization; an entry that is not one of ours for this id is dropped and counts
     * as a miss.
     */
    public Optional<byte[]> getJson(long id) {
        final Optional<byte[]> json = call("get", client -> client.get(key(id).getBytes(StandardCharsets.UTF_8)))
                .filter(value -> isEntryFor(id, value));
        if (json.isPresent()) {
            metrics.cacheHit();
        } else {
            metrics.cacheMiss();
        }
        return json;
    }

    /**
     * Caches {@code user} as the API's JSON and returns those bytes, also when Redis could not take them: a miss is
     * answered with them, so a user read from Postgres is serialized once, not once for Redis and again for the reply.
     */
    public byte[] put(User user) {
        final byte[] json;
        try {
            json = mapper.writeValueAsBytes(user);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize user " + user.id(), e);
        }
        call("set", client -> client.setex(key(user.id()).getBytes(StandardCharsets.UTF_8), expirySeconds(), json));
        return json;
    }

    /**
     * The TTL of a new entry: {@code ttlSeconds} less up to a tenth of it, at random. Entries filled together (an
     * emptied cache under load, a burst of reads of a new set) would otherwise expire in the same second, send
     * their readers to Postgres at once and, refilled together, do it again every TTL. A hit never extends a TTL:
     * it bounds how long a lost invalidation can serve an old copy.
     */
    private long expirySeconds() {
        return ttlSeconds - ThreadLocalRandom.current().nextLong(ttlSeconds / 10 + 1);
    }

    /** Ignores the bypass window: a write must try to invalidate; if it cannot, the id waits for the next call. */
    public void evict(long id) {
        if (!delete(id)) {
            if (pendingEvictions.size() < MAX_PENDING_EVICTIONS) {
                pendingEvictions.add(id);
            } else {
                LOG.warn(
                        "{} invalidations wait for Redis already; user {} stays cached until its TTL",
                        MAX_PENDING_EVICTIONS,
                        id);
            }
        }
    }

    /** Asks Redis directly, ignoring the bypass window: used by health checks, which also close that window. */
    public boolean ping() {
        try {
            redis.ping();
            status.markUp();
            return true;
        } catch (JedisException e) {
            failed(e);
            return false;
        }
    }

    /** Redis INFO as key/value pairs, or empty if Redis is unavailable. Not a cache operation: not counted. */
    public Optional<Map<String, String>> info() {
        try {
            final Map<String, String> info = parseInfo(redis.info());
            status.markUp();
            return Optional.of(info);
        } catch (JedisException e) {
            failed(e);
            return Optional.empty();
        }
    }

    public boolean isAvailable() {
        return status.isUp();
    }

    private <T> Optional<T> call(String operation, Function<UnifiedJedis, T> command) {
        if (System.nanoTime() - bypassUntil < 0 || !retryPendingEvictions()) {
            metrics.cacheError(operation);
            return Optional.empty();
        }
        try {
            final T result = command.apply(redis);
            status.markUp();
            return Optional.ofNullable(result);
        } catch (JedisException e) {
            metrics.cacheError(operation);
            failed(e);
            return Optional.empty();
        }
    }

    private boolean delete(long id) {
        try {
            redis.del(key(id));
            status.markUp();
            return true;
        } catch (JedisException e) {
            metrics.cacheError("delete");
            failed(e);
            return false;
        }
    }

    /** True when no invalidation is left waiting: only then may Redis be read (it may hold an old copy). */
    private boolean retryPendingEvictions() {
        for (final Long id : pendingEvictions) {
            if (!delete(id)) {
                return false;
            }
            pendingEvictions.remove(id);
        }
        return true;
    }

    private void failed(JedisException e) {
        if (poolExhausted(e)) {
            return;
        }
        bypassUntil = System.nanoTime() + bypassNanos;
        status.markDown(e);
    }

    /** Every pooled connection was busy for maxWaitForConnection: Redis itself answered the others. */
    private static boolean poolExhausted(JedisException e) {
        return e.getCause() instanceof NoSuchElementException;
    }

    /** Our entries start with the id (User's first field); anything else was written by something else. */
    private boolean isEntryFor(long id, byte[] json) {
        final byte[] start = ("{\"id\":" + id + ",").getBytes(StandardCharsets.US_ASCII);
        if (json.length > start.length && Arrays.equals(json, 0, start.length, start, 0, start.length)) {
            return true;
        }
        LOG.warn("discarding unreadable cache entry for user {}", id);
        evict(id);
        return false;
    }

    private String key(long id) {
        return keyPrefix + id;
    }

    static Map<String, String> parseInfo(String info) {
        final Map<String, String> values = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            final int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                values.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return values;
    }
}
