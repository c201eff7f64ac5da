package dev.prodstack.service.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prodstack.service.auth.Admin;
import dev.prodstack.service.auth.AdminAuthFactory;
import dev.prodstack.service.cache.UserCache;
import dev.prodstack.service.core.User;
import dev.prodstack.service.db.UserDao;
import dev.prodstack.service.support.TestResources;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** UserResource alone: cache-aside reads (X-Cache), token-protected writes and cache invalidation. */
@ExtendWith(DropwizardExtensionsSupport.class)
class UserResourceTest {
    private static final String TOKEN = "unit-test-token";
    private static final UserDao DAO = mock(UserDao.class);
    private static final UserCache CACHE = mock(UserCache.class);
    private static final ResourceExtension RESOURCES = TestResources.builder()
            .addResource(new UserResource(DAO, CACHE))
            .addProvider(authFeature())
            .addProvider(new AuthValueFactoryProvider.Binder<>(Admin.class))
            .build();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final User USER = new User(3, "grace", "grace@example.com", NOW, NOW);

    @AfterEach
    void resetMocks() {
        reset(DAO, CACHE);
    }

    private static Object authFeature() {
        try {
            final Path file = Files.createTempFile("token", ".txt");
            Files.writeString(file, "  " + TOKEN + "\n");
            file.toFile().deleteOnExit();
            final AdminAuthFactory factory = new AdminAuthFactory();
            factory.setTokenFile(file.toString());
            return factory.buildFeature();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Invocation.Builder request(String path, String authorization) {
        final Invocation.Builder request = RESOURCES.target(path).request();
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    @Nested
    class Get {
        @Test
        void aCachedUserIsAHit() {
            when(CACHE.getJson(3))
                    .thenReturn(Optional.of("{\"id\":3,\"username\":\"grace\"}".getBytes(StandardCharsets.UTF_8)));
            final Response response = request("/users/3", null).get();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getHeaderString("X-Cache")).isEqualTo("HIT");
            assertThat(response.getMediaType().toString()).isEqualTo("application/json");
            assertThat(response.readEntity(String.class))
                    .as("the cached JSON, sent as it is")
                    .isEqualTo("{\"id\":3,\"username\":\"grace\"}");
            verify(DAO, never()).findById(anyLong());
        }

        @Test
        void aMissReadsPostgresAndFillsTheCache() {
            when(CACHE.getJson(3)).thenReturn(Optional.empty());
            when(DAO.findById(3)).thenReturn(Optional.of(USER));
            when(CACHE.put(USER)).thenReturn("{\"id\":3,\"username\":\"grace\"}".getBytes(StandardCharsets.UTF_8));
            final Response response = request("/users/3", null).get();
            assertThat(response.getHeaderString("X-Cache")).isEqualTo("MISS");
            assertThat(response.getMediaType().toString()).isEqualTo("application/json");
            assertThat(response.readEntity(JsonNode.class).get("username").asText())
                    .isEqualTo("grace");
            verify(CACHE).put(USER);
        }

        @Test
        void unknownAndMalformedIdsAre404() {
            when(CACHE.getJson(anyLong())).thenReturn(Optional.empty());
            when(DAO.findById(anyLong())).thenReturn(Optional.empty());
            for (String id : new String[] {"4", "abc", "-1", "99999999999999999999"}) {
                final Response response = request("/users/" + id, null).get();
                assertThat(response.getStatus()).as(id).isEqualTo(404);
                assertThat(response.readEntity(JsonNode.class).get("code").asInt())
                        .isEqualTo(404);
            }
        }
    }

    @Nested
    class Writes {
        private static final String BODY = "{\"username\":\"hopper\",\"email\":\"hopper@example.com\"}";

        @Test
        void needTheRightBearerToken() {
            for (String authorization : new String[] {null, "Bearer wrong", "Basic " + TOKEN, "Bearer", TOKEN}) {
                final Response response = request("/users/3", authorization).put(Entity.json(BODY));
                assertThat(response.getStatus())
                        .as(String.valueOf(authorization))
                        .isEqualTo(401);
                assertThat(response.getHeaderString("WWW-Authenticate")).isEqualTo("Bearer realm=\"prodstack\"");
                assertThat(response.readEntity(JsonNode.class).get("code").asInt())
                        .isEqualTo(401);
            }
            verify(DAO, never()).replace(anyLong(), any(), any());
        }

        @Test
        void putReplacesAndInvalidates() {
            when(DAO.replace(3, "hopper", "hopper@example.com")).thenReturn(Optional.of(USER));
            final Response response = request("/users/3", "Bearer " + TOKEN).put(Entity.json(BODY));
            assertThat(response.getStatus()).isEqualTo(200);
            verify(CACHE).evict(3);
        }

        @Test
        void patchPassesOnlyTheGivenFields() {
            when(DAO.patch(3, null, "g@example.com")).thenReturn(Optional.of(USER));
            final Response response = request("/users/3", "bearer " + TOKEN)
                    .method("PATCH", Entity.entity("{\"email\":\"g@example.com\"}", "application/merge-patch+json"));
            assertThat(response.getStatus()).isEqualTo(200);
            verify(CACHE).evict(3);
        }

        @Test
        void patchWithNothingToChangeIs422() {
            final Response response = request("/users/3", "Bearer " + TOKEN).method("PATCH", Entity.json("{}"));
            assertThat(response.getStatus()).isEqualTo(422);
            verify(DAO, never()).patch(anyLong(), any(), any());
        }

        @Test
        void deleteIs204OrA404() {
            when(DAO.delete(3)).thenReturn(1);
            assertThat(request("/users/3", "Bearer " + TOKEN).delete().getStatus())
                    .isEqualTo(204);
            verify(CACHE).evict(3);
            assertThat(request("/users/4", "Bearer " + TOKEN).delete().getStatus())
                    .isEqualTo(404);
        }

        @Test
        void aWrongContentTypeIs415() {
            final Response response = request("/users/3", "Bearer " + TOKEN)
                    .put(Entity.entity("username=x", MediaType.APPLICATION_FORM_URLENCODED_TYPE));
            assertThat(response.getStatus()).isEqualTo(415);
            assertThat(response.readEntity(JsonNode.class).get("code").asInt()).isEqualTo(415);
        }
    }
}
