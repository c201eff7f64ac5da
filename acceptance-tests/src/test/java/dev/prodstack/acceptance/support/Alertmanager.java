package dev.prodstack.acceptance.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The Alertmanager v2 API on its loopback-only port. */
public final class Alertmanager {

    private final String baseUri;

    public Alertmanager(String baseUri) {
        this.baseUri = baseUri;
    }

    public String baseUri() {
        return baseUri;
    }

    /** Alerts Alertmanager currently holds as active (firing, not silenced or inhibited away). */
    public List<JsonNode> activeAlerts(String alertName) {
        JsonNode body = Json.parse(given().baseUri(baseUri)
                .queryParam("active", true)
                .queryParam("silenced", false)
                .queryParam("inhibited", true)
                .queryParam("filter", "alertname=\"" + alertName + "\"")
                .get("/api/v2/alerts")
                .asString());
        List<JsonNode> alerts = new ArrayList<>();
        body.forEach(alert -> {
            // A resolved alert may linger until garbage collection; its endsAt is in the past.
            String endsAt = alert.path("endsAt").asText("");
            boolean ended = !endsAt.isEmpty()
                    && OffsetDateTime.parse(endsAt).toInstant().isBefore(Instant.now());
            if (!ended) {
                alerts.add(alert);
            }
        });
        return alerts;
    }

    public boolean ready() {
        return given().baseUri(baseUri).get("/-/ready").statusCode() == 200;
    }
}
