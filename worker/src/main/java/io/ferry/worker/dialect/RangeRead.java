package io.ferry.worker.dialect;

import io.ferry.protocol.unit.KeyRange;
import java.util.List;

/**
 * One copy unit's read from the source.
 *
 * @param columns     source columns in copy order
 * @param key         the key the range is over; null reads the whole table unordered
 * @param resumeAfter the key of the last committed row: the read starts strictly after it (null: from the
 *                    range's lower bound)
 * @param tenantId    emitted as a leading text field of every row when non-null (the target's tenant column)
 * @param keyInBand   the reader takes the key from the copied fields themselves (binary COPY of keys
 *                    {@code io.ferry.worker.copy.BinaryKey} prints): the source appends no key text
 * @param uuids       UUID fields the source appends to each row after its columns (before any key text)
 * @param targetEngine the engine the rows are written to: a source whose types that engine shares sends each
 *                    value in a form that keeps it exactly (see the source dialect); null: the fields are
 *                    PostgreSQL binary COPY of the mapped types
 */
public record RangeRead(TableName table, List<String> columns, SplitKey key, KeyRange range,
                        List<String> resumeAfter, String tenantId, boolean keyInBand, RowUuids uuids,
                        String targetEngine) {

  public RangeRead {
    uuids = uuids == null ? RowUuids.NONE : uuids;
  }

  /** A read with UUID fields, of PostgreSQL binary COPY. */
  public RangeRead(TableName table, List<String> columns, SplitKey key, KeyRange range, List<String> resumeAfter,
      String tenantId, boolean keyInBand, RowUuids uuids) {
    this(table, columns, key, range, resumeAfter, tenantId, keyInBand, uuids, null);
  }

  /** A read without UUID fields. */
  public RangeRead(TableName table, List<String> columns, SplitKey key, KeyRange range, List<String> resumeAfter,
      String tenantId, boolean keyInBand) {
    this(table, columns, key, range, resumeAfter, tenantId, keyInBand, RowUuids.NONE);
  }

  /** A read whose key, when it is resumable, comes as trailing text fields. */
  public RangeRead(TableName table, List<String> columns, SplitKey key, KeyRange range, List<String> resumeAfter,
      String tenantId) {
    this(table, columns, key, range, resumeAfter, tenantId, false);
  }

  /**
   * The read is in key order and can resume after a key: a keyed range other than the NULL-key range.
   * The NULL-key range has no order to resume in (its rows are exactly those whose key is incomplete),
   * so it is read as one chunk.
   */
  public boolean resumable() {
    return key != null && key.ordered() && (range == null || !range.nullKeys());
  }

  /**
   * How many trailing fields the source appends to each row: the key columns as text, so the last row's
   * key can be checkpointed without decoding its value (none when the key is read in band). Never
   * written to the target.
   */
  public int keyFields() {
    return resumable() && !keyInBand ? key.columns().size() : 0;
  }
}
