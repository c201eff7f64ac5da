package dev.prodstack.service.http;

import java.io.IOException;

/**
 * Thrown by the body-size limit while a body without Content-Length is being read. An IOException, so Jackson
 * passes it through unwrapped; the mappers find it in the cause chain and answer 413.
 */
public final class PayloadTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public PayloadTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes");
    }
}
