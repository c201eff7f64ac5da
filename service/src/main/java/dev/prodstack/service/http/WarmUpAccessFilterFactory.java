package dev.prodstack.service.http;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.filter.FilterFactory;

/**
 * {@code type: warm-up-requests} in a request log appender's {@code filterFactories}: drops the access log lines
 * of the replica's own warm-up traffic (thousands of lines at every start that no operator asked for).
 */
@JsonTypeName("warm-up-requests")
public final class WarmUpAccessFilterFactory implements FilterFactory<IAccessEvent> {
    @Override
    public Filter<IAccessEvent> build() {
        return new Filter<>() {
            @Override
            public FilterReply decide(IAccessEvent event) {
                return "true".equals(event.getAttribute(RequestMetricsFilter.WARM_UP_ATTRIBUTE))
                        ? FilterReply.DENY
                        : FilterReply.NEUTRAL;
            }
        };
    }
}
