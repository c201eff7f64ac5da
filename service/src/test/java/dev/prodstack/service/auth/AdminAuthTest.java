package dev.prodstack.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token: read from its file (trimmed), compared exactly, only from the Authorization header. */
class AdminAuthTest {
    @Test
    void acceptsExactlyTheToken() {
        final AdminTokenAuthenticator authenticator = new AdminTokenAuthenticator("s3cret");
        assertThat(authenticator.authenticate("s3cret")).contains(Admin.INSTANCE);
        assertThat(authenticator.authenticate("s3cret ")).isEmpty();
        assertThat(authenticator.authenticate("s3cre")).isEmpty();
        assertThat(authenticator.authenticate("S3CRET")).isEmpty();
        assertThat(authenticator.authenticate("")).isEmpty();
    }

    @Test
    void withoutATokenNothingIsAccepted() {
        assertThat(new AdminTokenAuthenticator(null).authenticate("anything")).isEmpty();
        assertThat(new AdminTokenAuthenticator("").authenticate("")).isEmpty();
    }

    @Test
    void readsTheHeaderOnly() {
        assertThat(BearerTokenAuthFilter.credentials("Bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenAuthFilter.credentials("bearer   abc ")).isEqualTo("abc");
        assertThat(BearerTokenAuthFilter.credentials("Basic abc")).isNull();
        assertThat(BearerTokenAuthFilter.credentials("Bearer ")).isNull();
        assertThat(BearerTokenAuthFilter.credentials("abc")).isNull();
        assertThat(BearerTokenAuthFilter.credentials(null)).isNull();
    }

    @Test
    void theTokenFileIsTrimmed(@TempDir Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("token"), "\n  t0ken \n");
        final AdminAuthFactory factory = new AdminAuthFactory();
        factory.setTokenFile(file.toString());
        assertThat(factory.buildAuthenticator().authenticate("t0ken")).isPresent();
    }

    @Test
    void aMissingOrEmptyTokenFileStopsTheStart(@TempDir Path dir) throws Exception {
        final AdminAuthFactory factory = new AdminAuthFactory();
        factory.setTokenFile(dir.resolve("absent").toString());
        assertThatThrownBy(factory::buildAuthenticator)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("absent");
        factory.setTokenFile(Files.writeString(dir.resolve("empty"), " \n").toString());
        assertThatThrownBy(factory::buildAuthenticator).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noTokenFileMeansReadOnly() {
        assertThat(new AdminAuthFactory().buildAuthenticator().authenticate("x"))
                .isEmpty();
    }
}
