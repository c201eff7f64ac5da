package dev.prodstack.service.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** A stored user, as Postgres returns it and as the API and the cache serialize it. */
public record User(
        @JsonProperty("id") long id,
        @JsonProperty("username") String username,
        @JsonProperty("email") String email,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt) {}
