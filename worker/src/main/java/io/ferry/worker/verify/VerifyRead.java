package io.ferry.worker.verify;

import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.util.List;

/**
 * One side's read of a verify unit's slice.
 *
 * @param table        the table on this side
 * @param columns      the compared columns as this side names them, in the plan's copy order
 * @param canonical    how each column is printed: as the engine chooses when both sides are one engine
 *                     ({@link VerifySide#sameEngine}), else the kind of its target type
 * @param types        each column's target type (the plan's): what a same-engine digest computed in the
 *                     database hashes the value as, on both sides
 * @param sameEngine   both sides are one engine with the same types: the engine may compute digests itself
 * @param key          the key the range is over, named and typed as on this side; null: no key (unordered)
 * @param keyIndexes   the position of each key column among {@code columns}
 * @param range        the range; {@link KeyRange#ALL} for every row
 * @param tenantColumn only rows whose tenant column holds {@code tenantId} (the target of a consolidation); else null
 * @param ownRows      read the table's own rows only (a source partitioned parent's children are units of their own)
 */
public record VerifyRead(TableName table, List<String> columns, List<Canonical> canonical, List<String> types,
                         boolean sameEngine, SplitKey key, int[] keyIndexes, KeyRange range, String tenantColumn,
                         String tenantId, boolean ownRows) {

  /** The same read over another range. */
  public VerifyRead over(KeyRange other) {
    return new VerifyRead(table, columns, canonical, types, sameEngine, key, keyIndexes, other, tenantColumn, tenantId, ownRows);
  }
}
