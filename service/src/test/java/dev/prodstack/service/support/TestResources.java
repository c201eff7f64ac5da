package dev.prodstack.service.support;

import dev.prodstack.service.api.ApiJson;
import dev.prodstack.service.errors.CatchAllExceptionMapper;
import dev.prodstack.service.errors.DatabaseExceptionMapper;
import dev.prodstack.service.errors.InvalidParametersExceptionMapper;
import dev.prodstack.service.errors.JsonExceptionMapper;
import dev.prodstack.service.errors.ValidationExceptionMapper;
import dev.prodstack.service.errors.WebApplicationExceptionMapper;
import dev.prodstack.service.metrics.AppMetrics;
import dev.prodstack.service.metrics.DependencyStatus;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.testing.junit5.ResourceExtension;

/** A ResourceExtension set up like the application: its JSON rules and its exception mappers only. */
public final class TestResources {
    private TestResources() {}

    public static ResourceExtension.Builder builder() {
        return ResourceExtension.builder()
                .setMapper(ApiJson.configure(Jackson.newObjectMapper()))
                .setRegisterDefaultExceptionMappers(false)
                .bootstrapLogging(false)
                .addProvider(new JsonExceptionMapper())
                .addProvider(new ValidationExceptionMapper())
                .addProvider(new InvalidParametersExceptionMapper())
                .addProvider(new WebApplicationExceptionMapper())
                .addProvider(new DatabaseExceptionMapper(new DependencyStatus("database", new AppMetrics())))
                .addProvider(new CatchAllExceptionMapper());
    }
}
