package dev.prodstack.service.db;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prodstack.service.core.Secrets;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The login role the api connects as, provisioned by the {@code migrate} command ({@link MigrateCommand}) right
 * after the migrations, on the owner's connection ({@code database.user}): it may read and write the application's
 * tables and nothing else ({@link ApiRoleGrants}). An empty {@code user} provisions nothing (the tests, and a
 * database whose roles another tool manages).
 */
public final class ApiRoleFactory {
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

    /** Creates or updates the role, its password and its grants, in the owner's transaction. */
    public void provision(Connection owner) throws SQLException {
        if (passwordFile.isEmpty()) {
            throw new IllegalStateException("apiRole.passwordFile is required when apiRole.user is set");
        }
        new ApiRoleGrants(owner, user).apply(Secrets.read(Path.of(passwordFile)).toCharArray());
    }
}
