package dev.prodstack.service.db;

import dev.prodstack.service.core.User;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Data access for {@code users}: one statement per method. The schema lives in the Liquibase changelog
 * ({@code db/changelog.sql}); nothing here creates or alters tables. Unique and connection failures surface
 * as JDBI exceptions and are turned into 409/503 by {@code DatabaseExceptionMapper}.
 */
@RegisterConstructorMapper(User.class)
public interface UserDao {
    String COLUMNS = "id, username, email, created_at, updated_at";

    @SqlUpdate("INSERT INTO users (username, email) VALUES (:username, :email)")
    @GetGeneratedKeys({"id", "username", "email", "created_at", "updated_at"})
    User insert(@Bind("username") String username, @Bind("email") String email);

    @SqlQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
    Optional<User> findById(@Bind("id") long id);

    /** Keyset page: stable under concurrent inserts and as cheap for page 1000 as for page 1. */
    @SqlQuery("SELECT " + COLUMNS + " FROM users WHERE id > :after ORDER BY id LIMIT :limit")
    List<User> listAfter(@Bind("after") long after, @Bind("limit") int limit);

    @SqlQuery("UPDATE users SET username = :username, email = :email, updated_at = now()" + " WHERE id = :id RETURNING "
            + COLUMNS)
    Optional<User> replace(@Bind("id") long id, @Bind("username") String username, @Bind("email") String email);

    /** A null argument keeps the stored value (PATCH semantics). */
    @SqlQuery("UPDATE users SET username = COALESCE(:username, username), email = COALESCE(:email, email),"
            + " updated_at = now() WHERE id = :id RETURNING " + COLUMNS)
    Optional<User> patch(@Bind("id") long id, @Bind("username") String username, @Bind("email") String email);

    @SqlUpdate("DELETE FROM users WHERE id = :id")
    int delete(@Bind("id") long id);
}
