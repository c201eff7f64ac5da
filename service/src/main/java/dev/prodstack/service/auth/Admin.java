package dev.prodstack.service.auth;

import java.security.Principal;

/** The holder of the admin token: the only principal allowed to change or delete users. */
public record Admin(String name) implements Principal {
    static final Admin INSTANCE = new Admin("admin");

    @Override
    public String getName() {
        return name;
    }
}
