package dev.prodstack.service.db;

import com.codahale.metrics.jdbi3.strategies.SmartNameStrategy;
import com.codahale.metrics.jdbi3.strategies.StatementNameStrategy;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Names the Dropwizard timer of each statement: the name a statement defined for itself ({@link UserDao} gives the
 * one its SQL object method had, {@code dev.prodstack.service.db.UserDao.listAfter}), else Dropwizard's default.
 * Reading a constant costs nothing; the default builds the name from the extension method on every statement.
 */
public final class StatementNames implements StatementNameStrategy {
    /** The statement attribute holding the timer's name. */
    static final String ATTRIBUTE = "prodstack.statement";

    private final StatementNameStrategy fallback = new SmartNameStrategy();

    @Override
    public String getStatementName(StatementContext context) {
        return context.getAttribute(ATTRIBUTE) instanceof String name ? name : fallback.getStatementName(context);
    }
}
