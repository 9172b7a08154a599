package io.ferry.worker.sqlserver;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes one column of the current row as a PostgreSQL binary COPY field. A column may take several
 * select-list entries (a long binary value is preceded by its length); {@link #select} names them and
 * {@link #write} reads them from {@code first} on, in order, as a forward-only stream requires.
 */
interface ColumnEncoder {

  /** The select-list expressions this column needs, given its quoted name. */
  default List<String> select(String column) {
    return List.of(column);
  }

  void write(ResultSet rs, int first, CopyTuples out) throws SQLException, IOException;
}
