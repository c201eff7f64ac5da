package dev.prodstack.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.prodstack.security.support.DevCertificates;
import dev.prodstack.testsupport.Command;
import dev.prodstack.testsupport.HostProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** security/tls/make-dev-certs.sh: a development CA, a server certificate it signs, safe re-runs and file modes. */
class MakeDevCertsTest {

    private static final int DNS = 2;
    private static final int IP = 7;

    @TempDir
    Path out;

    @Nested
    class FirstRun {

        @Test
        void writesACaAndAServerCertificateItSigns() throws Exception {
            assertSucceeds(run(List.of(out.toString())));

            X509Certificate ca = DevCertificates.readCertificate(out.resolve("ca.crt"));
            X509Certificate server = DevCertificates.readCertificate(out.resolve("server.crt"));
            assertThat(ca.getBasicConstraints()).as("ca.crt is a CA").isGreaterThanOrEqualTo(0);
            assertThat(server.getBasicConstraints())
                    .as("server.crt is not a CA")
                    .isEqualTo(-1);
            assertThatCode(() -> server.verify(ca.getPublicKey()))
                    .as("server.crt is signed by ca.crt")
                    .doesNotThrowAnyException();
            assertThat(server.getExtendedKeyUsage()).as("server authentication").contains("1.3.6.1.5.5.7.3.1");
            assertThatCode(() -> DevCertificates.readPrivateKey(out.resolve("server.key")))
                    .doesNotThrowAnyException();
        }

        @Test
        void namesLocalhostLoopbackAndTheComposeServiceName() throws Exception {
            assertSucceeds(run(List.of(out.toString())));

            assertThat(subjectAltNames())
                    .containsExactlyInAnyOrder("DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1", "DNS:proxy");
        }

        @Test
        void addsExtraNamesFromOptionsAndEnvironment() throws Exception {
            assertSucceeds(run(
                    List.of("--san", "api.example.test", "--san", "10.0.0.5", out.toString()),
                    List.of("TLS_EXTRA_SANS=edge.example.test, 192.0.2.10")));

            assertThat(subjectAltNames())
                    .contains(
                            "DNS:api.example.test",
                            "IP:10.0.0.5",
                            "DNS:edge.example.test",
                            "IP:192.0.2.10",
                            "DNS:localhost");
        }

        @Test
        void keepsTheCaKeyPrivateAndTheServerKeyReadableByTheNginxUser() throws IOException {
            assertSucceeds(run(List.of(out.toString())));

            assertThat(mode("ca.key")).as("ca.key").isEqualTo("rw-------");
            assertThat(mode("server.key"))
                    .as("server.key, readable by nginx's uid through a bind mount")
                    .isEqualTo("rw-r--r--");
            assertThat(mode("ca.crt")).isEqualTo("rw-r--r--");
            assertThat(mode("server.crt")).isEqualTo("rw-r--r--");
            try (var leftovers = Files.list(out)) {
                assertThat(leftovers.map(path -> path.getFileName().toString()))
                        .as("only the four files, no scratch directory")
                        .containsExactlyInAnyOrder("ca.crt", "ca.key", "server.crt", "server.key");
            }
        }

        @Test
        void givesTheServerKeyToAGroupWhenAsked() throws IOException {
            int gid = (Integer) Files.getAttribute(out, "unix:gid");

            assertSucceeds(run(List.of("--key-group", Integer.toString(gid), out.toString())));

            assertThat(mode("server.key")).isEqualTo("rw-r-----");
            assertThat(Files.getAttribute(out.resolve("server.key"), "unix:gid"))
                    .isEqualTo(gid);
        }

        @Test
        void dryRunWritesNothing() throws IOException {
            Command.Result run = run(List.of("--dry-run", out.resolve("tls").toString()));

            assertSucceeds(run);
            assertThat(run.output()).contains("would create the development CA");
            assertThat(out.resolve("tls")).doesNotExist();
        }
    }

    @Nested
    class ReRun {

        @Test
        void keepsExistingMaterial() throws IOException {
            assertSucceeds(run(List.of(out.toString())));
            byte[] ca = Files.readAllBytes(out.resolve("ca.crt"));
            byte[] server = Files.readAllBytes(out.resolve("server.crt"));

            Command.Result again = run(List.of(out.toString()));

            assertSucceeds(again);
            assertThat(again.output()).contains("keeping the existing CA and server certificate");
            assertThat(out.resolve("ca.crt")).hasBinaryContent(ca);
            assertThat(out.resolve("server.crt")).hasBinaryContent(server);
        }

        @Test
        void reissuesAMissingServerCertificateWithTheSameCa() throws Exception {
            assertSucceeds(run(List.of(out.toString())));
            byte[] ca = Files.readAllBytes(out.resolve("ca.crt"));
            Files.delete(out.resolve("server.crt"));

            assertSucceeds(run(List.of(out.toString())));

            assertThat(out.resolve("ca.crt")).hasBinaryContent(ca);
            X509Certificate server = DevCertificates.readCertificate(out.resolve("server.crt"));
            assertThatCode(() -> server.verify(DevCertificates.readCertificate(out.resolve("ca.crt"))
                            .getPublicKey()))
                    .doesNotThrowAnyException();
        }

        @Test
        void forceReplacesTheCaToo() throws IOException {
            assertSucceeds(run(List.of(out.toString())));
            byte[] ca = Files.readAllBytes(out.resolve("ca.crt"));

            assertSucceeds(run(List.of("--force", out.toString())));

            assertThat(Files.readAllBytes(out.resolve("ca.crt"))).isNotEqualTo(ca);
        }
    }

    @Nested
    class CommandLine {

        @Test
        void helpExplainsUsage() {
            Command.Result run = run(List.of("--help"));

            assertSucceeds(run);
            assertThat(run.output()).contains("Usage:", "--force", "--san", "--key-group", "--dry-run");
        }

        @Test
        void rejectsAnUnknownOption() {
            Command.Result run = run(List.of("--bogus"));

            assertThat(run.exitCode()).isNotZero();
            assertThat(run.output()).contains("unknown option: --bogus");
        }

        @Test
        void isShellcheckClean() {
            Command.Result shellcheck = Command.program(
                            HostProgram.of("shellcheck", "shellcheck"),
                            DevCertificates.script().toString())
                    .timeout(Duration.ofSeconds(60))
                    .run();
            assertThat(shellcheck.exitCode())
                    .as("shellcheck findings:%n%s", shellcheck.output())
                    .isZero();
        }
    }

    private static Command.Result run(List<String> arguments) {
        return run(arguments, List.of());
    }

    private static Command.Result run(List<String> arguments, List<String> environment) {
        return DevCertificates.runScript(arguments, environment);
    }

    private static void assertSucceeds(Command.Result run) {
        assertThat(run.exitCode())
                .as("make-dev-certs.sh output:%n%s", run.output())
                .isZero();
    }

    private String mode(String file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(file)));
    }

    private List<String> subjectAltNames() throws IOException, GeneralSecurityException {
        Collection<List<?>> names =
                DevCertificates.readCertificate(out.resolve("server.crt")).getSubjectAlternativeNames();
        return names.stream().map(MakeDevCertsTest::describe).collect(Collectors.toList());
    }

    private static String describe(List<?> name) {
        int type = (Integer) name.get(0);
        String prefix = type == DNS ? "DNS:" : type == IP ? "IP:" : type + ":";
        return prefix + name.get(1);
    }
}
