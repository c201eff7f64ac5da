package dev.prodstack.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Paging parameters of GET /users: defaults, bounds, and a 422 naming each bad one. */
class PageRequestTest {
    @Test
    void defaults() {
        assertThat(PageRequest.parse(null, null)).isEqualTo(new PageRequest(50, 0));
        assertThat(PageRequest.parse("", "")).isEqualTo(new PageRequest(50, 0));
    }

    @Test
    void bounds() {
        assertThat(PageRequest.parse("1", "9223372036854775807")).isEqualTo(new PageRequest(1, Long.MAX_VALUE));
        assertThat(PageRequest.parse("500", "0").limit()).isEqualTo(500);
    }

    @Test
    void outOfRangeNamesTheParameter() {
        for (String[] bad :
                new String[][] {{"0", null}, {"501", null}, {"-1", null}, {"x", null}, {null, "-1"}, {null, "1.5"}}) {
            assertThatThrownBy(() -> PageRequest.parse(bad[0], bad[1]))
                    .isInstanceOfSatisfying(
                            InvalidParametersException.class,
                            e -> assertThat(e.errors())
                                    .extracting(ErrorResponse.FieldError::field)
                                    .hasSize(1));
        }
    }
}
