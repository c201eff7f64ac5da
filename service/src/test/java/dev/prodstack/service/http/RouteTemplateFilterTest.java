package dev.prodstack.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.glassfish.jersey.uri.UriTemplate;
import org.junit.jupiter.api.Test;

/** Route labels are JAX-RS templates (bounded), joined from Jersey's innermost-first list. */
class RouteTemplateFilterTest {
    @Test
    void joinsMatchedTemplates() {
        assertThat(RouteTemplateFilter.template(List.of(new UriTemplate("/users/{id}"))))
                .isEqualTo("/users/{id}");
        assertThat(RouteTemplateFilter.template(List.of(new UriTemplate("openapi.json"), new UriTemplate("/"))))
                .isEqualTo("/openapi.json");
        assertThat(RouteTemplateFilter.template(List.of(new UriTemplate("/")))).isEqualTo("/");
        assertThat(RouteTemplateFilter.template(List.of())).isEqualTo("/");
    }
}
