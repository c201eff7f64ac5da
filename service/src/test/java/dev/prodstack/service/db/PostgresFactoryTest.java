package dev.prodstack.service.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.ManagedDataSource;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DATABASE_PASSWORD_FILE: the password is read from the secret file (trimmed) when the pool is built; the
 * {@code db migrate} command's copy runs without the request path's statement timeout.
 */
class PostgresFactoryTest {
    @Test
    void readsThePasswordFromItsFile(@TempDir Path dir) throws Exception {
        final PostgresFactory factory = new PostgresFactory();
        factory.setPasswordFile(
                Files.writeString(dir.resolve("db_password"), "s3cret\n").toString());
        final ManagedDataSource dataSource = factory.build(new MetricRegistry(), "test");
        assertThat(factory.getPassword()).isEqualTo("s3cret");
        dataSource.stop();
    }

    @Test
    void withoutAFileThereIsNoPassword() throws Exception {
        final PostgresFactory factory = new PostgresFactory();
        factory.setPasswordFile(null);
        factory.build(new MetricRegistry(), "test").stop();
        assertThat(factory.getPassword()).isNull();
    }

    @Test
    void anUnreadableFileNamesTheFileNotTheSecret(@TempDir Path dir) {
        final PostgresFactory factory = new PostgresFactory();
        factory.setPasswordFile(dir.resolve("missing").toString());
        assertThatThrownBy(() -> factory.build(new MetricRegistry(), "test"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void migrationsRunWithoutTheStatementTimeoutAndKeepTheOtherOptions() {
        final PostgresFactory factory = new PostgresFactory();
        factory.getProperties().put("options", "-c statement_timeout=1500 -c lock_timeout=5s");
        assertThat(factory.forMigrations().getProperties())
                .containsEntry("options", "-c statement_timeout=0 -c lock_timeout=5s");
    }
}
