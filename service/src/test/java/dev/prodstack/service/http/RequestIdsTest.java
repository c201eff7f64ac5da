package dev.prodstack.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which incoming request ids are echoed, and which are replaced by a fresh UUID. */
class RequestIdsTest {
    @Test
    void echoesSafeIds() {
        assertThat(RequestIds.resolve("abc-123")).isEqualTo("abc-123");
        assertThat(RequestIds.resolve("nginx.req:0a1B_2")).isEqualTo("nginx.req:0a1B_2");
        assertThat(RequestIds.resolve("x".repeat(128))).hasSize(128);
    }

    @Test
    void replacesEverythingElse() {
        for (String bad : new String[] {null, "", "x".repeat(129), "a b", "a\r\nSet-Cookie: x", "<script>", "ünï"}) {
            assertThat(RequestIds.resolve(bad))
                    .isNotEqualTo(bad)
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        }
    }
}
