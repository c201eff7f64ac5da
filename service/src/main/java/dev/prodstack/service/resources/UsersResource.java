package dev.prodstack.service.resources;

import com.codahale.metrics.annotation.Timed;
import dev.prodstack.service.api.NewUser;
import dev.prodstack.service.api.PageRequest;
import dev.prodstack.service.core.User;
import dev.prodstack.service.db.UserDao;
import dev.prodstack.service.metrics.AppMetrics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/** /users: create a user, list users by id with a keyset cursor. */
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
public final class UsersResource {
    private final UserDao users;
    private final AppMetrics metrics;

    public UsersResource(UserDao users, AppMetrics metrics) {
        this.users = users;
        this.metrics = metrics;
    }

    /** 200, not 201: the seed's clients and scripts expect 200 with the user. The Location header is still given. */
    @POST
    @Timed
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@NotNull @Valid NewUser body) {
        final User user = users.insert(body.username(), body.email());
        metrics.userCreated();
        // Relative: Jersey resolves it against the request's base URI (a UriBuilder from the resource class read its
        // annotations again on every POST).
        return Response.ok(user).location(URI.create("users/" + user.id())).build();
    }

    /** A full page means there may be more: the Link header then names the next page. */
    @GET
    @Timed
    public Response list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        final PageRequest page = PageRequest.parse(limit, after);
        final List<User> found = users.listAfter(page.after(), page.limit());
        final Response.ResponseBuilder response = Response.ok(found);
        if (found.size() == page.limit()) {
            final long last = found.get(found.size() - 1).id();
            response.header("Link", "</users?after=" + last + "&limit=" + page.limit() + ">; rel=\"next\"");
        }
        return response.build();
    }
}
