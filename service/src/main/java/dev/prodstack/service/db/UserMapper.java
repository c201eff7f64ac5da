package dev.prodstack.service.db;

import dev.prodstack.service.core.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * A {@code users} row as a {@link User}, written by hand: JDBI's ConstructorMapper matched columns to the record's
 * parameters again for every query and read each parameter's annotations for every row (JFR, GET /users: 20 % of the
 * request threads' samples and 19 % of their allocations), because its mapper cache does not survive the per-statement
 * copies of the configuration. The columns are {@link UserDao#COLUMNS}; timestamps are read as the driver's
 * {@code OffsetDateTime} for {@code timestamptz} (JDBC 4.2), without a {@code java.sql.Timestamp} in between.
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

    private static Instant instant(ResultSet row, String column) throws SQLException {
        final OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
