package dev.prodstack.acceptance.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;

/** The Prometheus HTTP API on its loopback-only port, as Grafana and operators use it. */
public final class Prometheus {

    private final String baseUri;

    public Prometheus(String baseUri) {
        this.baseUri = baseUri;
    }

    public String baseUri() {
        return baseUri;
    }

    /** An instant query; returns the result array (empty when there is no series). */
    public JsonNode query(String promql) {
        Response response = given().baseUri(baseUri).queryParam("query", promql).get("/api/v1/query");
        JsonNode body = Json.parse(response.asString());
        if (response.statusCode() != 200
                || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("query failed (" + response.statusCode() + "): " + promql + " -> "
                    + Json.abbreviate(response.asString()));
        }
        return body.path("data").path("result");
    }

    /** A range query over the last {@code seconds}, one point per {@code stepSeconds}. */
    public JsonNode queryRange(String promql, long seconds, long stepSeconds) {
        long end = System.currentTimeMillis() / 1000;
        Response response = given().baseUri(baseUri)
                .queryParam("query", promql)
                .queryParam("start", end - seconds)
                .queryParam("end", end)
                .queryParam("step", stepSeconds)
                .get("/api/v1/query_range");
        JsonNode body = Json.parse(response.asString());
        if (response.statusCode() != 200
                || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("range query failed (" + response.statusCode() + "): " + promql + " -> "
                    + Json.abbreviate(response.asString()));
        }
        return body.path("data").path("result");
    }

    public List<JsonNode> activeTargets() {
        JsonNode body = Json.parse(
                given().baseUri(baseUri).get("/api/v1/targets?state=active").asString());
        List<JsonNode> targets = new ArrayList<>();
        body.path("data").path("activeTargets").forEach(targets::add);
        return targets;
    }

    public JsonNode rules() {
        return Json.parse(given().baseUri(baseUri).get("/api/v1/rules").asString())
                .path("data");
    }
}
