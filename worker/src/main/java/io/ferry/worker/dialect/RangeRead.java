package io.ferry.worker.dialect;

import io.ferry.protocol.unit.KeyRange;
import java.util.List;

/**
 * One copy unit's read from the source.
 *
 * @param columns     source columns in copy order
 * @param keyColumn   the integer key the range is over; null reads the whole table unordered
 * @param resumeAfter the key of the last committed row: the read starts strictly after it (null: from the
 *                    range's lower bound)
 * @param tenantId    emitted as a leading text field of every row when non-null (the target's tenant column)
 */
public record RangeRead(TableName table, List<String> columns, String keyColumn, KeyRange range,
                        String resumeAfter, String tenantId) {
}
