package io.ferry.worker.dialect;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.KeyText;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.protocol.spec.TargetSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** How Ferry reads one source engine: its catalog, its key statistics and its rows. */
public interface SourceDialect {

  String engine();

  /**
   * How the source's names are named on the target when the job does not say ({@code target.identifiers}):
   * an engine whose users write names as they want them kept answers {@code preserve}.
   */
  IdentifierStyle defaultIdentifiers();

  /** Opens a connection; the password is resolved here ({@code ${env:…}} / {@code ${file:…}}). */
  Connection connect(Endpoint connection) throws SQLException;

  /** User tables the job may copy (system schemas and Ferry's own schema left out). */
  List<TableName> listTables(Connection source) throws SQLException;

  /** Reads the table's description; what the description cannot carry is added to {@code warnings}. */
  SourceTable describe(Connection source, TableName table, List<String> warnings) throws SQLException;

  /** A table's description and the warnings {@link #describe} would add. */
  record Described(SourceTable table, List<String> warnings) {
  }

  /**
   * {@link #describe} of several tables at once, for an engine whose catalog answers one query for many
   * tables about as fast as for one. A table left out of the answer (the default leaves out all) is
   * described alone, so {@link #describe} keeps saying what is wrong with a table.
   */
  default Map<TableName, Described> describeAll(Connection source, List<TableName> tables) throws SQLException {
    return Map.of();
  }

  /**
   * The key the table's ranges are over: the primary key, else the best unique index, else the dialect's
   * fallback for tables without a key. Why a key was passed over is added to {@code warnings}.
   */
  SplitKey splitKey(Connection source, SourceTable table, List<String> warnings) throws SQLException;

  /**
   * Up to {@code points} key tuples at roughly equal row-count steps (see {@link KeySample}), in the
   * source's ordering of the key. {@code minPoints}: fewer points than this would give unbalanced units
   * (a cheaper source of points, such as a short statistics histogram, is used only when it has as many).
   */
  KeySample sampleKey(Connection source, SourceTable table, SplitKey key, int points, int minPoints)
      throws SQLException;

  /** Starts streaming one range inside a single read-only snapshot. */
  CopySource openCopy(Connection source, RangeRead read) throws SQLException;

  /**
   * Starts streaming one range in the given format: binary COPY, or PostgreSQL text COPY whose lines end
   * with the key columns as extra text fields (see {@code TextCopyParser}).
   */
  CopySource openCopy(Connection source, RangeRead read, CopyFormat format) throws SQLException;

  /**
   * The first row of {@code read} (the one right after its resume key) as PostgreSQL text COPY, its key
   * fields at the end of the line as in a text read: how a row the target rejected is recorded, in a
   * form people can read and load again.
   */
  CopySource openFirstRow(Connection source, RangeRead read) throws SQLException;

  /**
   * The user-defined types the table's columns use and how each column lands on the target, types placed
   * in {@code target.schema()} when non-null (else in their own schema), collations as
   * {@code target.collations} says. A target engine the source cannot write to is refused with an
   * {@link IllegalArgumentException} that says so.
   */
  TypeMapping mapTypes(Connection source, SourceTable table, TargetSpec target) throws SQLException;

  /**
   * The table as {@code target}'s engine reads it: its expressions (defaults, CHECK constraints, computed
   * columns, index filters) in the target's SQL, what cannot be carried left out and named in
   * {@code warnings}. The planned copy and the target DDL are written from it.
   */
  default SourceTable forTarget(SourceTable table, TargetSpec target, List<String> warnings) {
    return table;
  }

  /**
   * How a key value of {@code column} is made canonical before it feeds a UUID ({@code target.keys: uuid}):
   * by its collation, so values the source compares equal give one UUID. {@code EXACT} for an engine whose
   * equality is the value's text.
   */
  default KeyText keyText(SourceColumn column) {
    return KeyText.EXACT;
  }

  /** Bytes per second of a short sample read of the table; 0 when not measured (tiny tables). */
  double sampleReadRate(Connection source, SourceTable table) throws SQLException;
}
