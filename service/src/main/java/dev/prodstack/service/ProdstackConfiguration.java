package dev.prodstack.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.auth.AdminAuthFactory;
import dev.prodstack.service.cache.CacheFactory;
import dev.prodstack.service.cache.RedisFactory;
import dev.prodstack.service.db.LoginRoleFactory;
import dev.prodstack.service.db.PostgresFactory;
import dev.prodstack.service.warmup.WarmUpFactory;
import io.dropwizard.core.Configuration;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The service's config.yml; each section is a factory that knows how to build what it describes. */
public final class ProdstackConfiguration extends Configuration {
    @Valid
    @NotNull
    private PostgresFactory database = new PostgresFactory();

    @Valid
    @NotNull
    private LoginRoleFactory apiRole = new LoginRoleFactory();

    @Valid
    @NotNull
    private LoginRoleFactory monitorRole = new LoginRoleFactory();

    @Valid
    @NotNull
    private RedisFactory redis = new RedisFactory();

    @Valid
    @NotNull
    private CacheFactory cache = new CacheFactory();

    @Valid
    @NotNull
    private AdminAuthFactory auth = new AdminAuthFactory();

    @Valid
    @NotNull
    private WarmUpFactory warmUp = new WarmUpFactory();

    /** Empty means "the version in the jar manifest". */
    private String version = "";

    /** Bodies above this are refused with 413 before any parsing. */
    @NotNull
    @MaxDataSize(value = 1, unit = DataSizeUnit.MEBIBYTES)
    private DataSize maxRequestBodySize = DataSize.kibibytes(64);

    /** Requests the application port runs at once; more wait their turn (Jetty's QoSHandler). 0: no limit. */
    @Min(0)
    @Max(1024)
    private int maxConcurrentRequests = 0;

    /**
     * How long a request may wait for one of those slots before it gets a 503. Below nginx's proxy_read_timeout
     * (30 s), so that the client hears the api's answer, not the edge's 504.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 25, unit = TimeUnit.SECONDS)
    private Duration maxRequestWait = Duration.seconds(10);

    /** On SIGTERM, how long the replica keeps serving (/health "stopping") before Jetty drains: see StopDelay. */
    @NotNull
    @MaxDuration(value = 20, unit = TimeUnit.SECONDS)
    private Duration stopDelay = Duration.seconds(0);

    @JsonProperty
    public PostgresFactory getDatabase() {
        return database;
    }

    @JsonProperty
    public void setDatabase(PostgresFactory database) {
        this.database = database;
    }

    @JsonProperty
    public LoginRoleFactory getApiRole() {
        return apiRole;
    }

    @JsonProperty
    public void setApiRole(LoginRoleFactory apiRole) {
        this.apiRole = apiRole;
    }

    @JsonProperty
    public LoginRoleFactory getMonitorRole() {
        return monitorRole;
    }

    @JsonProperty
    public void setMonitorRole(LoginRoleFactory monitorRole) {
        this.monitorRole = monitorRole;
    }

    @JsonProperty
    public RedisFactory getRedis() {
        return redis;
    }

    @JsonProperty
    public void setRedis(RedisFactory redis) {
        this.redis = redis;
    }

    @JsonProperty
    public CacheFactory getCache() {
        return cache;
    }

    @JsonProperty
    public void setCache(CacheFactory cache) {
        this.cache = cache;
    }

    @JsonProperty
    public AdminAuthFactory getAuth() {
        return auth;
    }

    @JsonProperty
    public void setAuth(AdminAuthFactory auth) {
        this.auth = auth;
    }

    @JsonProperty
    public WarmUpFactory getWarmUp() {
        return warmUp;
    }

    @JsonProperty
    public void setWarmUp(WarmUpFactory warmUp) {
        this.warmUp = warmUp;
    }

    @JsonProperty
    public String getVersion() {
        return version;
    }

    @JsonProperty
    public void setVersion(String version) {
        this.version = version == null ? "" : version.trim();
    }

    @JsonProperty
    public DataSize getMaxRequestBodySize() {
        return maxRequestBodySize;
    }

    @JsonProperty
    public void setMaxRequestBodySize(DataSize maxRequestBodySize) {
        this.maxRequestBodySize = maxRequestBodySize;
    }

    @JsonProperty
    public int getMaxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    @JsonProperty
    public void setMaxConcurrentRequests(int maxConcurrentRequests) {
        this.maxConcurrentRequests = maxConcurrentRequests;
    }

    @JsonProperty
    public Duration getMaxRequestWait() {
        return maxRequestWait;
    }

    @JsonProperty
    public void setMaxRequestWait(Duration maxRequestWait) {
        this.maxRequestWait = maxRequestWait;
    }

    @JsonProperty
    public Duration getStopDelay() {
        return stopDelay;
    }

    @JsonProperty
    public void setStopDelay(Duration stopDelay) {
        this.stopDelay = stopDelay;
    }
}
