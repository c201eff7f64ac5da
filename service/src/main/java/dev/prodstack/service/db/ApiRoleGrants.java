package dev.prodstack.service.db;

import static dev.prodstack.service.db.LoginRoles.quote;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the api's role may do: connect to this database only, use the public schema without creating anything in
 * it, and SELECT, INSERT, UPDATE and DELETE the application's tables (not TRUNCATE, not Liquibase's bookkeeping).
 * No superuser, role creation, database creation, replication or row-security bypass. A foothold in an api replica
 * then reaches the users table and no further: no DDL, no other database, no COPY ... PROGRAM.
 *
 * <p>Run after every migration, so a table a new changeset adds is granted in the same step; idempotent.
 */
final class ApiRoleGrants {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoleGrants.class);
    /** Liquibase's bookkeeping: the api has no business reading or changing which migrations ran. */
    private static final String LIQUIBASE_IN = "'databasechangelog', 'databasechangeloglock'";

    private final Connection owner;
    private final String role;

    ApiRoleGrants(Connection owner, String role) {
        this.owner = owner;
        this.role = role;
    }

    void apply(char[] password) throws SQLException {
        LoginRoles.inTransaction(owner, sql -> {
            LoginRoles.ensure(owner, sql, role, password);
            for (String database : LoginRoles.strings(
                    owner, "SELECT datname FROM pg_database WHERE datallowconn AND datname <> current_database()")) {
                sql.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
            }
            final String current = quote(LoginRoles.currentDatabase(owner));
            sql.execute("REVOKE ALL ON DATABASE " + current + " FROM PUBLIC");
            sql.execute("GRANT CONNECT ON DATABASE " + current + " TO " + role);
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            sql.execute("GRANT USAGE ON SCHEMA public TO " + role);
            final List<String> tables = LoginRoles.strings(
                    owner,
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN (" + LIQUIBASE_IN
                            + ") ORDER BY tablename");
            for (String table : tables) {
                sql.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE " + quote(table) + " TO " + role);
            }
            for (String table : LoginRoles.strings(
                    owner,
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename IN (" + LIQUIBASE_IN
                            + ")")) {
                sql.execute("REVOKE ALL ON TABLE " + quote(table) + " FROM " + role);
            }
            sql.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            LOG.info("database role {} provisioned: read and write on {}", role, tables);
        });
    }
}
