package dev.prodstack.service.support;

import dev.prodstack.service.ProdstackApplication;
import dev.prodstack.service.ProdstackConfiguration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The whole service on random ports, against the test Postgres and Redis unless told otherwise. */
public final class TestApps {
    private TestApps() {}

    public static DropwizardAppExtension<ProdstackConfiguration> app(ConfigOverride... extra) {
        return withServices(TestServices.DATABASE_URL, TestServices.REDIS_URL, extra);
    }

    public static DropwizardAppExtension<ProdstackConfiguration> withServices(
            String databaseUrl, String redisUrl, ConfigOverride... extra) {
        return new DropwizardAppExtension<>(
                ProdstackApplication.class, TestServices.CONFIG, overrides(databaseUrl, redisUrl, extra));
    }

    /** For a test that starts and stops the app itself (before(), after()) to watch either. */
    public static DropwizardTestSupport<ProdstackConfiguration> support(
            String databaseUrl, String redisUrl, ConfigOverride... extra) {
        return new DropwizardTestSupport<>(
                ProdstackApplication.class, TestServices.CONFIG, overrides(databaseUrl, redisUrl, extra));
    }

    /** Random ports, the given services, the test token file and a per-run cache key prefix. */
    public static ConfigOverride[] overrides(String databaseUrl, String redisUrl, ConfigOverride... extra) {
        // Before any app starts: the migrate command reconfigures (and at its end stops) logging.
        TestServices.migrate();
        final List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("database.url", databaseUrl),
                ConfigOverride.config("database.user", TestServices.DATABASE_USER),
                ConfigOverride.config("database.passwordFile", TestServices::passwordFile),
                ConfigOverride.config("redis.url", redisUrl),
                ConfigOverride.config("cache.keyPrefix", TestServices.KEY_PREFIX),
                ConfigOverride.config("cache.ttlSeconds", "60"),
                ConfigOverride.config("auth.tokenFile", TestServices::tokenFile),
                // Above Jetty's 1 s shutdown idle timeout for keep-alive connections, so stop never times out.
                ConfigOverride.config("server.shutdownGracePeriod", "3s")));
        // config.yml's production defaults are for replicas behind nginx; a test's app starts at once, stops at once
        // and runs every request it gets. Dropwizard keeps overrides in a set, so a key must be given once: a test
        // about one of these passes setting(key, value) and this default steps aside.
        final Set<String> chosen = new HashSet<>();
        for (ConfigOverride override : extra) {
            if (override instanceof Setting setting) {
                chosen.add(setting.key);
            }
        }
        PRODUCTION_ONLY.forEach((key, value) -> {
            if (!chosen.contains(key)) {
                overrides.add(ConfigOverride.config(key, value));
            }
        });
        overrides.addAll(List.of(extra));
        return overrides.toArray(ConfigOverride[]::new);
    }

    private static final Map<String, String> PRODUCTION_ONLY =
            Map.of("warmUp.duration", "0s", "stopDelay", "0s", "maxConcurrentRequests", "0");

    /** An override of one of the settings that tests turn off (warm-up, stop delay, concurrency limit). */
    public static ConfigOverride setting(String key, String value) {
        return new Setting(key, ConfigOverride.config(key, value));
    }

    private static final class Setting extends ConfigOverride {
        private final String key;
        private final ConfigOverride delegate;

        private Setting(String key, ConfigOverride delegate) {
            this.key = key;
            this.delegate = delegate;
        }

        @Override
        public void addToSystemProperties() {
            delegate.addToSystemProperties();
        }

        @Override
        public void removeFromSystemProperties() {
            delegate.removeFromSystemProperties();
        }
    }
}
