package dev.prodstack.service.db;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Secrets;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import java.nio.file.Path;
import org.apache.tomcat.jdbc.pool.DataSourceProxy;
import org.jdbi.v3.core.Jdbi;

/**
 * Dropwizard's pooled data source plus {@code passwordFile}: the password comes from a secret file
 * (Docker/Swarm secrets, {@code DATABASE_PASSWORD_FILE}) so it never appears in the environment,
 * {@code docker inspect} or the YAML. The same factory serves the server and the {@code db migrate} command.
 */
public final class PostgresFactory extends DataSourceFactory {
    private String passwordFile = "";

    /**
     * tomcat-jdbc's {@code useStatementFacade}, which Dropwizard's factory does not expose: true wraps every
     * statement and result set the pool hands out in a reflection proxy, so that a handle used after its
     * connection went back fails instead of reaching the next borrower's session. JDBI closes every statement
     * and result set before it returns the connection, and the proxies cost a reflective call for each row and
     * column read (GET /users: 300 per request).
     */
    private boolean useStatementFacade = true;

    @JsonProperty
    public String getPasswordFile() {
        return passwordFile;
    }

    @JsonProperty
    public void setPasswordFile(String passwordFile) {
        this.passwordFile = passwordFile == null ? "" : passwordFile.trim();
    }

    /**
     * This factory for the {@code db migrate} command: Postgres' statement timeout of the request path
     * ({@code -c statement_timeout=...} in {@code options}) turned off. It bounds a request; a migration (an
     * index built on a large table, or a small one on a loaded machine) must be allowed to finish.
     */
    public PostgresFactory forMigrations() {
        final String options = getProperties().get("options");
        if (options != null) {
            getProperties().put("options", options.replaceAll("statement_timeout=\\S+", "statement_timeout=0"));
        }
        return this;
    }

    @JsonProperty
    public boolean getUseStatementFacade() {
        return useStatementFacade;
    }

    @JsonProperty
    public void setUseStatementFacade(boolean useStatementFacade) {
        this.useStatementFacade = useStatementFacade;
    }

    @Override
    public ManagedDataSource build(MetricRegistry metricRegistry, String name) {
        if (!passwordFile.isEmpty()) {
            setPassword(Secrets.read(Path.of(passwordFile)));
        }
        final ManagedDataSource dataSource = super.build(metricRegistry, name);
        // Before the pool exists: Dropwizard's data source creates it when it starts.
        ((DataSourceProxy) dataSource).getPoolProperties().setUseStatementFacade(useStatementFacade);
        return dataSource;
    }

    /**
     * Dropwizard's Jdbi on {@code dataSource} (which it manages, with its health check and per-statement timers),
     * the timers named by {@link StatementNames}.
     */
    public Jdbi buildJdbi(Environment environment, ManagedDataSource dataSource, String name) {
        return new JdbiFactory(new StatementNames()).build(environment, this, dataSource, name);
    }
}
