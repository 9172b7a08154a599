package io.ferry.worker.dialect;

import java.sql.SQLException;

/** One open bulk write into a target table, fed PostgreSQL binary COPY bytes (header to trailer). */
public interface ChunkWriter {

  void write(byte[] data, int offset, int length) throws SQLException;

  /** Ends the write; the rows are part of the connection's open transaction. */
  long end() throws SQLException;

  /** Abandons the write; the caller rolls the transaction back. */
  void cancel();
}
