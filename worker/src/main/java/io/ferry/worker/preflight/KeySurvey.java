package io.ferry.worker.preflight;

import io.ferry.protocol.spec.UnitSize;
import io.ferry.worker.dialect.KeySample;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the survey learns about how a table can be cut: its split key, the key's quantiles, and the rows
 * and bytes its copy units carry.
 *
 * <p>A partitioned parent has no rows of its own (they are in its leaf partitions, which are planned as
 * tables of their own), so it carries none and is not split.
 */
record KeySurvey(SplitKey key, KeySample sample, long rows, long bytes) {

  /** Enough split points for the splitter to cut any table into units of a few hundred thousand rows. */
  static final int MAX_QUANTILES = 1000;
  /**
   * Quantiles per unit below which a cheap source of points (a statistics histogram) is not used: the
   * splitter picks the quantile nearest to each unit boundary, so with four quantiles per unit a unit is
   * off by at most an eighth of its size.
   */
  static final int QUANTILES_PER_UNIT = 4;

  static KeySurvey of(SourceDialect source, Connection conn, SourceTable table, UnitSize unitSize, List<String> warnings)
      throws SQLException {
    if (table.partitioned()) {
      warnings.add("partitioned table " + table.name() + ": its " + table.leafPartitions().size() + " leaf partitions are"
          + " copied as tables of their own; this table's prepare creates them, its finish adds the keys and indexes");
      return new KeySurvey(SplitKey.none("partitioned"), KeySample.EMPTY, 0, 0);
    }
    SplitKey key = source.splitKey(conn, table, warnings);
    KeySample sample = KeySample.EMPTY;
    if (key.ordered()) {
      int points = (int) Math.min(MAX_QUANTILES, table.estimatedRows());
      sample = source.sampleKey(conn, table, key, points, minPoints(table, unitSize));
      warnings.addAll(sample.warnings());
    }
    return new KeySurvey(key, sample, table.estimatedRows(), table.estimatedBytes());
  }

  /** The fewest quantiles that still cut the table into balanced units of the job's size. */
  static int minPoints(SourceTable table, UnitSize unitSize) {
    UnitSize size = unitSize.withDefaults();
    long units = Math.max(1, Math.max(ceilDiv(table.estimatedRows(), size.rows()), ceilDiv(table.estimatedBytes(), size.bytes())));
    return (int) Math.min(MAX_QUANTILES, units * QUANTILES_PER_UNIT + 1);
  }

  private static long ceilDiv(long value, long divisor) {
    return value <= 0 ? 0 : (value + divisor - 1) / divisor;
  }
}
