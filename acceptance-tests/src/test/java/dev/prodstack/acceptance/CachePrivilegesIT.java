package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prodstack.testsupport.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Redis' users (cache_users.acl, written by scripts/lib/env.sh from the cache_password secret): a client on the
 * backend network without the api's password may PING and read INFO and no key; the api's user {@code prodstack}
 * reaches its own keys with the commands the api uses, and nothing else; a wrong password is refused.
 */
@Order(96)
class CachePrivilegesIT extends AbstractAcceptanceTest {
    private static final String OWN_KEY = "prodstack:user:424242";

    @Test
    void without_a_password_a_client_gets_server_state_and_no_key() {
        assertThat(redisCli(null, "PING")).isEqualTo("PONG");
        assertThat(redisCli(null, "INFO", "server")).contains("redis_version:");
        assertThat(redisCli(null, "GET", OWN_KEY)).contains("NOPERM");
        assertThat(redisCli(null, "SETEX", OWN_KEY, "60", "x")).contains("NOPERM");
        assertThat(redisCli(null, "KEYS", "*")).contains("NOPERM");
    }

    @Test
    void the_apis_user_reads_and_writes_its_own_keys() {
        String password = stack.secret("cache_password");
        assertThat(redisCli(password, "SETEX", OWN_KEY, "60", "{}")).isEqualTo("OK");
        assertThat(redisCli(password, "GET", OWN_KEY)).isEqualTo("{}");
        assertThat(Long.parseLong(redisCli(password, "TTL", OWN_KEY))).isBetween(1L, 60L);
        assertThat(redisCli(password, "DEL", OWN_KEY)).isEqualTo("1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "another application's key | GET session:1",
                "a key listing             | KEYS *",
                "a key scan                | SCAN 0",
                "SET without an expiry     | SET prodstack:user:424242 x",
                "a Lua script              | EVAL 'return 1' 0",
                "the users                 | ACL LIST",
                "killing clients           | CLIENT KILL TYPE normal",
                "publishing                | PUBLISH news x",
            })
    void the_apis_user_is_refused(String what, String command) {
        String answer = redisCli(stack.secret("cache_password"), command.strip().split(" (?=(?:[^']*'[^']*')*[^']*$)"));
        assertThat(answer).as(what).contains("NOPERM");
    }

    @Test
    void a_wrong_password_is_refused() {
        assertThat(redisCli("not-the-password", "GET", OWN_KEY)).contains("WRONGPASS");
    }

    /** redis-cli in the cache container: as {@code prodstack} with {@code password} (by environment), or as default. */
    private static String redisCli(String password, String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker", "exec"));
        if (password != null) {
            command.addAll(List.of("-e", "REDISCLI_AUTH"));
        }
        command.addAll(List.of(stack.containerId("cache"), "redis-cli", "--no-auth-warning"));
        if (password != null) {
            command.addAll(List.of("--user", "prodstack"));
        }
        for (String argument : arguments) {
            command.add(argument.replace("'", ""));
        }
        Command run = Command.of(command).timeout(Duration.ofSeconds(30));
        if (password != null) {
            run.env("REDISCLI_AUTH", password);
        }
        Command.Result result = run.run();
        return (result.stdout() + result.stderr()).strip();
    }
}
