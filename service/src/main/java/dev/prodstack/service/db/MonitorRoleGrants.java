package dev.prodstack.service.db;

import static dev.prodstack.service.db.LoginRoles.quote;

import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What postgres_exporter's role may do: connect to this database and read the server's statistics through the
 * built-in {@code pg_monitor} role (pg_stat_activity with every session's state, pg_stat_database, locks, settings,
 * replication), a handful of connections at most. No table of the application: the exporter counts rows and
 * sessions, it never needs a user's data, so a foothold in it reads no email address.
 *
 * <p>Run by {@code migrate} after {@link ApiRoleGrants}, which took CONNECT away from PUBLIC; idempotent.
 */
final class MonitorRoleGrants {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorRoleGrants.class);
    /** The exporter holds one connection; the rest is room for an operator's psql and a restart's overlap. */
    private static final int CONNECTION_LIMIT = 3;

    private final Connection owner;
    private final String role;

    MonitorRoleGrants(Connection owner, String role) {
        this.owner = owner;
        this.role = role;
    }

    void apply(char[] password) throws SQLException {
        LoginRoles.inTransaction(owner, sql -> {
            LoginRoles.ensure(owner, sql, role, password);
            sql.execute("ALTER ROLE " + role + " CONNECTION LIMIT " + CONNECTION_LIMIT);
            sql.execute("GRANT pg_monitor TO " + role);
            sql.execute("GRANT CONNECT ON DATABASE " + quote(LoginRoles.currentDatabase(owner)) + " TO " + role);
            // Whatever an earlier hand-made setup granted on the application's tables goes.
            sql.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + role);
            sql.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM " + role);
            LOG.info("database role {} provisioned: pg_monitor, no application table", role);
        });
    }
}
