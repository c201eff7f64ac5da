package dev.prodstack.service.api;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Instants as ISO-8601 UTC text, written straight into a char array: the very text of
 * {@link DateTimeFormatter#ISO_INSTANT} ({@link #iso}) and of the pattern {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in UTC
 * ({@link #isoMillis}, the logs' timestamps). The formatters build a print context, a StringBuilder and field
 * look-ups for each value: Jackson's InstantSerializer was 18 % of GET /users' allocations (two per user, JFR).
 * Years outside 0001-9999, which no column of ours holds, are left to the formatters.
 */
public final class IsoInstants {
    private static final long SECONDS_PER_DAY = 86_400;
    /** Days from 0000-03-01 to 1970-01-01, for the civil-from-days algorithm (H. Hinnant). */
    private static final long DAYS_0000_TO_1970 = 719_468;

    /** From year 1: the logs' pattern ("yyyy", year of era) writes year 0 as 0001 (1 BC). */
    private static final long MIN_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();

    private static final long MAX_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(java.time.ZoneOffset.UTC);

    private IsoInstants() {}

    /** As ISO_INSTANT: no fraction for a whole second, else 3, 6 or 9 digits, the fewest that hold it. */
    public static String iso(Instant instant) {
        final long second = instant.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            return DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        final int nano = instant.getNano();
        final int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        final char[] text = new char[20 + (digits == 0 ? 0 : digits + 1)];
        dateTime(second, text);
        if (digits > 0) {
            text[19] = '.';
            fraction(nano, digits, text, 20);
        }
        text[text.length - 1] = 'Z';
        return new String(text);
    }

    /** As {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in UTC: always milliseconds, "Z" for the offset. */
    public static String isoMillis(Instant instant) {
        final long second = instant.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            return MILLIS.format(instant);
        }
        final char[] text = new char[24];
        dateTime(second, text);
        text[19] = '.';
        fraction(instant.getNano(), 3, text, 20);
        text[23] = 'Z';
        return new String(text);
    }

    /** "yyyy-MM-ddTHH:mm:ss" into text[0..19). */
    private static void dateTime(long epochSecond, char[] text) {
        final long days = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        final int secondOfDay = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        final long shifted = days + DAYS_0000_TO_1970;
        final long era = Math.floorDiv(shifted, 146_097);
        final long dayOfEra = shifted - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long monthFromMarch = (5 * dayOfYear + 2) / 153;
        final int day = (int) (dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        final int month = (int) (monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        final int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        digits(year, 4, text, 0);
        text[4] = '-';
        digits(month, 2, text, 5);
        text[7] = '-';
        digits(day, 2, text, 8);
        text[10] = 'T';
        digits(secondOfDay / 3_600, 2, text, 11);
        text[13] = ':';
        digits(secondOfDay / 60 % 60, 2, text, 14);
        text[16] = ':';
        digits(secondOfDay % 60, 2, text, 17);
    }

    /** The first {@code count} of the nine digits of {@code nano}. */
    private static void fraction(int nano, int count, char[] text, int at) {
        digits(nano / POWERS_OF_TEN[9 - count], count, text, at);
    }

    private static void digits(int value, int count, char[] text, int at) {
        int rest = value;
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
    }
}
