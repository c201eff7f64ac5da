package dev.prodstack.service.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prodstack.service.core.User;
import dev.prodstack.service.support.TestServices;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/** The SQL of UserDao and the migrated schema, against the real Postgres (no mocks for data access). */
class UserDaoIT {
    private static Jdbi jdbi;
    private UserDao users;

    @BeforeAll
    static void schema() {
        TestServices.migrate();
        jdbi = Jdbi.create(TestServices.DATABASE_URL, TestServices.DATABASE_USER, TestServices.DATABASE_PASSWORD);
    }

    @BeforeEach
    void clean() {
        TestServices.cleanUsers();
        users = new UserDao(jdbi);
    }

    @Test
    void insertReturnsTheStoredRow() {
        final User user = users.insert("ada", "ada@example.com");
        assertThat(user.id()).isPositive();
        assertThat(user.createdAt()).isNotNull().isEqualTo(user.updatedAt());
        assertThat(users.findById(user.id())).contains(user);
        assertThat(users.findById(user.id() + 1000)).isEmpty();
    }

    @Test
    void listIsAKeysetPageInIdOrder() {
        final List<Long> ids = List.of(
                users.insert("user1", "u1@example.com").id(),
                users.insert("user2", "u2@example.com").id(),
                users.insert("user3", "u3@example.com").id());
        assertThat(users.listAfter(0, 2)).extracting(User::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(users.listAfter(ids.get(1), 2)).extracting(User::id).containsExactly(ids.get(2));
        assertThat(users.listAfter(ids.get(2), 2)).isEmpty();
    }

    @Test
    void replaceAndPatchUpdateTheTimestamp() {
        final User user = users.insert("grace", "grace@example.com");
        final User replaced =
                users.replace(user.id(), "hopper", "hopper@example.com").orElseThrow();
        assertThat(replaced.username()).isEqualTo("hopper");
        assertThat(replaced.createdAt()).isEqualTo(user.createdAt());
        assertThat(replaced.updatedAt()).isAfter(user.updatedAt());

        final User patched = users.patch(user.id(), null, "g@example.com").orElseThrow();
        assertThat(patched.username()).isEqualTo("hopper");
        assertThat(patched.email()).isEqualTo("g@example.com");
        assertThat(users.patch(user.id() + 1000, "nobody", null)).isEmpty();
    }

    @Test
    void deleteReportsWhetherARowWent() {
        final User user = users.insert("knuth", "knuth@example.com");
        assertThat(users.delete(user.id())).isEqualTo(1);
        assertThat(users.delete(user.id())).isZero();
    }

    @Test
    void usernameAndEmailAreUniqueEmailInAnyCase() {
        users.insert("turing", "alan@example.com");
        assertThatThrownBy(() -> users.insert("turing", "other@example.com"))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasRootCauseInstanceOf(PSQLException.class)
                .rootCause()
                .hasMessageContaining("users_username_key");
        assertThatThrownBy(() -> users.insert("alan", "ALAN@example.com"))
                .rootCause()
                .hasMessageContaining("users_email_key");
    }

    @Test
    void theDatabaseRefusesWhatTheApiRefuses() {
        assertThatThrownBy(() -> users.insert("x y", "a@example.com"))
                .rootCause()
                .hasMessageContaining("users_username_format");
        assertThatThrownBy(() -> users.insert("valid", "no-at-sign"))
                .rootCause()
                .hasMessageContaining("users_email_format");
    }

    @Test
    void theSchemaIsTheMigratedOne() {
        final List<Map<String, Object>> columns = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT column_name, data_type, is_identity FROM information_schema.columns "
                                + "WHERE table_name = 'users' ORDER BY ordinal_position")
                .mapToMap()
                .list());
        assertThat(columns)
                .extracting(column -> column.get("column_name") + " " + column.get("data_type"))
                .containsExactly(
                        "id bigint",
                        "username character varying",
                        "email character varying",
                        "created_at timestamp with time zone",
                        "updated_at timestamp with time zone");
        assertThat(columns.get(0).get("is_identity")).isEqualTo("YES");
        final long changesets = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT count(*) FROM databasechangelog WHERE filename = 'db/changelog.sql'")
                .mapTo(Long.class)
                .one());
        assertThat(changesets).isEqualTo(3);
    }
}
