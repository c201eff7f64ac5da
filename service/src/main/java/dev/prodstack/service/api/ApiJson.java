package dev.prodstack.service.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.time.Instant;

/** How the API reads and writes JSON: strict on input, ISO-8601 timestamps on output. */
public final class ApiJson {
    private ApiJson() {}

    public static ObjectMapper configure(ObjectMapper mapper) {
        // "2026-01-01T10:00:00.123456Z", not 1767261600.123456.
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        // The same text as Jackson's InstantSerializer (ISO_INSTANT), without a formatter per value (IsoInstants).
        mapper.registerModule(
                new SimpleModule("iso-instants").addSerializer(Instant.class, new IsoInstantSerializer()));
        // A typo such as "emial" must be a 422, not silently dropped (Dropwizard turns this off by default).
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // {"username": "ok"} trailing-garbage is malformed JSON, not a valid body followed by noise.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // {"email": "a@x", "email": "b@y"} is malformed: parsers disagree on which one wins (one more way to smuggle
        // a value past a check), and Jackson's record creators fail on it as a mapping bug, a 500.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // {"username": 123} is a wrong type, not the string "123".
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    private static final class IsoInstantSerializer extends StdSerializer<Instant> {
        private static final long serialVersionUID = 1L;

        IsoInstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeString(IsoInstants.iso(value));
        }
    }
}
