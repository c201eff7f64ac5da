package dev.prodstack.service.http;

import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Request ids: the one nginx (or the client) sent if it is safe to echo and log, else a new UUID.
 * The pattern keeps header injection, log forging and unbounded sizes out.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-ID";
    /** Name in the SLF4J MDC (a field of every JSON log line) and the servlet request attribute (access log). */
    public static final String KEY = "request_id";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {}

    public static String resolve(String incoming) {
        return incoming != null && VALID.matcher(incoming).matches()
                ? incoming
                : UUID.randomUUID().toString();
    }

    /** The id of the request this thread is serving, if any. */
    public static String current() {
        return MDC.get(KEY);
    }
}
