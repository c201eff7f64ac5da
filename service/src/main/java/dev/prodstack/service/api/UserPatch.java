package dev.prodstack.service.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of PATCH /users/{id}: absent fields keep their value; an explicit null is refused (a user always has
 * both). A class with setters rather than a record, because Jackson only calls a setter for a field that is
 * present, which is what tells "absent" from "null".
 */
@JsonIgnoreProperties({"id", "created_at", "updated_at"})
public final class UserPatch {
    @Pattern(regexp = UserRules.USERNAME, message = UserRules.USERNAME_MESSAGE)
    private String username;

    @Size(max = UserRules.EMAIL_MAX)
    @Pattern(regexp = UserRules.EMAIL, message = UserRules.EMAIL_MESSAGE)
    private String email;

    public UserPatch() {}

    public UserPatch(String username, String email) {
        this.username = username;
        this.email = email;
    }

    @JsonProperty("username")
    public String username() {
        return username;
    }

    @JsonProperty("username")
    @JsonSetter(nulls = Nulls.FAIL)
    public void setUsername(String username) {
        this.username = username;
    }

    @JsonProperty("email")
    public String email() {
        return email;
    }

    @JsonProperty("email")
    @JsonSetter(nulls = Nulls.FAIL)
    public void setEmail(String email) {
        this.email = email;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return username == null && email == null;
    }
}
