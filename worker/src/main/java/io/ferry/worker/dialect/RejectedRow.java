package io.ferry.worker.dialect;

import java.util.List;

/**
 * A row the target rejected, as {@code ferry.rejects} keeps it (job's {@code onRowError: reject}).
 *
 * @param table            the target table ({@code schema.table})
 * @param key              the row's key in the source, one text value per key column (null for NULL)
 * @param columns          the target columns the payload holds, in its order (the tenant column first when there is
 *                         one, the UUID columns of {@code target.keys: uuid} last)
 * @param payload          the row as one PostgreSQL text COPY line without its line end, ready for
 *                         {@code COPY table (columns) FROM STDIN}
 * @param payloadTruncated the row was longer than Ferry keeps: the payload is its beginning only
 * @param error            the database's message
 * @param sqlState         the database's SQLSTATE (null when it gave none)
 */
public record RejectedRow(String jobId, String unitId, String tenantId, String table, List<String> key,
                          List<String> columns, String payload, boolean payloadTruncated, String error, String sqlState) {

  public RejectedRow {
    key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
    columns = List.copyOf(columns);
  }
}
