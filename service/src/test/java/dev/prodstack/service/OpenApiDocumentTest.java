package dev.prodstack.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hand-maintained OpenAPI document is well formed (UsersApiIT checks it against the live routes). */
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private static JsonNode document() throws Exception {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/docs/openapi.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyReferenceResolves() throws Exception {
        final JsonNode document = document();
        final List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(document.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }

    @Test
    void everyOperationHasAnIdAndResponses() throws Exception {
        final JsonNode document = document();
        assertThat(document.get("openapi").asText()).startsWith("3.");
        final Set<String> operationIds = new HashSet<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    if (METHODS.contains(operation.getKey())) {
                        assertThat(operationIds.add(
                                        operation.getValue().get("operationId").asText()))
                                .isTrue();
                        assertThat(operation.getValue().get("responses")).isNotEmpty();
                    }
                }));
        assertThat(operationIds).hasSize(12);
    }

    @Test
    void writesDeclareTheBearerToken() throws Exception {
        final JsonNode user = document().get("paths").get("/users/{id}");
        for (String method : List.of("put", "patch", "delete")) {
            assertThat(user.get(method).get("security").get(0).has("bearerAuth"))
                    .as(method)
                    .isTrue();
            assertThat(user.get(method).get("responses").has("401")).as(method).isTrue();
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
