package dev.cairn.engine.metadata.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Counts the round trips to the server that the metadata store's connections make: each execution of a statement
 * (one round trip however many statements its SQL holds, and a batch is one as pgjdbc sends it), and each commit or
 * rollback that finds a transaction open (pgjdbc sends nothing otherwise; the {@code BEGIN} of a transaction goes with
 * its first statement). Used by tests, to pin down the round trips of a step; off (no wrapping) in production.
 */
final class RoundTripCounter {
    private final LongAdder count = new LongAdder();

    /** The round trips so far. */
    long count() {
        return count.sum();
    }

    /** {@code connection}, counting. */
    Connection wrap(Connection connection) {
        return (Connection) Proxy.newProxyInstance(RoundTripCounter.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, arguments) -> {
                    String name = method.getName();
                    if ((name.equals("commit") || name.equals("rollback")) && (arguments == null || arguments.length == 0)
                            && connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                        count.increment();
                    }
                    Object result = invoke(connection, method, arguments);
                    if (result instanceof Statement statement && (name.equals("prepareStatement") || name.equals("createStatement")
                            || name.equals("prepareCall"))) {
                        return wrap(statement, method.getReturnType());
                    }
                    return result;
                });
    }

    private Object wrap(Statement statement, Class<?> type) {
        return Proxy.newProxyInstance(RoundTripCounter.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, arguments) -> {
            if (method.getName().startsWith("execute")) {
                count.increment();
            }
            return invoke(statement, method, arguments);
        });
    }

    private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } catch (IllegalAccessException e) {
            throw new SQLException(e);
        }
    }
}
