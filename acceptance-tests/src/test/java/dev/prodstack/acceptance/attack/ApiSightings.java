package dev.prodstack.acceptance.attack;

import dev.prodstack.acceptance.support.AcceptanceStack;
import dev.prodstack.acceptance.support.Docker;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * Which request ids the api saw, from its replicas' JSON logs: an attack's requests carry ids with a prefix of their
 * own, and a control request that does reach the api proves the search finds what is there.
 */
final class ApiSightings {

    private ApiSightings() {}

    /** Distinct request ids starting with {@code prefix} in every api replica's log since {@code since}. */
    static Set<String> ids(AcceptanceStack stack, Instant since, String prefix) {
        Pattern id = Pattern.compile("\"request_id\":\"(" + Pattern.quote(prefix) + "[^\"]*)\"");
        Set<String> ids = new TreeSet<>();
        for (String container : stack.containerIds("api")) {
            Matcher matcher = id.matcher(Docker.logs(container, since.toString()));
            while (matcher.find()) {
                ids.add(matcher.group(1));
            }
        }
        return ids;
    }

    /** Waits (up to 15 s: the api's log lines are written asynchronously) until the control id is in its logs. */
    static void awaitControl(AcceptanceStack stack, Instant since, String controlId) {
        Awaitility.await("control request " + controlId + " in the api's logs")
                .atMost(Duration.ofSeconds(15))
                .until(() -> ids(stack, since, controlId).contains(controlId));
    }
}
