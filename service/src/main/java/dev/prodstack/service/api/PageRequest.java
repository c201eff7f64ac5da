package dev.prodstack.service.api;

import dev.prodstack.service.api.ErrorResponse.FieldError;
import java.util.ArrayList;
import java.util.List;

/** GET /users paging: {@code limit} 1..500 (default 50) and the keyset cursor {@code after} (an id, default 0). */
public record PageRequest(int limit, long after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** Parses the raw query parameters; any invalid one is a 422 naming it. */
    public static PageRequest parse(String limit, String after) {
        final List<FieldError> errors = new ArrayList<>();
        final long parsedLimit = parse(limit, DEFAULT_LIMIT, 1, MAX_LIMIT, "limit", errors);
        final long parsedAfter = parse(after, 0, 0, Long.MAX_VALUE, "after", errors);
        if (!errors.isEmpty()) {
            throw new InvalidParametersException(errors);
        }
        return new PageRequest((int) parsedLimit, parsedAfter);
    }

    private static long parse(String raw, long fallback, long min, long max, String name, List<FieldError> errors) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            final long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the range.
        }
        errors.add(new FieldError(name, "must be an integer between " + min + " and " + max));
        return fallback;
    }
}
