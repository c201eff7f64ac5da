package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.service.http.RoutedHttpConnectorFactory;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.util.Duration;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.Test;

/** service/config.yml: valid, documented defaults, and every environment-specific value taken from its variable. */
class ConfigurationTest {
    private static ProdstackConfiguration load(Map<String, String> environment) throws Exception {
        final StringSubstitutor substitutor = new StringSubstitutor(environment);
        final YamlConfigurationFactory<ProdstackConfiguration> factory = new YamlConfigurationFactory<>(
                ProdstackConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
        return factory.build(
                new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), substitutor), "config.yml");
    }

    @Test
    void defaultsSuitTheLocalServices() throws Exception {
        final ProdstackConfiguration config = load(Map.of());
        assertThat(config.getDatabase().getUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
        assertThat(config.getDatabase().getUser()).isEqualTo("postgres");
        assertThat(config.getDatabase().getPasswordFile()).isEmpty();
        assertThat(config.getDatabase().getMaxSize()).isEqualTo(16);
        assertThat(config.getRedis().getUrl()).isEqualTo("redis://127.0.0.1:6379");
        // Unset ${VAR:-} values read as YAML nulls: each must come out empty, not null.
        assertThat(config.getRedis().getUser()).isEmpty();
        assertThat(config.getRedis().getPasswordFile()).isEmpty();
        assertThat(config.getApiRole().isEnabled()).isFalse();
        assertThat(config.getApiRole().getPasswordFile()).isEmpty();
        assertThat(config.getMonitorRole().isEnabled()).isFalse();
        assertThat(config.getMonitorRole().getPasswordFile()).isEmpty();
        assertThat(config.getCache().getTtlSeconds()).isEqualTo(300);
        assertThat(config.getAuth().getTokenFile()).isEmpty();
        assertThat(config.getVersion()).isEmpty();
        assertThat(config.getMaxRequestBodySize().toKibibytes()).isEqualTo(64);

        final DefaultServerFactory server = (DefaultServerFactory) config.getServerFactory();
        assertThat(((HttpConnectorFactory) server.getApplicationConnectors().get(0)).getPort())
                .isEqualTo(8000);
        assertThat(((HttpConnectorFactory) server.getAdminConnectors().get(0)).getPort())
                .isEqualTo(8081);
        assertThat(((RoutedHttpConnectorFactory) server.getAdminConnectors().get(0)).getBindTowards())
                .isEmpty();
        assertThat(server.getShutdownGracePeriod()).isEqualTo(Duration.seconds(10));
        assertThat(((DefaultLoggingFactory) config.getLoggingFactory()).getLevel())
                .isEqualTo("INFO");
    }

    @Test
    void everyEnvironmentSpecificValueComesFromItsVariable() throws Exception {
        final ProdstackConfiguration config = load(Map.ofEntries(
                Map.entry("DATABASE_URL", "jdbc:postgresql://db:5432/prodstack"),
                Map.entry("DATABASE_USER", "prodstack"),
                Map.entry("DATABASE_PASSWORD_FILE", "/run/secrets/db_password"),
                Map.entry("DATABASE_POOL_MAX", "8"),
                Map.entry("REDIS_URL", "redis://cache:6379"),
                Map.entry("REDIS_USER", "prodstack"),
                Map.entry("REDIS_PASSWORD_FILE", "/run/secrets/cache_password"),
                Map.entry("API_DATABASE_USER", "prodstack_api"),
                Map.entry("API_DATABASE_PASSWORD_FILE", "/run/secrets/db_api_password"),
                Map.entry("MONITOR_DATABASE_USER", "prodstack_monitor"),
                Map.entry("MONITOR_DATABASE_PASSWORD_FILE", "/run/secrets/db_monitor_password"),
                Map.entry("CACHE_TTL_SECONDS", "60"),
                Map.entry("LOG_LEVEL", "WARN"),
                Map.entry("ADMIN_TOKEN_FILE", "/run/secrets/admin_token"),
                Map.entry("SHUTDOWN_GRACE_PERIOD", "20s"),
                Map.entry("ADMIN_BIND_TOWARDS", "db"),
                Map.entry("APP_VERSION", "2.3.4")));
        assertThat(config.getDatabase().getUrl()).isEqualTo("jdbc:postgresql://db:5432/prodstack");
        assertThat(config.getDatabase().getUser()).isEqualTo("prodstack");
        assertThat(config.getDatabase().getPasswordFile()).isEqualTo("/run/secrets/db_password");
        assertThat(config.getDatabase().getMaxSize()).isEqualTo(8);
        assertThat(config.getRedis().getUrl()).isEqualTo("redis://cache:6379");
        assertThat(config.getRedis().getUser()).isEqualTo("prodstack");
        assertThat(config.getRedis().getPasswordFile()).isEqualTo("/run/secrets/cache_password");
        assertThat(config.getApiRole().getUser()).isEqualTo("prodstack_api");
        assertThat(config.getApiRole().getPasswordFile()).isEqualTo("/run/secrets/db_api_password");
        assertThat(config.getMonitorRole().getUser()).isEqualTo("prodstack_monitor");
        assertThat(config.getMonitorRole().getPasswordFile()).isEqualTo("/run/secrets/db_monitor_password");
        assertThat(config.getCache().getTtlSeconds()).isEqualTo(60);
        assertThat(((DefaultLoggingFactory) config.getLoggingFactory()).getLevel())
                .isEqualTo("WARN");
        assertThat(config.getAuth().getTokenFile()).isEqualTo("/run/secrets/admin_token");
        assertThat(((DefaultServerFactory) config.getServerFactory()).getShutdownGracePeriod())
                .isEqualTo(Duration.seconds(20));
        assertThat(config.getVersion()).isEqualTo("2.3.4");
        assertThat(((RoutedHttpConnectorFactory) ((DefaultServerFactory) config.getServerFactory())
                                .getAdminConnectors()
                                .get(0))
                        .getBindTowards())
                .isEqualTo("db");
    }

    @Test
    void everyDatabaseWaitIsBoundedUnderTwoSeconds() throws Exception {
        final ProdstackConfiguration config = load(Map.of());
        assertThat(config.getDatabase().getMaxWaitForConnection().toMilliseconds())
                .isLessThanOrEqualTo(2000);
        assertThat(config.getDatabase().getValidationQueryTimeout())
                .hasValueSatisfying(
                        timeout -> assertThat(timeout.toMilliseconds()).isLessThanOrEqualTo(2000));
        assertThat(config.getDatabase().getCheckConnectionOnBorrow()).isTrue();
        final Map<String, String> properties = config.getDatabase().getProperties();
        assertThat(Integer.parseInt(properties.get("connectTimeout"))).isLessThanOrEqualTo(2);
        assertThat(properties.get("options")).matches("-c statement_timeout=(\\d{1,3}|1\\d{3}|2000)");
        assertThat(config.getRedis().getConnectTimeout().toMilliseconds()).isLessThanOrEqualTo(250);
        assertThat(config.getRedis().getReadTimeout().toMilliseconds()).isLessThanOrEqualTo(250);
    }
}
