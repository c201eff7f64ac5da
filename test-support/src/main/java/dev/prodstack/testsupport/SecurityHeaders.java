package dev.prodstack.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The edge's security-header contract, in the one place the tests read it from: what nginx adds
 * to every response, errors and redirects included (security/nginx/nginx.conf, "always"). The
 * security module checks nginx.conf against this list; both modules assert it on live responses.
 */
public final class SecurityHeaders {

    /** Headers with one fixed value on every response, whatever the path or status. */
    public static final Map<String, String> FIXED = fixed();

    /** Present on every response with a value that varies (per path, per request). */
    public static final List<String> VARYING = List.of("Content-Security-Policy", "X-Request-ID");

    /** What every Content-Security-Policy of the edge contains, the /docs one included. */
    public static final List<String> CSP_DIRECTIVES = List.of("default-src 'none'", "frame-ancestors 'none'");

    /** The only Server value: nginx without a version. */
    public static final String SERVER = "nginx";

    private SecurityHeaders() {}

    private static Map<String, String> fixed() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put(
                "Permissions-Policy",
                "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                        + "microphone=(), payment=(), usb=()");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        return Map.copyOf(headers);
    }

    /** Every header the edge owns: nginx hides an upstream copy of each, so that only its own is sent. */
    public static List<String> owned() {
        List<String> names = new ArrayList<>(FIXED.keySet());
        names.addAll(VARYING);
        return names.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList();
    }

    /**
     * Each security header exactly once with its value, a request id, and nothing that names the
     * software behind. {@code headers} is looked up case-insensitively whatever map it is.
     */
    public static void assertOn(Map<String, List<String>> headers, int status, String what) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (name != null) {
                byName.merge(
                        name,
                        values,
                        (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
            }
        });
        FIXED.forEach((name, value) -> assertThat(byName.getOrDefault(name, List.of()))
                .as("%s (status %d): exactly one %s", what, status, name)
                .containsExactly(value));
        assertThat(byName.getOrDefault("Content-Security-Policy", List.of()))
                .as("%s (status %d): exactly one Content-Security-Policy", what, status)
                .singleElement()
                .asString()
                .contains(CSP_DIRECTIVES);
        assertThat(byName.getOrDefault("X-Request-ID", List.of()))
                .as("%s (status %d): exactly one X-Request-ID", what, status)
                .singleElement()
                .asString()
                .isNotBlank();
        assertThat(byName.getOrDefault("Server", List.of()))
                .as("%s: Server without a version", what)
                .containsExactly(SERVER);
        assertThat(byName.getOrDefault("X-Powered-By", List.of()))
                .as("%s: no X-Powered-By", what)
                .isEmpty();
    }
}
