package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.api.HealthReport;
import dev.prodstack.service.core.Readiness;
import dev.prodstack.service.http.RequestIds;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.function.BooleanSupplier;

/**
 * GET /health, for container health checks, load balancers and the seed's scripts. Postgres down is an
 * outage (503: take this replica out); Redis down only degrades latency (200, "degraded"). A replica still
 * warming up answers 503 "starting", so it gets no clients before its request path is compiled; one that has
 * been told to stop answers 503 "stopping" while it still serves, so proxies drop it before it refuses anything.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private static final String NO_STORE = "no-store";

    /** Asked on every call (Postgres through the pool, Redis PING): the answer is about this instant. */
    private final BooleanSupplier database;

    private final BooleanSupplier cache;
    private final String version;
    private final Readiness readiness;

    public HealthResource(BooleanSupplier database, BooleanSupplier cache, String version, Readiness readiness) {
        this.database = database;
        this.cache = cache;
        this.version = version;
        this.readiness = readiness;
    }

    @GET
    @Timed
    public Response health() {
        final boolean databaseUp = database.getAsBoolean();
        final boolean cacheUp = cache.getAsBoolean();
        final boolean warm = readiness.isWarm();
        final boolean stopping = readiness.isStopping();
        final String status = stopping
                ? "stopping"
                : !databaseUp ? "unhealthy" : !warm ? "starting" : cacheUp ? "healthy" : "degraded";
        final boolean serving = databaseUp && warm && !stopping;
        final String problem = stopping ? "shutting down" : !databaseUp ? "database unavailable" : "warming up";
        final HealthReport report = new HealthReport(
                status,
                connection(databaseUp),
                connection(cacheUp),
                version,
                serving ? null : 503,
                serving ? null : problem,
                RequestIds.current());
        // A health answer is about this instant: no proxy or client may reuse it. The header's text, not a
        // CacheControl, which Jersey would turn into text again on every call through a header delegate.
        return Response.status(serving ? 200 : 503)
                .entity(report)
                .header(HttpHeaders.CACHE_CONTROL, NO_STORE)
                .build();
    }

    private static String connection(boolean up) {
        return up ? "connected" : "disconnected";
    }
}
