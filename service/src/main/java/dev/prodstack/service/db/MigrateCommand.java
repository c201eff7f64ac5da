package dev.prodstack.service.db;

import dev.prodstack.service.ProdstackConfiguration;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.migrations.DbMigrateCommand;
import java.sql.Connection;
import liquibase.Liquibase;
import liquibase.database.jvm.JdbcConnection;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code migrate config.yml}: Dropwizard's {@code db migrate} (same options), then the api's database role
 * provisioned on the same owner's connection ({@link ApiRoleFactory}). The one-shot job of the stack runs this,
 * so the api itself never holds the owner's password.
 */
public final class MigrateCommand extends DbMigrateCommand<ProdstackConfiguration> {
    private ApiRoleFactory apiRole;

    public MigrateCommand(String migrationsFileName) {
        super(config -> config.getDatabase().forMigrations(), ProdstackConfiguration.class, migrationsFileName);
    }

    @Override
    protected void run(Bootstrap<ProdstackConfiguration> bootstrap, Namespace namespace, ProdstackConfiguration config)
            throws Exception {
        apiRole = config.getApiRole();
        super.run(bootstrap, namespace, config);
    }

    @Override
    public void run(Namespace namespace, Liquibase liquibase) throws Exception {
        super.run(namespace, liquibase);
        final boolean dryRun = Boolean.TRUE.equals(namespace.getBoolean("dry-run"));
        if (apiRole.isEnabled() && !dryRun) {
            final Connection owner =
                    ((JdbcConnection) liquibase.getDatabase().getConnection()).getUnderlyingConnection();
            apiRole.provision(owner);
        }
    }
}
