package io.ferry.deploy.demo;

import io.ferry.worker.verify.TableChecksum;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/** Compares every demo table, per district, between source and target: row counts and checksums. */
final class DemoReport {

  private final PostgresServer pg;
  private final String target;
  private final int districts;

  DemoReport(PostgresServer pg, String target, int districts) {
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
        try (Connection source = pg.connect(DemoData.database(d))) {
          for (String table : DemoData.TABLES) {
            List<String> columns = TableChecksum.listColumns(source, table);
            String targetTable = "consolidated." + table.substring(table.indexOf('.') + 1);
            TableChecksum.Result s = TableChecksum.compute(source, table, columns, null, null);
            TableChecksum.Result t = TableChecksum.compute(targetDb, targetTable, columns, "district_id", "district_" + d);
            boolean same = s.equals(t);
            all &= same;
            System.out.printf(Locale.ROOT, "%-26s %-12s %,12d %,12d  %s%n", targetTable, "district_" + d, s.rows(), t.rows(),
                same ? "match" : "DIFFERENT");
          }
        }
      }
    }
    return all;
  }
}
