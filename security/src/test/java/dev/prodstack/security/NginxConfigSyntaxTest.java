package dev.prodstack.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.prodstack.security.support.EdgeProxy;
import dev.prodstack.security.support.NginxImage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/** `nginx -t` accepts security/nginx/nginx.conf in the real nginx image, run as the proxy runs in production. */
class NginxConfigSyntaxTest {

    @Test
    void nginxAcceptsTheEdgeConfigAsNonRootOnAReadOnlyFilesystem() {
        try (GenericContainer<?> nginx = EdgeProxy.edgeNginx(NginxImage.require())
                // nginx -t resolves the upstream's host name: "api" has to exist, as it does on the compose network.
                .withExtraHost("api", "127.0.0.1")
                .withCommand("nginx", "-t", "-c", "/etc/nginx/nginx.conf")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(30)))) {
            try {
                nginx.start();
            } catch (ContainerLaunchException e) {
                fail("nginx -t rejected the config:%n%s", nginx.getLogs());
            }
            assertThat(nginx.getLogs())
                    .as("nginx -t output")
                    .contains("syntax is ok", "test is successful")
                    .doesNotContain("[emerg]", "[alert]");
        }
    }
}
