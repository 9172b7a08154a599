package io.ferry.deploy.demo;

import java.sql.SQLException;
import java.util.Map;

/** Where the demo's district databases live: it creates them and names them in the job spec. */
interface DemoSource {

  /** The server, for the demo's first lines (never a password). */
  String describe();

  /** Drops and creates the district databases with their tables and rows; returns the rows created. */
  long create(int districts, double scale) throws SQLException;

  /** The job spec's {@code source} section. */
  Map<String, Object> spec(int districts);

  /** The job spec's table selection. */
  String include();

  /** Environment variables the cluster's processes need to resolve the spec's secret references. */
  Map<String, String> environment();
}
