package dev.prodstack.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.DevCertificates;
import dev.prodstack.testsupport.SecurityHeaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * nginx.conf adds exactly the headers of the contract (test-support's SecurityHeaders), with its
 * values and on every response, and hides an upstream copy of each: the config and the tests'
 * expectations cannot drift apart without this failing.
 */
class HeaderContractTest {

    private static final Path NGINX_CONF = DevCertificates.repositoryRoot().resolve("security/nginx/nginx.conf");
    private static final Pattern ADD_HEADER =
            Pattern.compile("(?m)^\\s*add_header\\s+(\\S+)\\s+(\"[^\"]*\"|\\S+)\\s*(always)?\\s*;");
    private static final Pattern HIDE_HEADER = Pattern.compile("(?m)^\\s*proxy_hide_header\\s+(\\S+)\\s*;");

    @Test
    void nginxAddsTheContractsHeadersWithItsValuesOnEveryResponse() throws IOException {
        Map<String, String> added = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Matcher matcher = ADD_HEADER.matcher(Files.readString(NGINX_CONF));
        while (matcher.find()) {
            assertThat(matcher.group(3))
                    .as("add_header %s is sent on errors too ('always')", matcher.group(1))
                    .isEqualTo("always");
            assertThat(added.put(matcher.group(1), matcher.group(2).replaceAll("^\"|\"$", "")))
                    .as("add_header %s once", matcher.group(1))
                    .isNull();
        }

        assertThat(List.copyOf(added.keySet()))
                .as("headers nginx.conf adds")
                .containsExactlyElementsOf(SecurityHeaders.owned());
        Map<String, String> fixed = new LinkedHashMap<>(added);
        fixed.keySet().removeAll(SecurityHeaders.VARYING);
        assertThat(fixed).as("fixed values in nginx.conf").containsExactlyInAnyOrderEntriesOf(SecurityHeaders.FIXED);
    }

    @Test
    void nginxHidesTheUpstreamsCopyOfEachHeaderItOwns() throws IOException {
        List<String> hidden = HIDE_HEADER
                .matcher(Files.readString(NGINX_CONF))
                .results()
                .map(result -> result.group(1))
                .sorted(String.CASE_INSENSITIVE_ORDER)
                .toList();

        assertThat(hidden).containsAll(SecurityHeaders.owned()).contains("X-Powered-By");
    }
}
