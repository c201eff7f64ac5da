package dev.prodstack.service.db;

import dev.prodstack.service.ProdstackConfiguration;
import dev.prodstack.service.core.User;
import dev.prodstack.service.health.DatabaseHealthCheck;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import dev.prodstack.service.support.TestServices;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The service's DB path as it runs in production, one call per operation: the Jdbi, pool and settings built from
 * config.yml's database section by {@link PostgresFactory} (the same code as the application), {@link UserDao}'s
 * statements and the health query, against a database of the run's own (TestServices) holding 10,000 users. Guards
 * against regressions: compare us/op, and above all gc.alloc.rate.norm (bytes per call, steady whatever the
 * machine's speed), before and after a change. Run: {@code mvn -B -pl service -am -Pjmh -DskipTests test
 * -Djmh.args="UserDaoBenchmark -prof gc"} (service/pom.xml, profile jmh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UserDaoBenchmark {
    /** config.yml's database.useStatementFacade; {@code -p useStatementFacade=true,false} compares the two. */
    @Param({"false"})
    public boolean useStatementFacade;

    private final AtomicLong sequence = new AtomicLong();
    private ManagedDataSource dataSource;
    private UserDao users;
    private DatabaseHealthCheck health;
    private long firstId;

    @Setup
    public void setUp() throws Exception {
        TestServices.migrate();
        TestServices.execute("INSERT INTO users (username, email) SELECT 'bench_' || g, 'bench_' || g || '@bench.test'"
                + " FROM generate_series(1, 10000) AS g");
        final PostgresFactory database = configuration().getDatabase();
        database.setUrl(TestServices.DATABASE_URL);
        database.setUser(TestServices.DATABASE_USER);
        database.setUseStatementFacade(useStatementFacade);
        final Environment environment = new Environment("jmh");
        dataSource = database.build(environment.metrics(), "postgresql");
        dataSource.start();
        final Jdbi jdbi = database.buildJdbi(environment, dataSource, "postgresql");
        users = new UserDao(jdbi);
        health = new DatabaseHealthCheck(
                jdbi, new ConnectionPool(dataSource), new DependencyStatus("database", new AppMetrics()));
        firstId = users.listAfter(0, 1).get(0).id();
    }

    @TearDown
    public void tearDown() throws Exception {
        dataSource.stop();
    }

    /** GET /users: the first page of 50. */
    @Benchmark
    public List<User> listAfter() {
        return users.listAfter(0, 50);
    }

    /** GET /users/{id} on a cache miss. */
    @Benchmark
    public Optional<User> findById() {
        return users.findById(firstId + sequence.incrementAndGet() % 10_000);
    }

    /** POST /users. */
    @Benchmark
    public User insert() {
        final long n = sequence.incrementAndGet();
        return users.insert("jmh_" + n, "jmh_" + n + "@bench.test");
    }

    /** GET /health's Postgres half. */
    @Benchmark
    public boolean healthQuery() {
        return health.isUp();
    }

    /** config.yml as the server reads it: environment variables substituted, defaults for the unset ones. */
    private static ProdstackConfiguration configuration() throws Exception {
        return new YamlConfigurationFactory<>(
                        ProdstackConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(
                        new SubstitutingSourceProvider(
                                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                        TestServices.CONFIG);
    }
}
