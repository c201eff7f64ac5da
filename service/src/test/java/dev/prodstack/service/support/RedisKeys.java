package dev.prodstack.service.support;

import java.net.URI;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Deletes the keys under one prefix (a run's cache namespace), leaving every other key on the server alone. */
final class RedisKeys {
    private RedisKeys() {}

    static void delete(String redisUrl, String prefix) {
        try (Jedis redis = new Jedis(URI.create(redisUrl))) {
            final ScanParams match = new ScanParams().match(prefix + "*").count(500);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                final ScanResult<String> page = redis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    redis.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
