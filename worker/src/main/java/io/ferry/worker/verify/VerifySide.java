package io.ferry.worker.verify;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * How one engine takes part in a verify unit, as source or target: a digest of a range, the keys that cut
 * it into parts, and its rows streamed as canonical values. Reads only.
 */
public interface VerifySide {

  /** Rows a streamed read fetches per round trip: what it holds in memory at most. */
  int FETCH = 2_000;

  /**
   * How a column of this type is printed when both sides are this engine, with the same types: a form in
   * which two equal values print alike (and different ones differently) whatever their column's declared
   * scale or length.
   */
  Canonical sameEngine(String type);

  /** One consistent, read-only snapshot for every read of the unit, with the session settings values print with. */
  void begin(Connection c) throws SQLException;

  /** Ends the snapshot (nothing was written). */
  void end(Connection c) throws SQLException;

  /**
   * Row count and checksum of the range. For a same-engine read ({@link VerifyRead#sameEngine()}) the
   * engine may compute it in the database (no rows shipped) as long as both sides use the same
   * computation; otherwise the rows are streamed and hashed as {@link #rows} prints them.
   */
  default Digest digest(Connection c, VerifyRead read) throws SQLException {
    RowHash hash = new RowHash();
    long[] sum = new long[2];
    rows(c, read, values -> {
      sum[0]++;
      sum[1] += hash.row(values);
    });
    return Digest.of(sum[0], sum[1]);
  }

  /**
   * The range's rows, each as its columns' canonical values in {@code read.columns()} order, in key order
   * when the read has a key.
   */
  void rows(Connection c, VerifyRead read, RowSink sink) throws SQLException;

  /**
   * Hands each row of {@code rs} to the sink as {@code read}'s canonical values, its columns selected in
   * {@code read.columns()} order: the streamed read of every engine.
   */
  static void stream(ResultSet rs, VerifyRead read, RowSink sink) throws SQLException {
    int n = read.columns().size();
    while (rs.next()) {
      String[] values = new String[n];
      for (int i = 0; i < n; i++) {
        values[i] = read.canonical().get(i).read(rs, i + 1);
      }
      sink.row(values);
    }
  }

  /** The keys (as key text, in key column order) of every {@code every}-th row of the range, in key order. */
  List<List<String>> splitPoints(Connection c, VerifyRead read, long every) throws SQLException;

  /** Receives one row's canonical values. */
  @FunctionalInterface
  interface RowSink {
    void row(String[] values);
  }
}
