package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The users API through nginx: create, read, list with keyset paging, admin-only writes, error statuses. */
@Order(20)
class UserCrudThroughEdgeIT extends AbstractAcceptanceTest {

    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    @Nested
    class Create {

        @Test
        void post_answers_200_with_the_user_and_a_location() {
            Map<String, Object> body = newUserBody("crud");

            Response response =
                    edge().contentType("application/json").body(body).post("/users");

            assertThat(response.statusCode())
                    .as("POST /users: %s", response.asString())
                    .isEqualTo(200);
            long id = response.jsonPath().getLong("id");
            assertThat(id).as("id").isPositive();
            assertThat(response.jsonPath().getString("username")).isEqualTo(body.get("username"));
            assertThat(response.jsonPath().getString("email")).isEqualTo(body.get("email"));
            assertThat(response.jsonPath().getString("created_at"))
                    .as("created_at")
                    .isNotBlank();
            String location = response.getHeader("Location");
            assertThat(location).as("Location header").isNotNull().endsWith("/users/" + id);
            URI uri = URI.create(location);
            if (uri.isAbsolute()) {
                assertThat(uri.getScheme() + "://" + uri.getAuthority())
                        .as("an absolute Location points back at the edge the client used")
                        .isEqualTo(stack.edgeUrl());
            }
        }

        @Test
        void duplicate_username_or_email_is_409() {
            Map<String, Object> body = newUserBody("dup");
            assertThat(edge().contentType("application/json")
                            .body(body)
                            .post("/users")
                            .statusCode())
                    .isEqualTo(200);

            Response sameUsername = edge().contentType("application/json")
                    .body(Map.of("username", body.get("username"), "email", unique("other") + "@example.com"))
                    .post("/users");
            EdgeAssertions.assertJsonError(sameUsername, 409, "duplicate username");

            Response sameEmail = edge().contentType("application/json")
                    .body(Map.of("username", unique("other"), "email", body.get("email")))
                    .post("/users");
            EdgeAssertions.assertJsonError(sameEmail, 409, "duplicate email");
        }

        @Test
        void invalid_fields_are_422_with_field_errors() {
            Response response = edge().contentType("application/json")
                    .body(Map.of("username", "", "email", "not-an-email"))
                    .post("/users");

            EdgeAssertions.assertJsonError(response, 422, "invalid user");
            assertThat(response.asString())
                    .as("the errors name the fields")
                    .contains("username")
                    .contains("email");
        }

        @Test
        void malformed_json_is_400() {
            Response response = edge().contentType("application/json")
                    .body("{\"username\": ")
                    .post("/users");

            EdgeAssertions.assertJsonError(response, 400, "malformed JSON");
        }
    }

    @Nested
    class Read {

        @Test
        void get_returns_the_created_user() {
            long id = createUser("read");

            Response response = edge().get("/users/" + id);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.jsonPath().getLong("id")).isEqualTo(id);
            assertThat(response.jsonPath().getString("username")).startsWith("read_");
        }

        @Test
        void unknown_user_is_404_json() {
            EdgeAssertions.assertJsonError(edge().get("/users/987654321"), 404, "GET unknown user");
        }

        @Test
        void list_pages_with_limit_and_after_and_a_next_link() {
            long first = createUser("page");
            long second = createUser("page");
            long third = createUser("page");

            Response page =
                    edge().queryParam("limit", 2).queryParam("after", first - 1).get("/users");

            assertThat(page.statusCode())
                    .as("GET /users?limit=2&after=..: %s", page.asString())
                    .isEqualTo(200);
            List<Long> ids = page.jsonPath().getList("id", Long.class);
            assertThat(ids).as("the first page after id %d", first - 1).containsExactly(first, second);
            String link = page.getHeader("Link");
            assertThat(link).as("Link header with rel=next").isNotNull();
            Matcher next = NEXT_LINK.matcher(link);
            assertThat(next.find()).as("Link has a rel=\"next\" URL: %s", link).isTrue();
            URI nextUri = URI.create(next.group(1));
            assertThat(nextUri.getQuery())
                    .as("the next link carries the cursor")
                    .contains("after=" + second);

            Response following = edge().get(nextUri.getRawPath() + "?" + nextUri.getRawQuery());

            assertThat(following.statusCode()).isEqualTo(200);
            assertThat(following.jsonPath().getList("id", Long.class))
                    .as("the page after the cursor")
                    .startsWith(third);
        }

        @Test
        void list_defaults_to_at_most_50_and_caps_the_limit() {
            Response page = edge().get("/users");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.jsonPath().getList("$")).hasSizeLessThanOrEqualTo(50);

            Response tooMany = edge().queryParam("limit", 501).get("/users");
            assertThat(tooMany.statusCode())
                    .as("limit above 500 is refused or capped: %s", tooMany.asString())
                    .isIn(200, 400, 422);
            if (tooMany.statusCode() == 200) {
                assertThat(tooMany.jsonPath().getList("$")).hasSizeLessThanOrEqualTo(500);
            } else {
                EdgeAssertions.assertJsonErrorBody(tooMany, "limit=501");
            }
        }
    }

    @Nested
    class AdminWrites {

        @Test
        void put_replaces_the_user_with_the_admin_token() {
            long id = createUser("put");
            Map<String, Object> replacement = newUserBody("put2");

            Response response =
                    admin().contentType("application/json").body(replacement).put("/users/" + id);

            assertThat(response.statusCode()).as("PUT: %s", response.asString()).isEqualTo(200);
            assertThat(response.jsonPath().getString("username")).isEqualTo(replacement.get("username"));
            assertThat(edge().get("/users/" + id).jsonPath().getString("email")).isEqualTo(replacement.get("email"));
        }

        @Test
        void patch_changes_only_the_given_field() {
            long id = createUser("patch");
            String before = edge().get("/users/" + id).jsonPath().getString("username");
            String email = unique("patched") + "@example.com";

            Response response = admin().contentType("application/json")
                    .body(Map.of("email", email))
                    .patch("/users/" + id);

            assertThat(response.statusCode())
                    .as("PATCH: %s", response.asString())
                    .isEqualTo(200);
            Response after = edge().get("/users/" + id);
            assertThat(after.jsonPath().getString("email")).isEqualTo(email);
            assertThat(after.jsonPath().getString("username")).isEqualTo(before);
        }

        @Test
        void delete_removes_the_user() {
            long id = createUser("delete");

            Response response = admin().delete("/users/" + id);

            assertThat(response.statusCode())
                    .as("DELETE: %s", response.asString())
                    .isIn(200, 204);
            EdgeAssertions.assertJsonError(edge().get("/users/" + id), 404, "GET after DELETE");
            EdgeAssertions.assertJsonError(admin().delete("/users/" + id), 404, "DELETE twice");
        }

        @Test
        void writes_without_or_with_a_wrong_token_are_401() {
            long id = createUser("noauth");
            Map<String, Object> body = newUserBody("noauth2");

            EdgeAssertions.assertJsonError(
                    edge().contentType("application/json").body(body).put("/users/" + id), 401, "PUT without token");
            EdgeAssertions.assertJsonError(
                    edge().contentType("application/json")
                            .body(Map.of("email", "x@example.com"))
                            .patch("/users/" + id),
                    401,
                    "PATCH without token");
            EdgeAssertions.assertJsonError(edge().delete("/users/" + id), 401, "DELETE without token");
            EdgeAssertions.assertJsonError(
                    edge().header("Authorization", "Bearer not-the-token").delete("/users/" + id),
                    401,
                    "DELETE with a wrong token");
            assertThat(edge().get("/users/" + id).statusCode())
                    .as("the user is untouched")
                    .isEqualTo(200);
        }

        @Test
        void admin_writes_to_unknown_users_are_404() {
            EdgeAssertions.assertJsonError(
                    admin().contentType("application/json")
                            .body(newUserBody("ghost"))
                            .put("/users/987654321"),
                    404,
                    "PUT unknown");
            EdgeAssertions.assertJsonError(admin().delete("/users/987654321"), 404, "DELETE unknown");
        }

        @Test
        void admin_update_to_a_taken_username_is_409_and_invalid_is_422() {
            long first = createUser("taken");
            long second = createUser("taken");
            String firstName = edge().get("/users/" + first).jsonPath().getString("username");

            EdgeAssertions.assertJsonError(
                    admin().contentType("application/json")
                            .body(Map.of("username", firstName))
                            .patch("/users/" + second),
                    409,
                    "PATCH to a taken username");
            EdgeAssertions.assertJsonError(
                    admin().contentType("application/json")
                            .body(Map.of("email", "nope"))
                            .patch("/users/" + second),
                    422,
                    "PATCH with an invalid email");
        }
    }
}
