package dev.prodstack.service.db;

import dev.prodstack.service.core.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A {@code users} row as a {@link User}, written by hand: JDBI's ConstructorMapper matched columns to the record's
 * parameters again for every query and read each parameter's annotations for every row (JFR, GET /users: 20 % of the
 * request threads' samples and 19 % of their allocations), because its mapper cache does not survive the per-statement
 * copies of the configuration. The columns are {@link UserDao#COLUMNS}.
 */
public final class UserMapper implements RowMapper<User> {
    static final UserMapper INSTANCE = new UserMapper();

    @Override
    public User map(ResultSet row, StatementContext context) throws SQLException {
        return new User(
                row.getLong("id"),
                row.getString("username"),
                row.getString("email"),
                instant(row, "created_at"),
                instant(row, "updated_at"));
    }

    /** {@code timestamptz}: the driver's Timestamp is the instant itself (its OffsetDateTime allocated four times more). */
    private static Instant instant(ResultSet row, String column) throws SQLException {
        final Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
