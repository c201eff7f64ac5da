package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import dev.prodstack.acceptance.support.Docker;
import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * No secret value of the run (db password, admin token, Grafana password) in any image layer's
 * history, any image config, or anything `docker inspect` shows about a container; secrets
 * reach processes only as files (*_FILE variables).
 */
@Order(100)
class SecretsHygieneIT extends AbstractAcceptanceTest {

    private static Map<String, String> secrets() {
        return Map.of(
                "db_password", stack.secret("db_password"),
                "db_api_password", stack.secret("db_api_password"),
                "db_monitor_password", stack.secret("db_monitor_password"),
                "cache_password", stack.secret("cache_password"),
                "admin_token", stack.secret("admin_token"),
                "grafana_admin_password", stack.secret("grafana_admin_password"));
    }

    @Test
    void secrets_are_real_values() {
        secrets()
                .forEach(
                        (name, value) -> assertThat(value).as("secret %s", name).hasSizeGreaterThanOrEqualTo(16));
    }

    @TestFactory
    Stream<DynamicTest> no_secret_in_any_image_history_or_config() {
        Set<String> images = new LinkedHashSet<>();
        for (Container container : Docker.containers(stack.project())) {
            images.add(container.getImage());
        }
        assertThat(images).isNotEmpty();
        return images.stream()
                .map(image -> DynamicTest.dynamicTest(image, () -> {
                    String history = Docker.history(image);
                    String config = Command.of("docker", "image", "inspect", image)
                            .timeout(Duration.ofSeconds(30))
                            .check()
                            .stdout();
                    secrets().forEach((name, value) -> {
                        assertThat(history)
                                .as("docker history --no-trunc %s contains %s", image, name)
                                .doesNotContain(value);
                        assertThat(config)
                                .as("docker image inspect %s contains %s", image, name)
                                .doesNotContain(value);
                    });
                }));
    }

    @TestFactory
    Stream<DynamicTest> no_secret_in_any_container_inspect_or_environment() {
        return Docker.containers(stack.project()).stream()
                .map(container -> DynamicTest.dynamicTest(Docker.name(container), () -> {
                    String inspect = Command.of("docker", "inspect", container.getId())
                            .timeout(Duration.ofSeconds(30))
                            .check()
                            .stdout();
                    secrets()
                            .forEach((name, value) -> assertThat(inspect)
                                    .as("docker inspect %s contains %s", Docker.name(container), name)
                                    .doesNotContain(value));
                    String[] env = Docker.inspect(container.getId()).getConfig().getEnv();
                    for (String variable : env == null ? new String[0] : env) {
                        String key = variable.substring(0, Math.max(0, variable.indexOf('=')));
                        boolean secretLooking =
                                key.matches("(?i).*(PASSWORD|TOKEN|SECRET|PASSWD|API_KEY|PRIVATE_KEY).*");
                        if (secretLooking) {
                            assertThat(key)
                                    .as(
                                            "%s: secret-looking variable %s must point at a file (*_FILE or *__FILE)",
                                            Docker.name(container), key)
                                    .matches("(?i).*_FILE");
                        }
                    }
                }));
    }

    @Test
    void secret_files_are_mounted_read_only() {
        List<String> ids = stack.containerIds("api");
        for (String id : ids) {
            var mounts = Docker.inspect(id).getMounts();
            assertThat(mounts).as("api mounts").anySatisfy(mount -> {
                assertThat(mount.getDestination().getPath()).startsWith("/run/secrets/");
                assertThat(mount.getRW()).as("secret mount is read-only").isFalse();
            });
        }
    }
}
