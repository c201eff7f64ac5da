package dev.prodstack.service.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Secrets;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may write: the holder of the admin token stored in {@code tokenFile} (a Docker secret). The file is
 * read once at startup and its content trimmed; an unreadable file stops the start-up (fail fast), while
 * no file at all leaves the service read-only, which is logged.
 */
public final class AdminAuthFactory {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthFactory.class);

    private String tokenFile = "";

    @JsonProperty
    public String getTokenFile() {
        return tokenFile;
    }

    @JsonProperty
    public void setTokenFile(String tokenFile) {
        this.tokenFile = tokenFile == null ? "" : tokenFile.trim();
    }

    /** Protects every resource method that takes an {@code @Auth Admin} parameter. */
    public void register(JerseyEnvironment jersey) {
        jersey.register(buildFeature());
        jersey.register(new AuthValueFactoryProvider.Binder<>(Admin.class));
    }

    public AuthDynamicFeature buildFeature() {
        return new AuthDynamicFeature(new BearerTokenAuthFilter.Builder()
                .setAuthenticator(buildAuthenticator())
                .setPrefix("Bearer")
                .setRealm("prodstack")
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter());
    }

    public AdminTokenAuthenticator buildAuthenticator() {
        if (tokenFile.isEmpty()) {
            LOG.warn("auth.tokenFile (ADMIN_TOKEN_FILE) is not set: PUT, PATCH and DELETE will answer 401");
            return new AdminTokenAuthenticator(null);
        }
        final String token = Secrets.read(Path.of(tokenFile));
        if (token.isEmpty()) {
            throw new IllegalStateException("admin token file " + tokenFile + " is empty");
        }
        return new AdminTokenAuthenticator(token);
    }
}
