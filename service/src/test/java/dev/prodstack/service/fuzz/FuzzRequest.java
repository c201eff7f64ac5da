package dev.prodstack.service.fuzz;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A fuzzer input read as a loose HTTP request: the first line is {@code METHOD TARGET}, the lines up to the first
 * empty one are {@code Name: value} headers, the rest is the body. Seeds are therefore plain, readable requests, and
 * the mutations land in the method, path, query, headers and JSON body the service reads.
 *
 * <p>What no client could send (a CR in a header value, a space in a URI) is made sendable rather than dropped, so
 * the service, not the client library, sees the odd bytes: control characters are removed from header values and the
 * target is percent-encoded where it is not a legal URI. {@code $TOKEN} in a header value becomes the admin token,
 * so seeds can reach the authenticated methods.
 */
record FuzzRequest(String method, String target, List<String[]> headers, byte[] body) {

    /** Headers java.net.http sets itself and refuses from the caller. */
    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "http2-settings");

    private static final String TOKEN_CHARS = "!#$%&'*+-.^_`|~";
    /** Characters legal in a URI path or query as they are (RFC 3986 unreserved, sub-delims, ':', '@', '/', '?'). */
    private static final String URI_CHARS = "-._~!$&'()*+,;=:@/?";

    static FuzzRequest parse(byte[] input, String adminToken) {
        String text = new String(input, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\n\n");
        int bodyStart = headEnd < 0 ? text.length() : headEnd + 2;
        String head = headEnd < 0 ? text : text.substring(0, headEnd);
        byte[] body = text.substring(bodyStart).getBytes(StandardCharsets.UTF_8);
        String[] lines = head.split("\n", -1);

        String requestLine = lines[0].strip();
        int space = requestLine.indexOf(' ');
        String method = space < 0 ? requestLine : requestLine.substring(0, space);
        String target = space < 0 ? "/" : requestLine.substring(space + 1).strip();
        if (!isToken(method) || method.length() > 16) {
            method = "GET";
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length && headers.size() < 64; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).strip();
            String value = clean(lines[i].substring(colon + 1).strip()).replace("$TOKEN", adminToken);
            if (isToken(name) && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.add(new String[] {name, value});
            }
        }
        return new FuzzRequest(method, sendableTarget(target), headers, body);
    }

    URI uri(String base) {
        return URI.create(base + target);
    }

    /** The target as a legal URI reference: '/' first, anything else percent-encoded as UTF-8. */
    static String sendableTarget(String target) {
        StringBuilder out = new StringBuilder(target.length() + 8);
        if (!target.startsWith("/")) {
            out.append('/');
        }
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean escape = b == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2]);
            if (escape || b < 0x80 && (Character.isLetterOrDigit(b) || URI_CHARS.indexOf(b) >= 0)) {
                out.append((char) b);
            } else {
                out.append('%').append(String.format("%02X", b));
            }
        }
        return out.toString();
    }

    /** A header value java.net.http accepts: visible ASCII, spaces and tabs; other bytes percent-escaped. */
    private static String clean(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\t' || c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else if (c >= 0x80) {
                out.append("%u").append(Integer.toHexString(c));
            }
        }
        return out.toString();
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (c >= 0x80 || !(Character.isLetterOrDigit(c) || TOKEN_CHARS.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }
}
