package dev.prodstack.service;

import dev.prodstack.service.api.ApiJson;
import dev.prodstack.service.cache.UserCache;
import dev.prodstack.service.core.BuildInfo;
import dev.prodstack.service.core.Readiness;
import dev.prodstack.service.core.RequestStats;
import dev.prodstack.service.core.StopDelay;
import dev.prodstack.service.db.ConnectionPool;
import dev.prodstack.service.db.MigrateCommand;
import dev.prodstack.service.db.PostgresFactory;
import dev.prodstack.service.db.UserDao;
import dev.prodstack.service.errors.CatchAllExceptionMapper;
import dev.prodstack.service.errors.DatabaseExceptionMapper;
import dev.prodstack.service.errors.InvalidParametersExceptionMapper;
import dev.prodstack.service.errors.JsonErrorHandler;
import dev.prodstack.service.errors.JsonExceptionMapper;
import dev.prodstack.service.errors.ValidationExceptionMapper;
import dev.prodstack.service.errors.WebApplicationExceptionMapper;
import dev.prodstack.service.health.DatabaseHealthCheck;
import dev.prodstack.service.health.DependencyProbe;
import dev.prodstack.service.health.RedisHealthCheck;
import dev.prodstack.service.http.BodySizeLimitFilter;
import dev.prodstack.service.http.CachedParameterNames;
import dev.prodstack.service.http.ConcurrencyLimit;
import dev.prodstack.service.http.PathParametersFilter;
import dev.prodstack.service.http.RequestIdFilter;
import dev.prodstack.service.http.RequestMetricsFilter;
import dev.prodstack.service.http.RouteTemplateFilter;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import dev.prodstack.service.metrics.PrometheusExporter;
import dev.prodstack.service.resources.CacheStatsResource;
import dev.prodstack.service.resources.CachedUserReadFilter;
import dev.prodstack.service.resources.DocsResource;
import dev.prodstack.service.resources.HealthResource;
import dev.prodstack.service.resources.MetricsResource;
import dev.prodstack.service.resources.RootResource;
import dev.prodstack.service.resources.UserResource;
import dev.prodstack.service.resources.UsersResource;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.migrations.MigrationsBundle;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The users service. {@code run()} only wires: every part with set-up logic is built by its config factory. */
public final class ProdstackApplication extends Application<ProdstackConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(ProdstackApplication.class);
    private static final long PROBE_INTERVAL_MILLIS = 5_000;
    private static final String CHANGELOG = "db/changelog.sql";

    public static void main(String[] args) throws Exception {
        new ProdstackApplication().run(args);
    }

    @Override
    public String getName() {
        return RootResource.SERVICE;
    }

    @Override
    public void initialize(Bootstrap<ProdstackConfiguration> bootstrap) {
        // ${VAR:-default} in config.yml; non-strict so every variable may be left unset.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        ApiJson.configure(bootstrap.getObjectMapper());
        bootstrap.setValidatorFactory(Validators.newConfiguration()
                .parameterNameProvider(new CachedParameterNames())
                .buildValidatorFactory());
        // Liquibase prints its summaries to stdout as plain text: route them through the JSON log instead.
        System.setProperty("liquibase.uiService", System.getProperty("liquibase.uiService", "LOGGER"));
        System.setProperty(
                "liquibase.command.showSummaryOutput",
                System.getProperty("liquibase.command.showSummaryOutput", "LOG"));
        bootstrap.addBundle(new MigrationsBundle<>() {
            @Override
            public PostgresFactory getDataSourceFactory(ProdstackConfiguration configuration) {
                return configuration.getDatabase().forMigrations();
            }

            @Override
            public String getMigrationsFileName() {
                return CHANGELOG;
            }
        });
        bootstrap.addCommand(new MigrateCommand(CHANGELOG));
        bootstrap.addBundle(new AssetsBundle(
                "/META-INF/resources/webjars/swagger-ui/" + BuildInfo.swaggerUiVersion(),
                "/docs/swagger-ui",
                null,
                "swagger-ui"));
        bootstrap.addBundle(new AssetsBundle("/docs-assets", "/docs/assets", null, "docs-assets"));
    }

    @Override
    public void run(ProdstackConfiguration config, Environment environment) {
        final String version = BuildInfo.version(config.getVersion());
        final AppMetrics metrics = new AppMetrics();
        final RequestStats requestStats = new RequestStats();
        final DependencyStatus databaseStatus = new DependencyStatus("database", metrics);
        final DependencyStatus cacheStatus = new DependencyStatus("cache", metrics);
        final Readiness readiness = config.getWarmUp().build(environment);

        final ManagedDataSource dataSource = config.getDatabase().build(environment.metrics(), "postgresql");
        final Jdbi jdbi = config.getDatabase().buildJdbi(environment, dataSource, "postgresql");
        // Replaced by DatabaseHealthCheck, which also reports pool usage and feeds prodstack_dependency_up.
        environment.healthChecks().unregister("postgresql");
        final UserDao users = new UserDao(jdbi);
        final ConnectionPool pool = new ConnectionPool(dataSource);
        final UserCache cache = config.getCache()
                .build(
                        config.getRedis().build(environment.lifecycle()),
                        environment.getObjectMapper(),
                        metrics,
                        cacheStatus);

        final DatabaseHealthCheck databaseCheck = new DatabaseHealthCheck(jdbi, pool, databaseStatus);
        final RedisHealthCheck cacheCheck = new RedisHealthCheck(cache);
        environment.healthChecks().register("database", databaseCheck);
        environment.healthChecks().register("cache", cacheCheck);
        environment
                .lifecycle()
                .manage(new DependencyProbe(
                        environment
                                .lifecycle()
                                .scheduledExecutorService("dependency-probe")
                                .threads(1)
                                .build(),
                        List.of(databaseCheck, cacheCheck),
                        PROBE_INTERVAL_MILLIS));

        addFilter(environment, "request-id", new RequestIdFilter());
        addFilter(environment, "request-metrics", new RequestMetricsFilter(metrics, requestStats, readiness));
        addFilter(
                environment,
                "body-size-limit",
                new BodySizeLimitFilter(config.getMaxRequestBodySize().toBytes()));

        config.getAuth().register(environment.jersey());
        environment.jersey().register(new PathParametersFilter());
        environment.jersey().register(new RouteTemplateFilter());
        environment.jersey().register(new JsonExceptionMapper());
        environment.jersey().register(new ValidationExceptionMapper());
        environment.jersey().register(new InvalidParametersExceptionMapper());
        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new DatabaseExceptionMapper(databaseStatus));
        environment.jersey().register(new CatchAllExceptionMapper());

        environment.jersey().register(new RootResource(version));
        environment.jersey().register(new HealthResource(databaseCheck::isUp, cacheCheck::isUp, version, readiness));
        environment.jersey().register(new MetricsResource(requestStats, metrics, pool));
        environment.jersey().register(new UsersResource(users, metrics));
        environment.jersey().register(new UserResource(users, cache));
        environment.jersey().register(new CacheStatsResource(cache, metrics));
        environment.jersey().register(new DocsResource(environment.getObjectMapper(), version));

        ConcurrencyLimit.install(
                config.getMaxConcurrentRequests(),
                config.getMaxRequestWait().toJavaDuration(),
                environment.getApplicationContext(),
                metrics.registry());
        pool.register(metrics.registry());
        PrometheusExporter.register(metrics, environment.metrics(), environment.admin());
        // Before ServerEvents: its "shutting down" line is written when the delay is over and the drain begins.
        environment
                .lifecycle()
                .addEventListener(new StopDelay(readiness, config.getStopDelay().toJavaDuration()));
        environment
                .lifecycle()
                .addEventListener(new ServerEvents(new JsonErrorHandler(environment.getObjectMapper()), version));
        environment
                .lifecycle()
                .addEventListener(new LastFilter(
                        environment.getApplicationContext(), "cached-user-read", new CachedUserReadFilter(cache)));
    }

    /** In declaration order, ahead of Dropwizard's own filters (added later, when the server is built). */
    private static void addFilter(Environment environment, String name, Filter filter) {
        environment
                .servlets()
                .addFilter(name, filter)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /**
     * Adds a filter behind Dropwizard's own (allowed methods, and the thread names that log lines carry), which it
     * adds only when it builds the server, after run(): the last filter before Jersey.
     */
    private record LastFilter(ServletContextHandler context, String name, Filter filter) implements LifeCycle.Listener {
        @Override
        public void lifeCycleStarting(LifeCycle event) {
            if (event instanceof Server) {
                final FilterHolder holder = new FilterHolder(filter);
                holder.setName(name);
                context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
            }
        }
    }

    /** Installs the JSON error handler on the server and logs start and stop, which Jetty does only tersely. */
    private record ServerEvents(JsonErrorHandler errorHandler, String version) implements LifeCycle.Listener {
        @Override
        public void lifeCycleStarting(LifeCycle event) {
            if (event instanceof Server server) {
                // Dropwizard sets Jetty's HTML ErrorHandler when it builds the server, after run(): replace it here.
                server.setErrorHandler(errorHandler);
            }
        }

        @Override
        public void lifeCycleStarted(LifeCycle event) {
            if (event instanceof Server) {
                LOG.info("{} {} started", RootResource.SERVICE, version);
            }
        }

        @Override
        public void lifeCycleStopping(LifeCycle event) {
            if (event instanceof Server) {
                LOG.info(
                        "{} {} shutting down: draining requests, closing Postgres and Redis pools",
                        RootResource.SERVICE,
                        version);
            }
        }

        @Override
        public void lifeCycleStopped(LifeCycle event) {
            if (event instanceof Server) {
                LOG.info("{} {} stopped", RootResource.SERVICE, version);
            }
        }
    }
}
