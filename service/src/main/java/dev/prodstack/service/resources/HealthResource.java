package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import com.codahale.metrics.health.HealthCheck;
import dev.prodstack.service.api.HealthReport;
import dev.prodstack.service.http.RequestIds;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * GET /health, for container health checks, load balancers and the seed's scripts. Postgres down is an
 * outage (503: take this replica out); Redis down only degrades latency (200, "degraded").
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private static final CacheControl NO_STORE = noStore();

    private final HealthCheck database;
    private final HealthCheck cache;
    private final String version;

    public HealthResource(HealthCheck database, HealthCheck cache, String version) {
        this.database = database;
        this.cache = cache;
        this.version = version;
    }

    @GET
    @Timed
    public Response health() {
        final boolean databaseUp = database.execute().isHealthy();
        final boolean cacheUp = cache.execute().isHealthy();
        final String status = !databaseUp ? "unhealthy" : cacheUp ? "healthy" : "degraded";
        final HealthReport report = new HealthReport(status, connection(databaseUp), connection(cacheUp), version,
                databaseUp ? null : 503, databaseUp ? null : "database unavailable", RequestIds.current());
        return Response.status(databaseUp ? 200 : 503).entity(report).cacheControl(NO_STORE).build();
    }

    /** A health answer is about this instant: no proxy or client may reuse it. */
    private static CacheControl noStore() {
        final CacheControl cacheControl = new CacheControl();
        cacheControl.setNoStore(true);
        cacheControl.setNoTransform(false);
        return cacheControl;
    }

    private static String connection(boolean up) {
        return up ? "connected" : "disconnected";
    }
}
