package dev.prodstack.service.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/** What every role {@code migrate} provisions shares: one transaction, the role itself, catalog lookups. */
final class LoginRoles {
    /** Work on the owner's connection that commits whole or not at all. */
    interface Work {
        void run(Statement sql) throws SQLException;
    }

    private LoginRoles() {}

    static void inTransaction(Connection owner, Work work) throws SQLException {
        final boolean autoCommit = owner.getAutoCommit();
        owner.setAutoCommit(false);
        try (Statement sql = owner.createStatement()) {
            work.run(sql);
            owner.commit();
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw e;
        } finally {
            owner.setAutoCommit(autoCommit);
        }
    }

    /**
     * The role exists, may log in with {@code password} and holds no attribute beyond that: no superuser, role or
     * database creation, replication or row-security bypass, whatever someone gave it by hand before.
     */
    static void ensure(Connection owner, Statement sql, String role, char[] password) throws SQLException {
        if (strings(owner, "SELECT 1 FROM pg_roles WHERE rolname = ?", role).isEmpty()) {
            sql.execute("CREATE ROLE " + role + " LOGIN");
        }
        sql.execute(
                "ALTER ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT");
        // The driver computes the SCRAM verifier: the password itself never reaches the server or its log.
        owner.unwrap(PGConnection.class).alterUserPassword(role, password, "scram-sha-256");
    }

    static String currentDatabase(Connection owner) throws SQLException {
        return strings(owner, "SELECT current_database()").get(0);
    }

    /** The first column of every row of {@code query}, with {@code parameters} bound in order. */
    static List<String> strings(Connection owner, String query, String... parameters) throws SQLException {
        final List<String> values = new ArrayList<>();
        try (PreparedStatement statement = owner.prepareStatement(query)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    /** A quoted identifier: database and table names come from the catalog, not from us. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
