package dev.prodstack.service.db;

import dev.prodstack.service.core.User;
import dev.prodstack.service.support.TestServices;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The minimal reproduction of what the profile of GET /users showed: one 50-row keyset page read through JDBI alone
 * (one shared connection, no pool, no web stack), as an on-demand SQL object with the ConstructorMapper, the same with
 * a hand-written RowMapper, JDBI's fluent API on a handle with that mapper, and plain JDBC as the floor. An on-demand
 * call attaches the whole SQL object again (JDBI 3.51's ExtensionFactoryDelegate.attach builds an invoker, with its own
 * copy of the configuration, for every method of the interface), so its cost grows with the interface, not the call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnDemandSqlObjectBenchmark {
    private static final String PAGE =
            "SELECT " + UserDao.COLUMNS + " FROM users WHERE id > :after ORDER BY id LIMIT :limit";

    private Connection connection;
    private Jdbi jdbi;
    private ConstructorMapped constructorMapped;
    private RowMapped rowMapped;

    /** The service's DAO shape (six statements) with JDBI's ConstructorMapper, as it was. */
    @RegisterConstructorMapper(User.class)
    public interface ConstructorMapped {
        @SqlQuery(PAGE)
        List<User> listAfter(@Bind("after") long after, @Bind("limit") int limit);

        @SqlQuery("SELECT " + UserDao.COLUMNS + " FROM users WHERE id = :id")
        User findById(@Bind("id") long id);

        @SqlUpdate("DELETE FROM users WHERE id = :id")
        int delete(@Bind("id") long id);

        @SqlUpdate("UPDATE users SET email = :email WHERE id = :id")
        int email(@Bind("id") long id, @Bind("email") String email);

        @SqlUpdate("UPDATE users SET username = :username WHERE id = :id")
        int username(@Bind("id") long id, @Bind("username") String username);

        @SqlUpdate("UPDATE users SET updated_at = now() WHERE id = :id")
        int touch(@Bind("id") long id);
    }

    /** The same with the hand-written mapper. */
    @RegisterRowMapper(UserMapper.class)
    public interface RowMapped {
        @SqlQuery(PAGE)
        List<User> listAfter(@Bind("after") long after, @Bind("limit") int limit);

        @SqlQuery("SELECT " + UserDao.COLUMNS + " FROM users WHERE id = :id")
        User findById(@Bind("id") long id);

        @SqlUpdate("DELETE FROM users WHERE id = :id")
        int delete(@Bind("id") long id);

        @SqlUpdate("UPDATE users SET email = :email WHERE id = :id")
        int email(@Bind("id") long id, @Bind("email") String email);

        @SqlUpdate("UPDATE users SET username = :username WHERE id = :id")
        int username(@Bind("id") long id, @Bind("username") String username);

        @SqlUpdate("UPDATE users SET updated_at = now() WHERE id = :id")
        int touch(@Bind("id") long id);
    }

    @Setup
    public void setUp() throws SQLException {
        TestServices.migrate();
        TestServices.execute("INSERT INTO users (username, email) SELECT 'bench_' || g, 'bench_' || g || '@bench.test'"
                + " FROM generate_series(1, 100) AS g");
        connection = TestServices.connect();
        jdbi = Jdbi.create(new ConnectionFactory() {
                    @Override
                    public Connection openConnection() {
                        return connection;
                    }

                    @Override
                    public void closeConnection(Connection toClose) {
                        // Shared by every call: the benchmark measures JDBI, not connecting.
                    }
                })
                .installPlugin(new SqlObjectPlugin());
        constructorMapped = jdbi.onDemand(ConstructorMapped.class);
        rowMapped = jdbi.onDemand(RowMapped.class);
    }

    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
    }

    @Benchmark
    public List<User> onDemandConstructorMapper() {
        return constructorMapped.listAfter(0, 50);
    }

    @Benchmark
    public List<User> onDemandRowMapper() {
        return rowMapped.listAfter(0, 50);
    }

    @Benchmark
    public List<User> fluentRowMapper() {
        return jdbi.withHandle(handle -> handle.createQuery(PAGE)
                .bind("after", 0L)
                .bind("limit", 50)
                .map(UserMapper.INSTANCE)
                .list());
    }

    @Benchmark
    public List<User> plainJdbc() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT " + UserDao.COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?")) {
            statement.setLong(1, 0L);
            statement.setInt(2, 50);
            try (ResultSet rows = statement.executeQuery()) {
                final List<User> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(UserMapper.INSTANCE.map(rows, null));
                }
                return users;
            }
        }
    }
}
