package dev.prodstack.service.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of POST /users and PUT /users/{id}: both fields required. An explicit null fails while reading
 * (422 on that field); {@code id} and the timestamps are ignored so a GET body can be sent back as a PUT.
 */
@JsonIgnoreProperties({"id", "created_at", "updated_at"})
public record NewUser(
        @JsonProperty("username")
        @JsonSetter(nulls = Nulls.FAIL)
        @NotNull
        @Pattern(regexp = UserRules.USERNAME, message = UserRules.USERNAME_MESSAGE)
        String username,

        @JsonProperty("email")
        @JsonSetter(nulls = Nulls.FAIL)
        @NotNull
        @Size(max = UserRules.EMAIL_MAX)
        @Pattern(regexp = UserRules.EMAIL, message = UserRules.EMAIL_MESSAGE)
        String email) {}
