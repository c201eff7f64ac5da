package dev.prodstack.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.security.support.DevCertificates;
import dev.prodstack.security.support.EdgeProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Production spares no client from the rate limit: the default exemption list is empty and the
 * production stacks mount it, not the benchmark's (edge/RateLimitIT then shows the limit itself).
 */
class LimitExemptDefaultTest {

    private static final Path ROOT = DevCertificates.repositoryRoot();

    @Test
    void defaultListHasNoEntry() throws IOException {
        assertThat(Files.readAllLines(EdgeProxy.LIMIT_EXEMPT_DEFAULT))
                .as("non-comment lines of %s", EdgeProxy.LIMIT_EXEMPT_DEFAULT)
                .allMatch(line -> line.isBlank() || line.strip().startsWith("#"));
    }

    @Test
    void composeStackMountsTheEmptyList() throws IOException {
        assertThat(Files.readString(ROOT.resolve("deployment/docker-compose.override.yml")))
                .contains("../security/nginx/limit-exempt.conf:/etc/nginx/limit-exempt.conf:ro")
                .doesNotContain("limit-exempt.bench.conf");
    }

    @Test
    void swarmStackMountsTheEmptyList() throws IOException {
        assertThat(Files.readString(ROOT.resolve("deployment/docker-compose.swarm.yml")))
                .contains("file: ../security/nginx/limit-exempt.conf")
                .doesNotContain("limit-exempt.bench.conf");
    }

    @Test
    void onlyTheBenchmarkOverrideMountsTheBenchList() throws IOException {
        assertThat(Files.readString(ROOT.resolve("deployment/docker-compose.bench.yml")))
                .contains("../security/nginx/limit-exempt.bench.conf:/etc/nginx/limit-exempt.conf:ro");
    }
}
