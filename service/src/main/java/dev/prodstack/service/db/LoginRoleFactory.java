package dev.prodstack.service.db;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Secrets;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;

/**
 * A login role the {@code migrate} command ({@link MigrateCommand}) provisions right after the migrations, on the
 * owner's connection ({@code database.user}): {@code apiRole}, which the api connects as ({@link ApiRoleGrants}), and
 * {@code monitorRole}, which postgres_exporter connects as ({@link MonitorRoleGrants}). An empty {@code user}
 * provisions nothing (the tests, and a database whose roles another tool manages).
 */
public final class LoginRoleFactory {
    /** A plain identifier: it goes into GRANT and ALTER ROLE statements, which take no bind parameters. */
    @Pattern(regexp = "|[a-z_][a-z0-9_]{0,62}")
    private String user = "";

    /** File holding the role's password (a Docker secret); set on every run, so the file is the one truth. */
    private String passwordFile = "";

    @JsonProperty
    public String getUser() {
        return user;
    }

    @JsonProperty
    public void setUser(String user) {
        // An unset ${VAR:-} in config.yml reads as null.
        this.user = user == null ? "" : user.trim();
    }

    @JsonProperty
    public String getPasswordFile() {
        return passwordFile;
    }

    @JsonProperty
    public void setPasswordFile(String passwordFile) {
        // An unset ${VAR:-} in config.yml reads as null.
        this.passwordFile = passwordFile == null ? "" : passwordFile.trim();
    }

    public boolean isEnabled() {
        return !user.isEmpty();
    }

    /** The role's password, read from its file now (a rotated secret takes effect on the next migrate). */
    char[] password() {
        if (passwordFile.isEmpty()) {
            throw new IllegalStateException(
                    "the passwordFile of database role " + user + " is required when its user is set");
        }
        return Secrets.read(Path.of(passwordFile)).toCharArray();
    }
}
