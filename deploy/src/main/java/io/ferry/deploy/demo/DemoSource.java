package io.ferry.deploy.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where the demo's district databases live: it creates them, names them in the job spec, and compares
 * each of their tables with what the target holds for that district.
 */
interface DemoSource {

  /** One table of one district, counted and checksummed on both sides. */
  record Comparison(long sourceRows, long targetRows, boolean same) {
  }

  /** The server, for the demo's first lines (never a password). */
  String describe();

  /** Drops and creates the district databases with their tables and rows; returns the rows created. */
  long create(int districts, double scale) throws SQLException;

  /** The job spec's {@code source} section. */
  Map<String, Object> spec(int districts);

  /** The job spec's table selection. */
  String include();

  /** The demo's tables, as the target names them (unqualified, lower case). */
  List<String> tables();

  /** Environment variables the cluster's processes need to resolve the spec's secret references. */
  Map<String, String> environment();

  /** Compares a district's table with the target's rows of that district ({@code consolidated.<table>}). */
  Comparison compare(Connection target, int district, String table) throws SQLException;
}
