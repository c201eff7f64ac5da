package dev.prodstack.acceptance.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Trust in the development CA of the run (security/tls/make-dev-certs.sh), and nothing else. */
public final class DevCa {

    private final Path certificate;
    private final KeyStore trustStore;

    public DevCa(Path certificate) {
        this.certificate = certificate;
        try (InputStream in = Files.newInputStream(certificate)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            trustStore.setCertificateEntry("prodstack-dev-ca", ca);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the dev CA " + certificate, e);
        }
    }

    public Path certificate() {
        return certificate;
    }

    public KeyStore trustStore() {
        return trustStore;
    }

    /** An SSL context that trusts only the dev CA; protocols are chosen per socket by the caller. */
    public SSLContext sslContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSL context for the dev CA", e);
        }
    }
}
