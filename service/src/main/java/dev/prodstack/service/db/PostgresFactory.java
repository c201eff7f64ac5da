package dev.prodstack.service.db;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Secrets;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.nio.file.Path;

/**
 * Dropwizard's pooled data source plus {@code passwordFile}: the password comes from a secret file
 * (Docker/Swarm secrets, {@code DATABASE_PASSWORD_FILE}) so it never appears in the environment,
 * {@code docker inspect} or the YAML. The same factory serves the server and the {@code db migrate} command.
 */
public final class PostgresFactory extends DataSourceFactory {
    private String passwordFile = "";

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

    @Override
    public ManagedDataSource build(MetricRegistry metricRegistry, String name) {
        if (!passwordFile.isEmpty()) {
            setPassword(Secrets.read(Path.of(passwordFile)));
        }
        return super.build(metricRegistry, name);
    }
}
