package dev.prodstack.acceptance.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The defaults of service/config.yml ({@code ${NAME:-default}}), the one place they are written. */
public final class ServiceDefaults {

    private ServiceDefaults() {}

    /** The default of the variable {@code name}; fails when config.yml has none. */
    public static String of(String name) {
        try {
            Matcher matcher = Pattern.compile("\\$\\{" + Pattern.quote(name) + ":-([^}]*)}")
                    .matcher(Files.readString(Repo.path("service/config.yml")));
            if (!matcher.find()) {
                throw new IllegalStateException("service/config.yml has no default for " + name);
            }
            return matcher.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
