package dev.prodstack.acceptance;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;

/**
 * Path parameters and encoded semicolons on an id that exists: the api refuses them with a 400
 * JSON error instead of stripping them and answering the user, and nginx forwards them so the edge
 * answers exactly what the api answers.
 */
@Order(75)
class PathParametersIT extends AbstractAcceptanceTest {

    private static final List<String> SUFFIXES = List.of(";", ";x", ";x=y", ";DROP", "%3B", "%3b", "%3Bx=1");
    private static long existingId;

    @BeforeAll
    static void existingUser() {
        existingId = createUser("pathparams");
    }

    @TestFactory
    Stream<DynamicTest> the_same_400_directly_and_through_nginx_and_the_user_is_untouched() {
        Stream<DynamicTest> refusals = SUFFIXES.stream()
                .flatMap(suffix -> Stream.of(
                        DynamicTest.dynamicTest(
                                "GET /users/<id>" + suffix, () -> sameRefusal("GET", "/users/" + existingId + suffix)),
                        DynamicTest.dynamicTest(
                                "DELETE /users/<id>" + suffix,
                                () -> sameRefusal("DELETE", "/users/" + existingId + suffix))));
        return Stream.concat(refusals, Stream.of(DynamicTest.dynamicTest("the user is still there", () -> {
            Response plain = edge().get("/users/" + existingId);
            assertThat(plain.statusCode())
                    .as("the plain id still answers the user after the refused DELETEs")
                    .isEqualTo(200);
            assertThat(plain.jsonPath().getLong("id")).isEqualTo(existingId);
        })));
    }

    private static void sameRefusal(String method, String path) {
        Response direct = withAdmin(given().spec(stack.apiDebugSpec()))
                .urlEncodingEnabled(false)
                .request(method, path);
        Response throughEdge = withAdmin(edge()).urlEncodingEnabled(false).request(method, path);
        for (Response response : List.of(direct, throughEdge)) {
            String what = (response == direct ? "api " : "edge ") + method + " " + path;
            assertThat(response.statusCode())
                    .as("%s: %s", what, response.asString())
                    .isEqualTo(400);
            EdgeAssertions.assertJsonErrorBody(response, what);
        }
        assertThat(throughEdge.jsonPath().getString("message"))
                .as("edge and api give the same message")
                .isEqualTo(direct.jsonPath().getString("message"));
    }

    private static RequestSpecification withAdmin(RequestSpecification request) {
        return request.header("Authorization", "Bearer " + stack.adminToken());
    }
}
