package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.ChunkWriters;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One unit's bulk writes into a table, with the table lock decided once for the unit ({@link SqlServerBulkLock}).
 *
 * @param tableLock the loads lock the whole table (a heap without indexes)
 */
record SqlServerTableWrites(Connection target, TableName table, List<String> columns, boolean tableLock)
    implements ChunkWriters {

  @Override
  public ChunkWriter open() throws SQLException {
    return SqlServerChunkWriter.open(target, table, columns, tableLock);
  }
}
