package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The API's own description, like FastAPI's: /openapi.json (OpenAPI 3, maintained by hand next to the
 * resources; a test fails when a resource method is missing from it) and /docs, a Swagger UI page whose
 * scripts are served by this service from the classpath, so it works with no internet access.
 */
@Path("/")
public final class DocsResource {
    private final ObjectNode openApi;
    private final String page;

    public DocsResource(ObjectMapper mapper, String version) {
        try {
            this.openApi = (ObjectNode) mapper.readTree(resource("/docs/openapi.json"));
            ((ObjectNode) openApi.get("info")).put("version", version);
            this.page = new String(resource("/docs/index.html").readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("docs resources missing from the jar", e);
        }
    }

    @GET
    @Timed
    @Path("openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode openApi() {
        return openApi;
    }

    @GET
    @Timed
    @Path("docs")
    @Produces(MediaType.TEXT_HTML)
    public String docs() {
        return page;
    }

    private static InputStream resource(String name) throws IOException {
        final InputStream in = DocsResource.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " not found");
        }
        return in;
    }
}
