package dev.prodstack.service.api;

/** The validation rules shared by every request body that carries user fields (and the DB's CHECKs). */
final class UserRules {
    static final String USERNAME = "[A-Za-z0-9_.-]{3,50}";
    static final String USERNAME_MESSAGE = "must be 3 to 50 characters: letters, digits, '_', '.' or '-'";

    /** ASCII addr-spec with a dotted domain: stricter than RFC 5322 on purpose (no quoted parts, no IP literals). */
    static final String EMAIL = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+";

    static final String EMAIL_MESSAGE = "must be a valid email address";
    static final int EMAIL_MAX = 254;

    private UserRules() {}
}
