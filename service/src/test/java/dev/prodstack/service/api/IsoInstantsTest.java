package dev.prodstack.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** IsoInstants writes exactly what the JDK's formatters write, for every kind of fraction and the whole year range. */
class IsoInstantsTest {
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    private static final long FIRST = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Test
    void sameTextAsTheFormattersForRandomInstants() {
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            final int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            assertSame(Instant.ofEpochSecond(random.nextLong(FIRST, LAST + 1), nano));
        }
    }

    @Test
    void sameTextAtTheEdges() {
        for (String text : new String[] {
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.000001Z", "1900-03-01T00:00:00.100Z",
            "2026-12-06T22:13:21.161669Z", "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z"
        }) {
            assertSame(Instant.parse(text));
        }
    }

    @Test
    void theApiMapperWritesInstantsAsIsoInstant() throws Exception {
        final ObjectMapper mapper = ApiJson.configure(Jackson.newObjectMapper());
        final Instant instant = Instant.parse("2026-12-06T22:13:21.161669Z");
        assertThat(mapper.writeValueAsString(instant)).isEqualTo("\"2026-12-06T22:13:21.161669Z\"");
    }

    private static void assertSame(Instant instant) {
        assertThat(IsoInstants.iso(instant))
                .as("iso of %s", instant)
                .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
        assertThat(IsoInstants.isoMillis(instant))
                .as("isoMillis of %s", instant)
                .isEqualTo(MILLIS.format(instant));
    }
}
