package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The running edge scanned as an attacker would, with testssl.sh (Debian's testssl.sh package: protocols by raw
 * sockets, every cipher suite per protocol, forward secrecy, the certificate, OCSP stapling, HSTS): no protocol below
 * TLS 1.2, no NULL/EXPORT/RC4/3DES/anonymous/CBC-SHA1 suite, forward secrecy on every suite, a strong key and
 * signature, stapling where the certificate names a responder, HSTS. The findings are printed as one summary.
 */
@Order(55)
class TlsScanIT extends AbstractAcceptanceTest {

    private static final Pattern WEAK_SUITE =
            Pattern.compile("NULL|EXP|RC4|DES|3DES|ANON|ADH|AECDH|MD5|^(?!.*(GCM|CHACHA|CCM)).*-SHA$");
    /** HSTS max-age of at least 180 days (what testssl.sh itself rates OK). */
    private static final long HSTS_MIN_SECONDS = 15_552_000L;

    private static Map<String, String> findings;
    private static List<String[]> suites;

    @BeforeAll
    static void scan() throws IOException {
        Path json = stack.workDirectory().resolve("testssl.json");
        Files.deleteIfExists(json);
        stack.throttle().rest(); // the header check (-h) sends a few requests of its own
        Command.Result result = Command.of(
                        "testssl",
                        "--quiet",
                        "--color",
                        "0",
                        "--warnings",
                        "off",
                        "--add-ca",
                        stack.devCa().certificate().toString(),
                        "--protocols",
                        "--cipher-per-proto",
                        "--fs",
                        "--server-defaults",
                        "--headers",
                        "--jsonfile",
                        json.toString(),
                        "localhost:" + stack.httpsPort())
                .timeout(Duration.ofMinutes(5))
                .run();
        assertThat(json)
                .as("testssl.sh wrote its findings: %s", result.describe())
                .exists();
        findings = new LinkedHashMap<>();
        suites = new ArrayList<>();
        for (JsonNode finding : new ObjectMapper().readTree(json.toFile())) {
            String id = finding.path("id").asText();
            String text = finding.path("finding").asText();
            findings.put(id, text);
            if (id.startsWith("cipher-")) {
                // "TLS 1.2   xc02c   ECDHE-ECDSA-AES256-GCM-SHA384   ECDH 253   AESGCM   256   TLS_ECDHE_..."
                String[] columns = text.trim().split("\\s+");
                suites.add(new String[] {columns[0] + " " + columns[1], columns[3], columns[4]});
            }
        }
        System.out.println("TlsScanIT: testssl.sh summary for localhost:" + stack.httpsPort() + " ("
                + result.took().toSeconds() + " s)");
        for (String id : List.of(
                "SSLv2",
                "SSLv3",
                "TLS1",
                "TLS1_1",
                "TLS1_2",
                "TLS1_3",
                "ALPN_HTTP2",
                "PFS",
                "FS",
                "PFS_ECDHE_curves",
                "FS_ECDHE_curves",
                "cert_signatureAlgorithm",
                "cert_keySize",
                "cert_ocspURL",
                "OCSP_stapling",
                "HSTS_time",
                "HSTS_subdomains",
                "sessionresumption_ticket",
                "sessionresumption_ID")) {
            if (findings.containsKey(id)) {
                System.out.printf("TlsScanIT:   %-24s %s%n", id, findings.get(id));
            }
        }
        suites.forEach(s -> System.out.printf("TlsScanIT:   suite %-8s %-32s key exchange %s%n", s[0], s[1], s[2]));
    }

    @Test
    void no_protocol_below_tls_1_2() {
        for (String legacy : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
            assertThat(findings.get(legacy)).as(legacy).isEqualTo("not offered");
        }
        assertThat(findings.get("TLS1_2")).as("TLS 1.2").startsWith("offered");
        assertThat(findings.get("TLS1_3")).as("TLS 1.3").startsWith("offered");
        assertThat(suites)
                .as("suites were enumerated, for TLS 1.2 and 1.3 only")
                .isNotEmpty()
                .allMatch(s -> s[0].equals("TLS 1.2") || s[0].equals("TLS 1.3"));
    }

    @Test
    void no_weak_suite_and_forward_secrecy_on_every_one() {
        assertThat(suites)
                .as("no NULL, EXPORT, RC4, 3DES, anonymous or CBC-SHA1 suite")
                .noneMatch(s -> WEAK_SUITE.matcher(s[1].toUpperCase()).find());
        assertThat(suites)
                .as("every suite's key exchange is ephemeral (ECDHE or DHE)")
                .allMatch(s -> s[2].startsWith("ECDH") || s[2].startsWith("DH"));
        assertThat(findings.getOrDefault("PFS", findings.get("FS")))
                .as("forward secrecy")
                .isEqualTo("offered");
    }

    @Test
    void the_certificate_has_a_strong_key_and_signature() {
        String key = findings.get("cert_keySize");
        assertThat(key)
                .as("server key")
                .matches("EC (25[6-9]|[3-9]\\d\\d)\\b.*|RSA (204[8-9]|20[5-9]\\d|2[1-9]\\d\\d|[3-9]\\d{3})\\b.*");
        assertThat(findings.get("cert_signatureAlgorithm"))
                .as("signature")
                .containsAnyOf("SHA256", "SHA384", "SHA512", "Ed25519", "Ed448")
                .doesNotContain("SHA1", "MD5");
    }

    @Test
    void ocsp_stapling_where_the_certificate_names_a_responder() {
        String responder = findings.get("cert_ocspURL");
        if (responder == null || responder.equals("--")) {
            System.out.println("TlsScanIT: the certificate names no OCSP responder (the development CA runs none):"
                    + " stapling cannot apply; testssl.sh: OCSP_stapling " + findings.get("OCSP_stapling"));
            assertThat(findings.get("OCSP_stapling"))
                    .as("nothing stapled without a responder")
                    .isEqualTo("not offered");
        } else {
            assertThat(findings.get("OCSP_stapling"))
                    .as("stapling for responder %s", responder)
                    .startsWith("offered");
        }
    }

    @Test
    void hsts_for_at_least_180_days_with_subdomains() {
        String hsts = findings.get("HSTS_time");
        assertThat(hsts).as("HSTS").contains("seconds");
        long seconds = Long.parseLong(hsts.replaceAll(".*=(\\d+) seconds.*", "$1"));
        assertThat(seconds).as("HSTS max-age").isGreaterThanOrEqualTo(HSTS_MIN_SECONDS);
        assertThat(findings.get("HSTS_subdomains")).isEqualTo("includes subdomains");
    }
}
