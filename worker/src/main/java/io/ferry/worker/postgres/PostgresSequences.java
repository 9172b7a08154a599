package io.ferry.worker.postgres;

import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Where a source column's sequence (identity or serial) stands, so the target's can start there. */
final class PostgresSequences {

  /** Whether the role may read the sequence's relation (it takes SELECT), and its name as SQL. */
  private static final String SEQUENCE_READABLE = "SELECT has_sequence_privilege(?::oid, 'SELECT'), ?::oid::regclass::text";

  private PostgresSequences() {
  }

  /**
   * The value the sequence would issue next, from its own relation ({@code pg_sequences} hides it after a
   * {@code setval(…, false)}); null when the role may not read it, which a warning says.
   */
  static Long next(Connection c, long sequence, TableName table, String column, List<String> warnings)
      throws SQLException {
    String name;
    try (PreparedStatement ps = c.prepareStatement(SEQUENCE_READABLE)) {
      ps.setLong(1, sequence);
      ps.setLong(2, sequence);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        name = rs.getString(2);
        if (!rs.getBoolean(1)) {
          warnings.add("sequence " + name + " of " + table + "." + column + " cannot be read (no SELECT privilege): the"
              + " target's sequence starts past the largest copied value, not at the source's position");
          return null;
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT s.last_value, s.is_called, p.seqincrement, p.seqmax, p.seqmin,"
        + " p.seqincrement <> 1 OR p.seqcycle OR p.seqcache <> 1 OR p.seqstart <> 1"
        + " OR p.seqmin NOT IN (1, -2147483648, -9223372036854775808, -32768)"
        + " OR p.seqmax NOT IN (32767, 2147483647, 9223372036854775807)"
        + " FROM " + name + " s, pg_sequence p WHERE p.seqrelid = ?::oid")) {
      ps.setLong(1, sequence);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if (rs.getBoolean(6)) {
          warnings.add("sequence " + name + " of " + table + "." + column + " has options (START, INCREMENT, MINVALUE,"
              + " MAXVALUE, CACHE or CYCLE) that are not carried: the target's sequence has the defaults");
        }
        long last = rs.getLong(1);
        if (!rs.getBoolean(2)) {
          return last;
        }
        // An exhausted sequence issues nothing more: its last value is the position to keep.
        long increment = rs.getLong(3);
        boolean exhausted = increment > 0 ? last > rs.getLong(4) - increment : last < rs.getLong(5) - increment;
        return exhausted ? last : last + increment;
      }
    }
  }
}
