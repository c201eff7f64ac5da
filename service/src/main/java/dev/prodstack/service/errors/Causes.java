package dev.prodstack.service.errors;

import java.util.Optional;

/** Finds a cause of a given type in an exception chain, whatever the layers that wrapped it. */
final class Causes {
    private Causes() {}

    static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }
}
