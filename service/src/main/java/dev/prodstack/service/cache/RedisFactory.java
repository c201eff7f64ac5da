package dev.prodstack.service.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Secrets;
import io.dropwizard.lifecycle.setup.LifecycleEnvironment;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;

/**
 * Connection settings for Redis, built into a pooled Jedis client whose lifecycle Dropwizard manages.
 * Timeouts are capped at 250 ms: the cache is an optimisation, and a slow or dead Redis must cost a request
 * at most that much before it falls through to Postgres.
 */
public final class RedisFactory {
    /** {@code redis://[user:password@]host[:port][/db]} or {@code rediss://} for TLS. */
    @NotBlank
    @Pattern(regexp = "rediss?://.+")
    private String url = "redis://127.0.0.1:6379";

    /** The ACL user; empty: the one of the URL, if any (else Redis' {@code default}). */
    private String user = "";

    /**
     * File holding the password (a Docker secret): a password in the URL would be an environment variable, which
     * {@code docker inspect} shows. Empty: the URL's, if any.
     */
    private String passwordFile = "";

    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 250, unit = TimeUnit.MILLISECONDS)
    private Duration connectTimeout = Duration.milliseconds(250);

    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 250, unit = TimeUnit.MILLISECONDS)
    private Duration readTimeout = Duration.milliseconds(250);

    @Min(1)
    private int maxConnections = 16;

    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 250, unit = TimeUnit.MILLISECONDS)
    private Duration maxWaitForConnection = Duration.milliseconds(250);

    @JsonProperty
    public String getUrl() {
        return url;
    }

    @JsonProperty
    public void setUrl(String url) {
        this.url = url;
    }

    @JsonProperty
    public String getUser() {
        return user;
    }

    @JsonProperty
    public void setUser(String user) {
        // An unset ${VAR:-} in config.yml reads as null.
        this.user = user == null ? "" : user.trim();
    }

    @JsonProperty
    public String getPasswordFile() {
        return passwordFile;
    }

    @JsonProperty
    public void setPasswordFile(String passwordFile) {
        // An unset ${VAR:-} in config.yml reads as null.
        this.passwordFile = passwordFile == null ? "" : passwordFile.trim();
    }

    @JsonProperty
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    @JsonProperty
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    @JsonProperty
    public Duration getReadTimeout() {
        return readTimeout;
    }

    @JsonProperty
    public void setReadTimeout(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    @JsonProperty
    public int getMaxConnections() {
        return maxConnections;
    }

    @JsonProperty
    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    @JsonProperty
    public Duration getMaxWaitForConnection() {
        return maxWaitForConnection;
    }

    @JsonProperty
    public void setMaxWaitForConnection(Duration maxWaitForConnection) {
        this.maxWaitForConnection = maxWaitForConnection;
    }

    /** Builds the client and registers it to be closed when the server stops. No connection is opened here. */
    public JedisPooled build(LifecycleEnvironment lifecycle) {
        final URI uri = URI.create(url);
        final JedisPooled client = new JedisPooled(
                new HostAndPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()),
                clientConfig(uri),
                poolConfig());
        lifecycle.manage(new io.dropwizard.lifecycle.Managed() {
            @Override
            public void stop() {
                client.close();
            }
        });
        return client;
    }

    JedisClientConfig clientConfig(URI uri) {
        final DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMilliseconds())
                .socketTimeoutMillis((int) readTimeout.toMilliseconds())
                .ssl("rediss".equals(uri.getScheme()))
                .clientName("prodstack-service");
        final String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            final int colon = userInfo.indexOf(':');
            final String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
            final String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
            if (!user.isEmpty()) {
                config.user(user);
            }
            config.password(password);
        }
        if (!user.isEmpty()) {
            config.user(user);
        }
        if (!passwordFile.isEmpty()) {
            config.password(Secrets.read(Path.of(passwordFile)));
        }
        final String path = uri.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        return config.build();
    }

    private GenericObjectPoolConfig<Connection> poolConfig() {
        final GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMinIdle(0);
        // Never wait forever for a pooled connection (the commons-pool default).
        pool.setMaxWait(java.time.Duration.ofMillis(maxWaitForConnection.toMilliseconds()));
        // No JMX registration: several apps per JVM in tests, and nothing reads it.
        pool.setJmxEnabled(false);
        return pool;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
