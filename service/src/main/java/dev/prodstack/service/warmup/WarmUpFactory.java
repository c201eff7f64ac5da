package dev.prodstack.service.warmup;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Readiness;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;

/**
 * The warm-up a replica gives itself after Jetty starts and before /health says healthy: read-only requests to
 * its own application port for {@code duration}, so the JIT compiles the request path before clients arrive.
 * Zero (the default of the tests) makes the replica healthy as soon as it starts.
 */
public final class WarmUpFactory {
    @MaxDuration(value = 30, unit = TimeUnit.SECONDS)
    private Duration duration = Duration.seconds(0);

    /** Concurrent warm-up clients. */
    @Min(1)
    @Max(16)
    private int clients = 4;

    @JsonProperty
    public Duration getDuration() {
        return duration;
    }

    @JsonProperty
    public void setDuration(Duration duration) {
        this.duration = duration;
    }

    @JsonProperty
    public int getClients() {
        return clients;
    }

    @JsonProperty
    public void setClients(int clients) {
        this.clients = clients;
    }

    /** The readiness of this replica: warm at once, or after the self traffic that starts with the server. */
    public Readiness build(Environment environment) {
        if (duration.toMilliseconds() == 0) {
            return Readiness.warm();
        }
        final Readiness readiness = new Readiness();
        environment.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(Server server) {
                final Thread thread = new Thread(
                        new SelfTraffic(getLocalPort(server), readiness, duration.toMilliseconds(), clients),
                        "warm-up");
                thread.setDaemon(true);
                thread.start();
            }
        });
        return readiness;
    }
}
