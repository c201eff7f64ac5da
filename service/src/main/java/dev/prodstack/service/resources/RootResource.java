package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** GET /: what this service is and where to go next. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class RootResource {
    public static final String SERVICE = "prodstack-service";
    private static final Links LINKS =
            new Links("/health", "/metrics", "/users", "/cache/stats", "/docs", "/openapi.json");

    private final String version;

    public RootResource(String version) {
        this.version = version;
    }

    @GET
    @Timed
    public ServiceInfo root() {
        return new ServiceInfo(SERVICE, version, LINKS);
    }

    public record ServiceInfo(
            @JsonProperty("service") String service,
            @JsonProperty("version") String version,
            @JsonProperty("links") Links links) {}

    public record Links(
            @JsonProperty("health") String health,
            @JsonProperty("metrics") String metrics,
            @JsonProperty("users") String users,
            @JsonProperty("cache_stats") String cacheStats,
            @JsonProperty("docs") String docs,
            @JsonProperty("openapi") String openapi) {}
}
