package dev.prodstack.service.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.core.User;
import dev.prodstack.service.db.UserDao;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.support.TestResources;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** UsersResource alone (POST and GET /users) with a stubbed DAO: status codes, headers and error bodies. */
@ExtendWith(DropwizardExtensionsSupport.class)
class UsersResourceTest {
    private static final UserDao DAO = mock(UserDao.class);
    private static final AppMetrics METRICS = new AppMetrics();
    private static final ResourceExtension RESOURCES =
            TestResources.builder().addResource(new UsersResource(DAO, METRICS)).build();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");

    @AfterEach
    void resetDao() {
        reset(DAO);
    }

    private static User user(long id) {
        return new User(id, "user" + id, "user" + id + "@example.com", NOW, NOW);
    }

    private static Response post(String json) {
        return RESOURCES.target("/users").request().post(Entity.entity(json, MediaType.APPLICATION_JSON_TYPE));
    }

    @Nested
    class Create {
        @Test
        void returns200TheUserAndItsLocation() {
            when(DAO.insert("ada_l", "ada@example.com")).thenReturn(new User(7, "ada_l", "ada@example.com", NOW, NOW));
            final Response response = post("{\"username\":\"ada_l\",\"email\":\"ada@example.com\"}");
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getLocation().getPath()).isEqualTo("/users/7");
            final JsonNode body = response.readEntity(JsonNode.class);
            assertThat(body.get("created_at").asText()).isEqualTo("2026-01-02T03:04:05.123456Z");
            assertThat(body.fieldNames())
                    .toIterable()
                    .containsExactly("id", "username", "email", "created_at", "updated_at");
        }

        @Test
        void invalidFieldsAre422AndNeverReachTheDatabase() {
            final Response response = post("{\"username\":\"a b\",\"email\":\"nope\"}");
            assertThat(response.getStatus()).isEqualTo(422);
            final JsonNode body = response.readEntity(JsonNode.class);
            assertThat(body.get("code").asInt()).isEqualTo(422);
            assertThat(body.get("errors").findValuesAsText("field")).containsExactly("email", "username");
            verify(DAO, never()).insert(anyString(), anyString());
        }

        @Test
        void readOnlyFieldsAreIgnoredUnknownOnesRefused() {
            when(DAO.insert("ada_l", "ada@example.com")).thenReturn(user(1));
            assertThat(post("{\"id\":99,\"username\":\"ada_l\",\"email\":\"ada@example.com\",\"created_at\":\"x\"}")
                            .getStatus())
                    .isEqualTo(200);
            final Response unknown = post("{\"username\":\"ada_l\",\"email\":\"ada@example.com\",\"admin\":true}");
            assertThat(unknown.getStatus()).isEqualTo(422);
            assertThat(unknown.readEntity(JsonNode.class)
                            .get("errors")
                            .get(0)
                            .get("field")
                            .asText())
                    .isEqualTo("admin");
        }

        @Test
        void malformedJsonIs400() {
            assertThat(post("{\"username\":").getStatus()).isEqualTo(400);
        }

        @Test
        void aTakenUsernameIs409() {
            when(DAO.insert(anyString(), anyString())).thenThrow(uniqueViolation("users_username_key"));
            final Response response = post("{\"username\":\"taken\",\"email\":\"t@example.com\"}");
            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(response.readEntity(JsonNode.class).get("message").asText())
                    .isEqualTo("username already exists");
        }

        @Test
        void anUnreachableDatabaseIs503() {
            when(DAO.insert(anyString(), anyString()))
                    .thenThrow(new ConnectionException(new SQLException("refused", "08001")));
            final Response response = post("{\"username\":\"nodb\",\"email\":\"n@example.com\"}");
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.readEntity(JsonNode.class).get("message").asText())
                    .isEqualTo("database unavailable");
        }

        @Test
        void anUnexpectedFailureIsAGeneric500() {
            when(DAO.insert(anyString(), anyString())).thenThrow(new IllegalStateException("secret detail"));
            final Response response = post("{\"username\":\"boom\",\"email\":\"b@example.com\"}");
            assertThat(response.getStatus()).isEqualTo(500);
            assertThat(response.readEntity(String.class))
                    .contains("internal server error")
                    .doesNotContain("secret detail");
        }
    }

    @Nested
    class ListUsers {
        @Test
        void aFullPageLinksToTheNext() {
            when(DAO.listAfter(0, 2)).thenReturn(List.of(user(1), user(2)));
            final Response response =
                    RESOURCES.target("/users").queryParam("limit", 2).request().get();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getHeaderString("Link")).isEqualTo("</users?after=2&limit=2>; rel=\"next\"");
        }

        @Test
        void aShortPageHasNoLink() {
            when(DAO.listAfter(5, 50))
                    .thenReturn(LongStream.of(6, 7)
                            .mapToObj(UsersResourceTest::user)
                            .toList());
            final Response response =
                    RESOURCES.target("/users").queryParam("after", 5).request().get();
            assertThat(response.readEntity(JsonNode.class)).hasSize(2);
            assertThat(response.getHeaderString("Link")).isNull();
        }

        @Test
        void badPagingParametersAre422() {
            final Response response = RESOURCES
                    .target("/users")
                    .queryParam("limit", 501)
                    .queryParam("after", "x")
                    .request()
                    .get();
            assertThat(response.getStatus()).isEqualTo(422);
            assertThat(response.readEntity(JsonNode.class).get("errors").findValuesAsText("field"))
                    .containsExactly("limit", "after");
            verify(DAO, never()).listAfter(anyLong(), anyInt());
        }
    }

    /** What JDBI throws for a unique violation: the driver's PSQLException naming the constraint, wrapped. */
    static JdbiException uniqueViolation(String constraint) {
        final ServerErrorMessage message =
                new ServerErrorMessage("SERROR\u0000C23505\u0000Mduplicate key value violates unique constraint\u0000n"
                        + constraint + "\u0000");
        return new JdbiException(new PSQLException(message)) {};
    }
}
