package dev.prodstack.monitoring;

import static dev.prodstack.monitoring.MonitoringFiles.ROOT;
import static dev.prodstack.monitoring.MonitoringFiles.write;

import dev.prodstack.testsupport.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * `compose config` of the base file and the overlays that {@code flags} name (--monitoring,
 * --logging), what compose will actually run, through `scripts/stack.sh compose`: the scripts'
 * choice of Compose v2 or v1, as operators get it. Dummy secret files go into {@code secrets}.
 */
final class StackCompose {

    private StackCompose() {}

    static Command.Result config(Path secrets, Map<String, String> extraEnvironment, String... flags) {
        for (String name : List.of(
                "db_password",
                "db_api_password",
                "db_monitor_password",
                "cache_password",
                "cache_users.acl",
                "admin_token",
                "grafana_admin_password")) {
            write(secrets.resolve(name), "not-a-real-secret\n");
        }
        Map<String, String> environment = new HashMap<>(extraEnvironment);
        environment.put("API_IMAGE", "prodstack/api:1.0.0");
        environment.put("SECRETS_DIR", secrets.toString());
        environment.put("NO_COLOR", "1");
        List<String> arguments = new ArrayList<>(
                List.of(ROOT.resolve("scripts/stack.sh").toString(), "compose", "--project", "prodstack"));
        arguments.addAll(List.of(flags));
        arguments.addAll(List.of("--", "config"));
        return Command.program(MonitoringTools.BASH, arguments.toArray(String[]::new))
                .env(environment)
                .timeout(Duration.ofMinutes(1))
                .run();
    }
}
