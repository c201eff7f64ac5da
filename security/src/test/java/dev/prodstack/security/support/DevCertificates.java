package dev.prodstack.security.support;

import dev.prodstack.testsupport.Command;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The development CA and server certificate, made by {@code security/tls/make-dev-certs.sh}
 * into {@code target/tls} once per test JVM, and TLS contexts built on them.
 */
public final class DevCertificates {

    private static final Path ROOT =
            Path.of(System.getProperty("prodstack.root", "..")).toAbsolutePath().normalize();
    private static final Path SCRIPT = ROOT.resolve("security/tls/make-dev-certs.sh");
    private static final Path DIRECTORY =
            Path.of(System.getProperty("prodstack.tls.dir", "target/tls")).toAbsolutePath();

    private static boolean generated;

    private DevCertificates() {}

    /** The script under test. */
    public static Path script() {
        return SCRIPT;
    }

    /** The repository root. */
    public static Path repositoryRoot() {
        return ROOT;
    }

    /** The directory holding ca.crt, ca.key, server.crt and server.key, generated on first use. */
    public static synchronized Path directory() {
        if (!generated) {
            Command.Result run = runScript(List.of(DIRECTORY.toString()), List.of());
            if (run.exitCode() != 0) {
                throw new IllegalStateException("make-dev-certs.sh failed (" + run.exitCode() + "):\n" + run.output());
            }
            generated = true;
        }
        return DIRECTORY;
    }

    /** A client context that trusts the development CA only. */
    public static SSLContext clientContext() {
        try {
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            trustStore.setCertificateEntry(
                    "prodstack-dev-ca", readCertificate(directory().resolve("ca.crt")));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS client context on the development CA", e);
        }
    }

    /** A server context presenting the development server certificate (a local control server in tests). */
    public static SSLContext serverContext() {
        try {
            char[] password = "test".toCharArray();
            KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
            keyStore.load(null, null);
            keyStore.setKeyEntry(
                    "server", readPrivateKey(directory().resolve("server.key")), password, new Certificate[] {
                        readCertificate(directory().resolve("server.crt"))
                    });
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS server context on the development certificate", e);
        }
    }

    public static X509Certificate readCertificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Reads the PKCS#8 PEM ("BEGIN PRIVATE KEY") that OpenSSL 3 writes for the EC keys. */
    public static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        String base64 = Files.readString(pem, StandardCharsets.US_ASCII)
                .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** One run of make-dev-certs.sh with these arguments and extra environment entries ("NAME=value"). */
    public static Command.Result runScript(List<String> arguments, List<String> environment) {
        List<String> line = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        line.addAll(arguments);
        // The tests choose these themselves; a developer's own settings must not leak in.
        Command command =
                Command.of(line).unset("TLS_EXTRA_SANS").unset("TLS_KEY_GROUP").timeout(Duration.ofSeconds(60));
        for (String entry : environment) {
            int equals = entry.indexOf('=');
            command.env(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return command.run();
    }
}
