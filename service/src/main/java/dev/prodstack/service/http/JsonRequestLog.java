package dev.prodstack.service.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.prodstack.service.api.IsoInstants;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The access log: one JSON object per request, with the fields and names of Dropwizard's {@code access-json}
 * layout (what the log shippers and operators read), written by a {@link LineWriter}.
 *
 * <p>Why not logback-access: it copies every header, parameter and request attribute of each request into an
 * event for its queue, which made the access log most of a cached read's allocations (young collections every
 * 250 ms, objects promoted by the thousands still queued, full collections of 100+ ms: the edge's p99), and it
 * writes each line with its own call. Here a request thread encodes its ~300 bytes with Jackson and queues them.
 */
public final class JsonRequestLog extends AbstractLifeCycle implements RequestLog {
    private static final JsonFactory JSON = new JsonFactory();
    /** What logback-access writes for a value the request does not have. */
    private static final String NA = "-";

    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    /** The name of the thread that writes the lines, while the server runs. */
    public static final String WRITER_THREAD = "access-log-writer";

    private final List<String> requestAttributes;
    private final Map<String, String> additionalFields;
    private final LineWriter writer;

    public JsonRequestLog(
            OutputStream out, int queueSize, List<String> requestAttributes, Map<String, String> additionalFields) {
        this.requestAttributes = List.copyOf(requestAttributes);
        this.additionalFields = Collections.unmodifiableMap(new LinkedHashMap<>(additionalFields));
        this.writer = new LineWriter(out, queueSize, WRITER_THREAD);
    }

    @Override
    protected void doStart() {
        writer.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        writer.stop(STOP_TIMEOUT_MILLIS);
    }

    @Override
    public void log(Request request, Response response) {
        if ("true".equals(request.getAttribute(RequestMetricsFilter.WARM_UP_ATTRIBUTE))) {
            return;
        }
        try {
            writer.write(line(request, response));
        } catch (IOException | RuntimeException e) {
            // A request that cannot be described (a header Jetty already rejected, say) must not fail its response.
        }
    }

    private byte[] line(Request request, Response response) throws IOException {
        final ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("timestamp", IsoInstants.isoMillis(Instant.now()));
            json.writeNumberField("contentLength", Response.getContentBytesWritten(response));
            json.writeStringField("method", request.getMethod());
            json.writeStringField("protocol", request.getConnectionMetaData().getProtocol());
            json.writeStringField("remoteAddress", orNa(Request.getRemoteAddr(request)));
            json.writeNumberField("requestTime", NanoTime.millisSince(request.getBeginNanoTime()));
            json.writeStringField("uri", orNa(request.getHttpURI().getPath()));
            json.writeNumberField("status", response.getStatus());
            json.writeStringField("userAgent", orNa(request.getHeaders().get(HttpHeader.USER_AGENT)));
            json.writeObjectFieldStart("requestAttributes");
            for (String name : requestAttributes) {
                final Object value = request.getAttribute(name);
                if (value != null) {
                    json.writeStringField(name, value.toString());
                }
            }
            json.writeEndObject();
            for (Map.Entry<String, String> field : additionalFields.entrySet()) {
                json.writeStringField(field.getKey(), field.getValue());
            }
            json.writeEndObject();
        }
        bytes.append('\n');
        return bytes.toByteArray();
    }

    private static String orNa(String value) {
        return value == null ? NA : value;
    }
}
