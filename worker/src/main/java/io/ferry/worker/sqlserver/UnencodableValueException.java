package io.ferry.worker.sqlserver;

import java.sql.SQLException;

/**
 * A source value PostgreSQL cannot hold (e.g. a NUL character in text): an error of the one row, which
 * the job's row-error policy decides about, not of the connection or the unit's range.
 */
public final class UnencodableValueException extends SQLException {

  /** PostgreSQL's SQLSTATE for a character with no equivalent in the target encoding. */
  public static final String SQLSTATE = "22P05";

  public UnencodableValueException(String column, String problem) {
    super("column " + column + " " + problem, SQLSTATE);
  }

  UnencodableValueException(String context, UnencodableValueException cause) {
    super(context + ": " + cause.getMessage(), SQLSTATE, cause);
  }
}
