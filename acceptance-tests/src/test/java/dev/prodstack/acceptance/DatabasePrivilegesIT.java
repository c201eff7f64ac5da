package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a foothold in an api replica could do with the database: the api connects as {@code prodstack_api}, which
 * {@code migrate} provisions (service db/ApiRoleGrants), never as the owner. Its credentials are tried here, over
 * TCP with SCRAM like the api's own connections, from psql in the db container: what the api needs works, and
 * DDL, other databases, Liquibase's tables, TRUNCATE, server-side programs and role changes are refused. The same
 * for postgres_exporter's {@code prodstack_monitor} (db/MonitorRoleGrants): the server's statistics, no user's data.
 */
@Order(95)
class DatabasePrivilegesIT extends AbstractAcceptanceTest {
    private static final String ROLE = "prodstack_api";
    private static final String MONITOR = "prodstack_monitor";

    @Test
    void the_api_connects_as_its_own_role_and_never_gets_the_owners_password() {
        for (Container api : Docker.containers(stack.project(), "api")) {
            List<String> env = List.of(Docker.inspect(api.getId()).getConfig().getEnv());
            assertThat(env).as("%s environment", Docker.name(api)).contains("DATABASE_USER=" + ROLE);
            assertThat(Docker.inspect(api.getId()).getMounts())
                    .as("%s mounts", Docker.name(api))
                    .noneSatisfy(mount ->
                            assertThat(mount.getDestination().getPath()).isEqualTo("/run/secrets/db_password"));
        }
        assertThat(psql(
                        "prodstack",
                        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'prodstack'"
                                + " AND application_name = 'PostgreSQL JDBC Driver'"))
                .as("JDBC sessions open as the owner (the api's pool would be some)")
                .satisfies(result -> assertThat(result.stdout().strip()).isEqualTo("0"));
        assertThat(psql(
                        ROLE,
                        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls"
                                + " FROM pg_roles WHERE rolname = current_user"))
                .satisfies(result -> assertThat(result.stdout().strip()).isEqualTo("f|f|f|f|f"));
    }

    @Test
    void the_role_reads_and_writes_the_users_table() {
        String username = "privileges_" + System.nanoTime();
        Command.Result insert = psql(
                ROLE,
                "INSERT INTO users (username, email) VALUES ('" + username + "', '" + username
                        + "@example.com') RETURNING id");
        assertThat(insert.exitCode())
                .as("insert as %s: %s", ROLE, insert.stderr())
                .isZero();
        String id = insert.lines().get(0).strip();
        assertThat(psql(
                                ROLE,
                                "UPDATE users SET email = '" + username + "@example.org' WHERE id = " + id
                                        + " RETURNING email")
                        .lines())
                .first()
                .isEqualTo(username + "@example.org");
        assertThat(psql(ROLE, "SELECT username FROM users WHERE id = " + id).lines())
                .first()
                .isEqualTo(username);
        assertThat(psql(ROLE, "DELETE FROM users WHERE id = " + id + " RETURNING id")
                        .lines())
                .first()
                .isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "create a table         | CREATE TABLE intruder (id int)                        | permission denied for schema public",
                "create a temp table    | CREATE TEMP TABLE intruder (id int)                   | permission denied to create temporary tables",
                "alter the users table  | ALTER TABLE users ADD COLUMN stolen text              | must be owner of table users",
                "drop the users table   | DROP TABLE users                                      | must be owner of table users",
                "truncate the users     | TRUNCATE users                                        | permission denied for table users",
                "read Liquibase's log   | SELECT count(*) FROM databasechangelog                | permission denied for table databasechangelog",
                "run a server program   | COPY users TO PROGRAM 'id'                            | permission denied to COPY to or from an external program",
                "read a server file     | SELECT pg_read_file('/etc/passwd')                    | permission denied for function pg_read_file",
                "make itself superuser  | ALTER ROLE prodstack_api SUPERUSER                    | permission denied to alter role",
                "create a role          | CREATE ROLE intruder LOGIN                            | permission denied to create role",
                "create a database      | CREATE DATABASE intruder                              | permission denied to create database",
            })
    void the_role_is_refused(String what, String sql, String error) {
        Command.Result result = psql(ROLE, sql.strip());
        assertThat(result.exitCode())
                .as("%s as %s: %s", what, ROLE, result.stdout())
                .isNotZero();
        assertThat(result.stderr()).as(what).contains(error.strip());
    }

    @ParameterizedTest(name = "connect to database {0}")
    @CsvSource({"postgres", "template1"})
    void the_role_reaches_no_other_database(String database) {
        Command.Result result = psql(ROLE, database, "SELECT 1");
        assertThat(result.exitCode()).as("connect to %s as %s", database, ROLE).isNotZero();
        assertThat(result.stderr()).contains("permission denied for database \"" + database + "\"");
    }

    @Test
    void the_exporter_connects_as_the_monitor_role_and_sees_every_sessions_state() {
        for (Container exporter : Docker.containers(stack.project(), "postgres-exporter")) {
            List<String> env =
                    List.of(Docker.inspect(exporter.getId()).getConfig().getEnv());
            assertThat(env).as("%s environment", Docker.name(exporter)).contains("DATA_SOURCE_USER=" + MONITOR);
            assertThat(Docker.inspect(exporter.getId()).getMounts())
                    .as("%s mounts", Docker.name(exporter))
                    .noneSatisfy(mount ->
                            assertThat(mount.getDestination().getPath()).isEqualTo("/run/secrets/db_password"));
        }
        assertThat(psql(
                                MONITOR,
                                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolconnlimit"
                                        + " FROM pg_roles WHERE rolname = current_user")
                        .stdout()
                        .strip())
                .isEqualTo("f|f|f|f|f|3");
        // pg_monitor: the api's pooled sessions with their state, which a plain role sees as <insufficient privilege>.
        assertThat(psql(
                                MONITOR,
                                "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + ROLE
                                        + "' AND state IS NOT NULL")
                        .stdout()
                        .strip())
                .as("the api's sessions as the monitor role sees them")
                .isNotEqualTo("0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "read the users         | SELECT count(*) FROM users                            | permission denied for table users",
                "write a user           | INSERT INTO users (username, email) VALUES ('x', 'x') | permission denied for table users",
                "create a table         | CREATE TABLE intruder (id int)                        | permission denied for schema public",
                "read Liquibase's log   | SELECT count(*) FROM databasechangelog                | permission denied for table databasechangelog",
                "read a server file     | SELECT pg_read_file('/etc/passwd')                    | permission denied for function pg_read_file",
                "end the api's sessions | SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'prodstack_api' | permission denied to terminate process",
                "make itself superuser  | ALTER ROLE prodstack_monitor SUPERUSER                | permission denied to alter role",
            })
    void the_monitor_role_is_refused(String what, String sql, String error) {
        Command.Result result = psql(MONITOR, sql.strip());
        assertThat(result.exitCode())
                .as("%s as %s: %s", what, MONITOR, result.stdout())
                .isNotZero();
        assertThat(result.stderr()).as(what).contains(error.strip());
    }

    private static Command.Result psql(String user, String sql) {
        return psql(user, "prodstack", sql);
    }

    /** psql in the db container over TCP (SCRAM, as the api's connections), the password passed by environment. */
    private static Command.Result psql(String user, String database, String sql) {
        String password = stack.secret(
                switch (user) {
                    case ROLE -> "db_api_password";
                    case MONITOR -> "db_monitor_password";
                    default -> "db_password";
                });
        return Command.of(
                        "docker",
                        "exec",
                        "-e",
                        "PGPASSWORD",
                        stack.containerId("db"),
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        user,
                        "-d",
                        database,
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-X",
                        "-tAc",
                        sql)
                .env("PGPASSWORD", password)
                .timeout(Duration.ofSeconds(30))
                .run();
    }
}
