package dev.prodstack.service.auth;

import io.dropwizard.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Accepts exactly the configured admin token. Both sides are hashed first and compared with
 * {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the token's length or
 * how many leading characters match. With no token configured, nothing is accepted (writes are closed).
 */
public final class AdminTokenAuthenticator implements Authenticator<String, Admin> {
    private final byte[] expectedDigest;

    public AdminTokenAuthenticator(String token) {
        this.expectedDigest = token == null || token.isEmpty() ? null : sha256(token);
    }

    @Override
    public Optional<Admin> authenticate(String presented) {
        if (expectedDigest == null || presented == null) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(expectedDigest, sha256(presented))
                ? Optional.of(Admin.INSTANCE)
                : Optional.empty();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
