package dev.prodstack.service.resources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which requests the servlet-level cached read may answer; everything else must reach Jersey (0). */
class CachedUserReadFilterTest {
    @Test
    void onlyACanonicalPositiveLongIsAPlainRead() {
        assertThat(CachedUserReadFilter.canonicalId("/users/7")).isEqualTo(7);
        assertThat(CachedUserReadFilter.canonicalId("/users/" + Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        for (String uri : new String[] {
            "/users/",
            "/users/0",
            "/users/07",
            "/users/+7",
            "/users/-7",
            "/users/7;x",
            "/users/7%3B",
            "/users/%37",
            "/users/7/",
            "/users/7/x",
            "/users/abc",
            "/users/9223372036854775808",
            "/users/99999999999999999999",
            "/users",
            "/user/7",
            "//users/7",
            null
        }) {
            assertThat(CachedUserReadFilter.canonicalId(uri)).as(uri).isZero();
        }
    }

    @Test
    void onlyTheAcceptHeadersThatCertainlyTakeJsonAreAPlainRead() {
        assertThat(CachedUserReadFilter.acceptsJson(null)).isTrue();
        assertThat(CachedUserReadFilter.acceptsJson("*/*")).isTrue();
        assertThat(CachedUserReadFilter.acceptsJson("application/json")).isTrue();
        for (String accept : new String[] {"text/html", "application/json;q=0", "application/xml, */*;q=0.1", ""}) {
            assertThat(CachedUserReadFilter.acceptsJson(accept)).as(accept).isFalse();
        }
    }
}
