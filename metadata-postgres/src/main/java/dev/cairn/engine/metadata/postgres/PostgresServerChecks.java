package dev.cairn.engine.metadata.postgres;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cairn.engine.metadata.jdbc.SqlSession;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The checks of held-back statements run by the PostgreSQL server, through the functions of schema version 15
 * ({@code cairn_require_row}, {@code cairn_require_value}): a failed check is an error (SQLSTATE {@value #FAILED_CHECK})
 * that makes the server skip the rest of the round trip, the {@code COMMIT} too, so a step's completion is sent with its
 * commit and still commits whole or not at all. The session maps the error back to the rejection of the statement whose
 * number it names (the messages naming the step run, artifact version or output that the client checks gave).
 */
final class PostgresServerChecks implements SqlSession.ServerChecks {
    static final PostgresServerChecks INSTANCE = new PostgresServerChecks();

    /** The SQLSTATE of a failed check ("CA": Cairn; no PostgreSQL class uses it). */
    static final String FAILED_CHECK = "CA001";

    private static final Pattern CHECK_NUMBER = Pattern.compile("^cairn check (\\d+) failed");

    private PostgresServerChecks() {}

    @Override
    public String requiringRow(String write) {
        return "WITH changed AS (" + write + " RETURNING 1) SELECT cairn_require_row(EXISTS (SELECT 1 FROM changed), CAST(? AS INTEGER))";
    }

    @Override
    public String requiringValue(String query) {
        return "SELECT cairn_require_value((" + query + "), CAST(? AS TEXT), CAST(? AS INTEGER))";
    }

    @Override
    public Optional<SqlSession.FailedCheck> failedCheck(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && FAILED_CHECK.equals(psql.getSQLState()) && psql.getServerErrorMessage() != null) {
                ServerErrorMessage message = psql.getServerErrorMessage();
                Matcher number = CHECK_NUMBER.matcher(String.valueOf(message.getMessage()));
                if (number.find()) {
                    return Optional.of(new SqlSession.FailedCheck(Integer.parseInt(number.group(1)), Optional.ofNullable(message.getDetail())));
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }
}
