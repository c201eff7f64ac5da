package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.api.ErrorResponse.FieldError;
import dev.prodstack.service.api.NewUser;
import dev.prodstack.service.api.UserPatch;
import dev.prodstack.service.auth.Admin;
import dev.prodstack.service.cache.UserCache;
import dev.prodstack.service.core.User;
import dev.prodstack.service.db.UserDao;
import dev.prodstack.service.errors.ErrorResponses;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;

/**
 * /users/{id}: cache-aside reads (X-Cache says where the answer came from) and admin-only writes, each of
 * which drops the cached copy after Postgres has changed. An id that is not a long (abc, 2^64) is a 404.
 */
@Path("/users/{id}")
@Produces(MediaType.APPLICATION_JSON)
public final class UserResource {
    public static final String CACHE_HEADER = "X-Cache";
    private static final String MERGE_PATCH = "application/merge-patch+json";

    private final UserDao users;
    private final UserCache cache;

    public UserResource(UserDao users, UserCache cache) {
        this.users = users;
        this.cache = cache;
    }

    /** A hit of the plain form is answered by {@link CachedUserReadFilter} before Jersey; this serves the rest. */
    @GET
    @Timed
    public Response get(@PathParam("id") long id, @Context HttpServletRequest request) {
        final boolean asked = request != null && request.getAttribute(CachedUserReadFilter.CACHE_MISSED) != null;
        final Optional<byte[]> cached = asked ? Optional.empty() : cache.getJson(id);
        if (cached.isPresent()) {
            return Response.ok(cached.get(), MediaType.APPLICATION_JSON_TYPE)
                    .header(CACHE_HEADER, "HIT")
                    .build();
        }
        final User user = users.findById(id).orElseThrow(() -> notFound(id));
        return Response.ok(cache.put(user), MediaType.APPLICATION_JSON_TYPE)
                .header(CACHE_HEADER, "MISS")
                .build();
    }

    /** Replaces both fields. */
    @PUT
    @Timed
    @Consumes(MediaType.APPLICATION_JSON)
    public User replace(@Auth Admin admin, @PathParam("id") long id, @NotNull @Valid NewUser body) {
        return changed(id, users.replace(id, body.username(), body.email()));
    }

    /** Changes the fields present in the body. */
    @PATCH
    @Timed
    @Consumes({MediaType.APPLICATION_JSON, MERGE_PATCH})
    public User patch(@Auth Admin admin, @PathParam("id") long id, @NotNull @Valid UserPatch body) {
        if (body.isEmpty()) {
            throw new WebApplicationException(
                    ErrorResponses.invalid(List.of(new FieldError("body", "give at least one of username, email"))));
        }
        return changed(id, users.patch(id, body.username(), body.email()));
    }

    @DELETE
    @Timed
    public Response delete(@Auth Admin admin, @PathParam("id") long id) {
        if (users.delete(id) == 0) {
            throw notFound(id);
        }
        cache.evict(id);
        return Response.noContent().build();
    }

    private User changed(long id, Optional<User> updated) {
        final User user = updated.orElseThrow(() -> notFound(id));
        cache.evict(id);
        return user;
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("user " + id + " not found");
    }
}
