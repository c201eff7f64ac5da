package dev.prodstack.service.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisClientConfig;

/** REDIS_URL forms and the timeouts that keep a bad Redis cheap. */
class RedisFactoryTest {
    private final RedisFactory factory = new RedisFactory();

    @Test
    void plainUrl() {
        final JedisClientConfig config = factory.clientConfig(URI.create("redis://cache:6379"));
        assertThat(config.getPassword()).isNull();
        assertThat(config.getDatabase()).isZero();
        assertThat(config.isSsl()).isFalse();
        assertThat(config.getConnectionTimeoutMillis()).isEqualTo(250);
        assertThat(config.getSocketTimeoutMillis()).isEqualTo(250);
    }

    @Test
    void userPasswordDatabaseAndTls() {
        final JedisClientConfig config = factory.clientConfig(URI.create("rediss://app:p%40ss@cache:6380/2"));
        assertThat(config.getUser()).isEqualTo("app");
        assertThat(config.getPassword()).isEqualTo("p@ss");
        assertThat(config.getDatabase()).isEqualTo(2);
        assertThat(config.isSsl()).isTrue();
    }

    @Test
    void userAndPasswordFileOverTheUrl(@TempDir Path dir) throws Exception {
        final Path secret = dir.resolve("cache_password");
        Files.writeString(secret, "from-the-file\n");
        factory.setUser("prodstack");
        factory.setPasswordFile(secret.toString());
        final JedisClientConfig config = factory.clientConfig(URI.create("redis://other:in-url@cache:6379"));
        assertThat(config.getUser()).isEqualTo("prodstack");
        assertThat(config.getPassword()).isEqualTo("from-the-file");
    }

    @Test
    void passwordOnly() {
        final JedisClientConfig config = factory.clientConfig(URI.create("redis://:secret@cache"));
        assertThat(config.getUser()).isNull();
        assertThat(config.getPassword()).isEqualTo("secret");
    }
}
