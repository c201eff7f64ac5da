package dev.prodstack.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which raw paths carry path parameters: a ';' or an encoded one in either case, nothing else. */
class PathParametersFilterTest {
    @Test
    void semicolonsPlainOrEncodedAreFound() {
        for (String path : new String[] {"/users/7;x", "/users;x=y/7", "/users/7%3B", "/users/7%3bx", "/a%20b/%3B"}) {
            assertThat(PathParametersFilter.hasPathParameters(path)).as(path).isTrue();
        }
    }

    @Test
    void otherPathsAreNot() {
        for (String path : new String[] {"/users/7", "/users", "/a%20b", "/users/%3", "/users/7%", "/%2F3B", "/3B"}) {
            assertThat(PathParametersFilter.hasPathParameters(path)).as(path).isFalse();
        }
        assertThat(PathParametersFilter.hasPathParameters(null)).isFalse();
    }
}
