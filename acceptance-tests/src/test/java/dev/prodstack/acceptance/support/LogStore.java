package dev.prodstack.acceptance.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The logging overlay's store (OpenSearch) on its loopback-only port, as scripts/logs.sh and
 * operators use it: searches over the daily indices prodstack-logs-*, and index administration
 * for the retention test.
 */
public final class LogStore {

    public static final String INDICES = "prodstack-logs-*";

    private final String baseUri;

    public LogStore(String baseUri) {
        this.baseUri = baseUri;
    }

    /** The store of the running stack: the loopback port the suite chose (LOG_STORE_PORT). */
    public static LogStore of(AcceptanceStack stack) {
        String port = stack.environment().get("LOG_STORE_PORT");
        if (port == null) {
            throw new IllegalStateException("the acceptance stack runs without LOG_STORE_PORT (no logging overlay?)");
        }
        return new LogStore("http://127.0.0.1:" + port);
    }

    public String baseUri() {
        return baseUri;
    }

    /** The documents (their _source) matching a term on {@code field}, oldest first. */
    public List<JsonNode> byTerm(String field, String value, int size) {
        return search(Map.of("term", Map.of(field, value)), size);
    }

    /** The documents (their _source) of a query, oldest first. */
    public List<JsonNode> search(Map<String, Object> query, int size) {
        Map<String, Object> body =
                Map.of("size", size, "query", query, "sort", List.of(Map.of("@timestamp", Map.of("order", "asc"))));
        JsonNode result = post("/" + INDICES + "/_search?ignore_unavailable=true&allow_no_indices=true", body);
        List<JsonNode> documents = new ArrayList<>();
        result.path("hits").path("hits").forEach(hit -> documents.add(hit.path("_source")));
        return documents;
    }

    /** How many documents match a query (0 while no index exists). */
    public long count(Map<String, Object> query) {
        return post("/" + INDICES + "/_count?ignore_unavailable=true&allow_no_indices=true", Map.of("query", query))
                .path("count")
                .asLong();
    }

    /** The names of the daily indices. */
    public List<String> indices() {
        Response response = given().baseUri(baseUri).get("/_cat/indices/" + INDICES + "?h=index&format=json");
        check(response, "list indices");
        List<String> names = new ArrayList<>();
        Json.parse(response.asString())
                .forEach(index -> names.add(index.path("index").asText()));
        return names;
    }

    public void createIndex(String name) {
        Response response = given().baseUri(baseUri).put("/" + name);
        check(response, "create " + name);
    }

    public void deleteIndex(String name) {
        given().baseUri(baseUri).delete("/" + name);
    }

    /** Makes the latest writes searchable now instead of at the next refresh (1 s). */
    public void refresh() {
        given().baseUri(baseUri).post("/" + INDICES + "/_refresh?ignore_unavailable=true&allow_no_indices=true");
    }

    /** The cluster health status (green, yellow, red), or "down" when the store does not answer. */
    public String health() {
        try {
            Response response = given().baseUri(baseUri).get("/_cluster/health");
            return response.statusCode() == 200
                    ? response.jsonPath().getString("status")
                    : "http " + response.statusCode();
        } catch (Exception e) { // RestAssured throws the checked ConnectException undeclared
            return "down";
        }
    }

    private JsonNode post(String path, Map<String, Object> body) {
        Response response = given().baseUri(baseUri)
                .contentType("application/json")
                .body(body)
                .post(path);
        check(response, "POST " + path);
        return Json.parse(response.asString());
    }

    private static void check(Response response, String what) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    what + " answered " + response.statusCode() + ": " + Json.abbreviate(response.asString()));
        }
    }
}
