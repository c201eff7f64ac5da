package dev.prodstack.service.support;

import dev.prodstack.service.ProdstackApplication;
import dev.prodstack.service.ProdstackConfiguration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real Postgres and Redis the integration tests run against, owned by this run: a database created empty
 * for the run on the local server (PRODSTACK_TEST_POSTGRES_URL) and dropped at its end, and a Redis key prefix
 * of its own, so neither an earlier run, a concurrent one nor anything else using those servers can change a
 * result. PRODSTACK_TEST_DATABASE_URL points the run at an existing database instead (used as it is, never
 * dropped). The schema is migrated once per JVM with the app's own {@code db migrate} command.
 */
public final class TestServices {
    /** The server (and a database on it to connect to) where each run creates its own database. */
    public static final String SERVER_URL = setting(
            "PRODSTACK_TEST_POSTGRES_URL", "prodstack.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");

    /**
     * The local server's test role, as scripts/install-prerequisites.sh creates it (a role with CREATEDB and a
     * password, since Debian's Postgres asks for one on TCP); without that file, {@code postgres} with no password
     * (a server that trusts local connections).
     */
    private static final Properties LOCAL_CREDENTIALS = localCredentials();

    public static final String DATABASE_USER = setting(
            "PRODSTACK_TEST_DATABASE_USER",
            "prodstack.test.database.user",
            LOCAL_CREDENTIALS.getProperty("user", "postgres"));
    public static final String DATABASE_PASSWORD = setting(
            "PRODSTACK_TEST_DATABASE_PASSWORD",
            "prodstack.test.database.password",
            LOCAL_CREDENTIALS.getProperty("password", ""));
    public static final String REDIS_URL =
            setting("PRODSTACK_TEST_REDIS_URL", "prodstack.test.redis.url", "redis://127.0.0.1:6379");
    /** Per JVM run, so cache entries of an earlier run (or another suite on the same Redis) are never seen. */
    public static final String KEY_PREFIX = "prodstack-test:" + UUID.randomUUID() + ":user:";

    public static final String DATABASE_URL = RunDatabase.url(
            SERVER_URL,
            DATABASE_USER,
            DATABASE_PASSWORD,
            setting("PRODSTACK_TEST_DATABASE_URL", "prodstack.test.database.url", ""));
    /** The service's real config file: the tests exercise what production runs, with overrides on top. */
    public static final String CONFIG = Path.of("config.yml").toAbsolutePath().toString();
    /** A port nothing listens on: connections are refused at once. */
    public static final String CLOSED_DATABASE_URL = "jdbc:postgresql://127.0.0.1:1/test";

    public static final String CLOSED_REDIS_URL = "redis://127.0.0.1:1";
    public static final String ADMIN_TOKEN = "it-admin-token-" + UUID.randomUUID();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RedisKeys.delete(REDIS_URL, KEY_PREFIX), "drop-run-cache-keys"));
    }

    private static final AtomicBoolean MIGRATED = new AtomicBoolean();
    private static String tokenFile;
    private static String passwordFile;

    private TestServices() {}

    /** The admin token in a file, with a trailing newline the service must trim. */
    public static synchronized String tokenFile() {
        if (tokenFile == null) {
            tokenFile = secretFile("prodstack-admin-token", ADMIN_TOKEN);
        }
        return tokenFile;
    }

    /** The database password in a file, as the service reads it ({@code database.passwordFile}); "" for none. */
    public static synchronized String passwordFile() {
        if (passwordFile == null) {
            passwordFile = DATABASE_PASSWORD.isEmpty() ? "" : secretFile("prodstack-db-password", DATABASE_PASSWORD);
        }
        return passwordFile;
    }

    private static String secretFile(String prefix, String content) {
        try {
            final Path file = Files.createTempFile(prefix, ".txt");
            Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties localCredentials() {
        final Path file = Path.of(setting(
                "PRODSTACK_TEST_DATABASE_CREDENTIALS",
                "prodstack.test.database.credentials",
                System.getProperty("user.home") + "/.config/prodstack/test-database.properties"));
        final Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return properties;
    }

    /** Runs {@code db migrate} of the service, as the deployment's one-shot migrate step does. */
    public static void migrate() {
        if (MIGRATED.get()) {
            return;
        }
        synchronized (MIGRATED) {
            if (MIGRATED.get()) {
                return;
            }
            final ProdstackApplication application = new ProdstackApplication();
            final Bootstrap<ProdstackConfiguration> bootstrap = new Bootstrap<>(application);
            application.initialize(bootstrap);
            final String previousUrl = System.setProperty("dw.database.url", DATABASE_URL);
            final String previousUser = System.setProperty("dw.database.user", DATABASE_USER);
            final String previousPassword = System.setProperty("dw.database.passwordFile", passwordFile());
            try {
                final Optional<Throwable> failure = new Cli(
                                new JarLocation(ProdstackApplication.class), bootstrap, System.out, System.err)
                        .run("db", "migrate", CONFIG);
                if (failure.isPresent()) {
                    throw new IllegalStateException("db migrate failed against " + DATABASE_URL, failure.get());
                }
            } finally {
                restore("dw.database.url", previousUrl);
                restore("dw.database.user", previousUser);
                restore("dw.database.passwordFile", previousPassword);
            }
            MIGRATED.set(true);
        }
    }

    /**
     * Empties the users table and this run's cache entries, so a test sees only what it created (ids keep
     * increasing, and no cached copy of a deleted user survives into the next test).
     */
    public static void cleanUsers() {
        execute("DELETE FROM users");
        RedisKeys.delete(REDIS_URL, KEY_PREFIX);
    }

    /**
     * An id no user has and none will get: a value taken from the table's own identity sequence, which no insert
     * will ever be given, so a 404 for it holds whatever rows the database already has.
     */
    public static long neverUsedId() {
        return queryLong("SELECT nextval(pg_get_serial_sequence('users', 'id'))");
    }

    public static long countUsers() {
        return queryLong("SELECT count(*) FROM users");
    }

    private static long queryLong(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String sql) {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD);
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }

    private static String setting(String environmentVariable, String systemProperty, String fallback) {
        final String fromEnvironment = System.getenv(environmentVariable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        final String fromProperty = System.getProperty(systemProperty);
        return fromProperty != null && !fromProperty.isBlank() ? fromProperty : fallback;
    }
}
