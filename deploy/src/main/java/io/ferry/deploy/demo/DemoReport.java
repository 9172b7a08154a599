package io.ferry.deploy.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** Compares every demo table, per district, between source and target: row counts and checksums. */
final class DemoReport {

  private final DemoSource source;
  private final PostgresServer pg;
  private final String target;
  private final int districts;

  DemoReport(DemoSource source, PostgresServer pg, String target, int districts) {
    this.source = source;
    this.pg = pg;
    this.target = target;
    this.districts = districts;
  }

  /** Prints the comparison; true when every table matches. */
  boolean print() throws SQLException {
    System.out.printf(Locale.ROOT, "%-26s %-12s %12s %12s  %s%n", "table", "district", "source rows", "target rows", "checksum");
    boolean all = true;
    try (Connection targetDb = pg.connect(target)) {
      for (int d = 1; d <= districts; d++) {
        for (String table : source.tables()) {
          DemoSource.Comparison c = source.compare(targetDb, d, table);
          all &= c.same();
          System.out.printf(Locale.ROOT, "%-26s %-12s %,12d %,12d  %s%n", "consolidated." + table, "district_" + d, c.sourceRows(),
              c.targetRows(), c.same() ? "match" : "DIFFERENT");
        }
      }
    }
    return all;
  }
}
