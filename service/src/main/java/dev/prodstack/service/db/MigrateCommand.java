package dev.prodstack.service.db;

import dev.prodstack.service.ProdstackConfiguration;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.migrations.DbMigrateCommand;
import java.sql.Connection;
import liquibase.Liquibase;
import liquibase.database.jvm.JdbcConnection;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code migrate config.yml}: Dropwizard's {@code db migrate} (same options), then the database roles provisioned on
 * the same owner's connection: the api's ({@link ApiRoleGrants}) and postgres_exporter's ({@link MonitorRoleGrants}),
 * each when configured ({@link LoginRoleFactory}). The one-shot job of the stack runs this, so neither the api nor
 * the exporter ever holds the owner's password.
 */
public final class MigrateCommand extends DbMigrateCommand<ProdstackConfiguration> {
    private LoginRoleFactory apiRole;
    private LoginRoleFactory monitorRole;

    public MigrateCommand(String migrationsFileName) {
        super(config -> config.getDatabase().forMigrations(), ProdstackConfiguration.class, migrationsFileName);
    }

    @Override
    protected void run(Bootstrap<ProdstackConfiguration> bootstrap, Namespace namespace, ProdstackConfiguration config)
            throws Exception {
        apiRole = config.getApiRole();
        monitorRole = config.getMonitorRole();
        super.run(bootstrap, namespace, config);
    }

    @Override
    public void run(Namespace namespace, Liquibase liquibase) throws Exception {
        super.run(namespace, liquibase);
        if (Boolean.TRUE.equals(namespace.getBoolean("dry-run"))) {
            return;
        }
        final Connection owner = ((JdbcConnection) liquibase.getDatabase().getConnection()).getUnderlyingConnection();
        if (apiRole.isEnabled()) {
            new ApiRoleGrants(owner, apiRole.getUser()).apply(apiRole.password());
        }
        if (monitorRole.isEnabled()) {
            new MonitorRoleGrants(owner, monitorRole.getUser()).apply(monitorRole.password());
        }
    }
}
