package dev.prodstack.service.errors;

import dev.prodstack.service.metrics.DependencyStatus;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postgres failures as HTTP: a unique violation is a 409 naming the taken field; an unreachable, overloaded or
 * too-slow database is a 503 (clients and nginx may retry elsewhere) and marks the dependency down; anything
 * else is a bug (500).
 */
public final class DatabaseExceptionMapper implements ExceptionMapper<JdbiException> {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseExceptionMapper.class);
    private static final String UNIQUE_VIOLATION = "23505";
    /** statement_timeout, admin shutdown, crash shutdown, cannot connect now, too many connections. */
    private static final Set<String> UNAVAILABLE = Set.of("57014", "57P01", "57P02", "57P03", "53300");

    private final DependencyStatus database;

    public DatabaseExceptionMapper(DependencyStatus database) {
        this.database = database;
    }

    @Override
    public Response toResponse(JdbiException error) {
        final Optional<SQLException> sql = Causes.find(error, SQLException.class);
        final String state = sql.map(SQLException::getSQLState).orElse(null);
        if (UNIQUE_VIOLATION.equals(state)) {
            return ErrorResponses.of(409, takenField(sql.get()) + " already exists");
        }
        if (state == null || state.startsWith("08") || UNAVAILABLE.contains(state)) {
            // No SQLState: the pool could not hand out a connection in time, or the driver could not connect.
            database.markDown(error);
            return ErrorResponses.of(503, "database unavailable");
        }
        LOG.error("database error {}", state, error);
        return ErrorResponses.of(500, "internal server error");
    }

    /** users_username_key -> username, users_email_key -> email (constraint names from the changelog). */
    private static String takenField(SQLException error) {
        final String constraint = error instanceof PSQLException psql
                ? Optional.ofNullable(psql.getServerErrorMessage())
                        .map(ServerErrorMessage::getConstraint)
                        .orElse("")
                : "";
        if (constraint.contains("email")) {
            return "email";
        }
        return constraint.contains("username") ? "username" : "user";
    }
}
