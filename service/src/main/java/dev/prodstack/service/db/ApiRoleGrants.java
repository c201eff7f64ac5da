package dev.prodstack.service.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
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
        final boolean autoCommit = owner.getAutoCommit();
        owner.setAutoCommit(false);
        try (Statement sql = owner.createStatement()) {
            if (!exists()) {
                sql.execute("CREATE ROLE " + role + " LOGIN");
            }
            sql.execute("ALTER ROLE " + role
                    + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT");
            // The driver computes the SCRAM verifier: the password itself never reaches the server or its log.
            owner.unwrap(PGConnection.class).alterUserPassword(role, password, "scram-sha-256");
            for (String database : otherDatabases()) {
                sql.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
            }
            final String current = quote(currentDatabase());
            sql.execute("REVOKE ALL ON DATABASE " + current + " FROM PUBLIC");
            sql.execute("GRANT CONNECT ON DATABASE " + current + " TO " + role);
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            sql.execute("GRANT USAGE ON SCHEMA public TO " + role);
            final List<String> tables = applicationTables();
            for (String table : tables) {
                sql.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE " + quote(table) + " TO " + role);
            }
            for (String table : liquibaseTables()) {
                sql.execute("REVOKE ALL ON TABLE " + quote(table) + " FROM " + role);
            }
            sql.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
            owner.commit();
            LOG.info("database role {} provisioned: read and write on {}", role, tables);
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw e;
        } finally {
            owner.setAutoCommit(autoCommit);
        }
    }

    private boolean exists() throws SQLException {
        try (PreparedStatement query = owner.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private String currentDatabase() throws SQLException {
        return strings("SELECT current_database()").get(0);
    }

    private List<String> otherDatabases() throws SQLException {
        return strings("SELECT datname FROM pg_database WHERE datallowconn AND datname <> current_database()");
    }

    private List<String> applicationTables() throws SQLException {
        return strings("SELECT tablename FROM pg_tables WHERE schemaname = 'public'" + " AND tablename NOT IN ("
                + LIQUIBASE_IN + ") ORDER BY tablename");
    }

    private List<String> liquibaseTables() throws SQLException {
        return strings(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename IN (" + LIQUIBASE_IN + ")");
    }

    private List<String> strings(String query) throws SQLException {
        final List<String> values = new ArrayList<>();
        try (Statement sql = owner.createStatement();
                ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** A quoted identifier: database and table names come from the catalog, not from us. */
    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
