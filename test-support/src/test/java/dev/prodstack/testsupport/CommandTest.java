package dev.prodstack.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The runner's contract: exit codes are results, output is kept apart, a hung command is killed. */
class CommandTest {

    private static final HostProgram BASH = HostProgram.of("bash", "bash");

    @Test
    void nonZeroExitIsAResultWithBothStreams() {
        Command.Result result =
                Command.program(BASH, "-c", "echo out; echo err >&2; exit 3").run();

        assertThat(result.ok()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.output()).isEqualTo("out\nerr\n");
        assertThatThrownBy(() -> Command.program(BASH, "-c", "exit 3").check()).hasMessageContaining("exited 3");
    }

    @Test
    void environmentIsSetAndUnset() {
        Command.Result result = Command.program(BASH, "-c", "echo \"${A:-none} ${HOME:-unset}\"")
                .env("A", "set")
                .unset("HOME")
                .check();

        assertThat(result.lines()).containsExactly("set unset");
    }

    @Test
    void aCommandPastItsTimeLimitIsKilled() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> Command.program(BASH, "-c", "sleep 30")
                        .timeout(Duration.ofMillis(300))
                        .run())
                .hasMessageContaining("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aMissingProgramNamesItsPackage() {
        assertThatThrownBy(() ->
                        HostProgram.of("no-such-program-here", "some-package").path())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install some-package");
    }
}
