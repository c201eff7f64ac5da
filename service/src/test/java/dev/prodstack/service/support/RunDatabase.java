package dev.prodstack.service.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A database created empty for one test run and dropped when its JVM exits. Its name carries its creation time,
 * so a later run can drop what a killed run left (older than {@link #ABANDONED_AFTER_HOURS}) without touching a
 * run that is still going on beside it.
 */
final class RunDatabase {
    private static final String PREFIX = "prodstack_it_";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final int ABANDONED_AFTER_HOURS = 6;

    private RunDatabase() {}

    /** The JDBC URL to test against: {@code explicit} if given, else a new database on {@code serverUrl}. */
    static String url(String serverUrl, String user, String password, String explicit) {
        if (!explicit.isBlank()) {
            System.out.println("[test-services] using the given database " + explicit + " as it is");
            return explicit;
        }
        final String name = PREFIX + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        try (Connection admin = DriverManager.getConnection(serverUrl, user, password);
                Statement statement = admin.createStatement()) {
            dropAbandoned(statement);
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the run's database on " + serverUrl, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(serverUrl, user, password, name), "drop-" + name));
        final String url = serverUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        System.out.println("[test-services] created the empty database " + name + " for this run: " + url);
        return url;
    }

    private static void dropAbandoned(Statement statement) throws SQLException {
        final String cutoff = PREFIX
                + LocalDateTime.now(ZoneOffset.UTC)
                        .minusHours(ABANDONED_AFTER_HOURS)
                        .format(STAMP);
        final List<String> abandoned = new ArrayList<>();
        try (ResultSet names = statement.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX
                + "%' AND datname < '" + cutoff + "'")) {
            while (names.next()) {
                abandoned.add(names.getString(1));
            }
        }
        for (String name : abandoned) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static void drop(String serverUrl, String user, String password, String name) {
        try (Connection admin = DriverManager.getConnection(serverUrl, user, password);
                Statement statement = admin.createStatement()) {
            // FORCE: the apps' pools may still hold connections while the JVM shuts down.
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("[test-services] could not drop " + name + " (a later run drops it): " + e.getMessage());
        }
    }
}
