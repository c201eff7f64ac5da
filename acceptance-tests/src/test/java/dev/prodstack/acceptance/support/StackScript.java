package dev.prodstack.acceptance.support;

import dev.prodstack.testsupport.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documented commands of scripts/stack.sh that the suite drives the stack with
 * (scripts/README.md, "stack.sh for programs"): {@code prepare}, {@code compose -- ARGS} and
 * {@code wait-healthy}. The suite never sources the scripts' shell internals; how compose runs is
 * scripts/lib/compose.sh's business.
 */
public final class StackScript {

    /** The progress line every compose-running command prints: "compose: docker compose (v2.29.1)". */
    private static final Pattern COMPOSE_LINE = Pattern.compile("(?m)^\\s*compose: (.+)$");

    private StackScript() {}

    /** {@code bash scripts/stack.sh ARGS} in the repository, with these variables and no colours. */
    public static Command command(Map<String, String> environment, List<String> arguments) {
        List<String> line =
                new ArrayList<>(List.of("bash", Repo.path("scripts/stack.sh").toString()));
        line.addAll(arguments);
        return Command.of(line).env(environment).env("NO_COLOR", "1").in(Repo.root());
    }

    /** Which compose a finished command used, from its progress line, e.g. "docker compose (v2.29.1)". */
    public static Optional<String> composeUsed(Command.Result result) {
        Matcher matcher = COMPOSE_LINE.matcher(result.stderr());
        return matcher.find() ? Optional.of(matcher.group(1).strip()) : Optional.empty();
    }

    /** The KEY=VALUE lines that {@code stack.sh prepare} prints on stdout. */
    public static Map<String, String> variables(Command.Result prepared) {
        Map<String, String> variables = new java.util.TreeMap<>();
        for (String line : prepared.lines()) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                variables.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return variables;
    }
}
