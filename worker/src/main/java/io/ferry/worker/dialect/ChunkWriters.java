package io.ferry.worker.dialect;

import java.sql.SQLException;

/**
 * Opens the chunk writers of one unit's writes into one table: what the writes need to know of the target
 * table is looked up once, when the unit's first chunk starts, not for every chunk.
 */
@FunctionalInterface
public interface ChunkWriters {

  /** Starts one chunk's bulk write, inside the connection's transaction. */
  ChunkWriter open() throws SQLException;
}
