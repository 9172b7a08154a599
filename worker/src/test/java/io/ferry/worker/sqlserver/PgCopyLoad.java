package io.ferry.worker.sqlserver;

import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.dialect.CopySource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Loads a {@link CopySource} into a PostgreSQL table the way the worker's writer does: the stream goes
 * through the binary COPY parser (which takes trailing key fields off) into {@code COPY … FROM STDIN}.
 */
final class PgCopyLoad {

  final List<Integer> blockSizes = new ArrayList<>();
  List<String> lastKey;
  long rows;

  static PgCopyLoad load(Connection pg, String table, CopySource source, int fields, int keyFields) throws Exception {
    PgCopyLoad load = new PgCopyLoad();
    BinaryCopyParser parser = new BinaryCopyParser(fields, keyFields);
    CopyIn in = pg.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT binary)");
    try {
      in.writeToCopy(BinaryCopyParser.header(), 0, BinaryCopyParser.header().length);
      for (byte[] block = source.read(); block != null; block = source.read()) {
        load.blockSizes.add(block.length);
        parser.feed(block, 0, block.length, new BinaryCopyParser.Handler() {
          @Override
          public void tupleBytes(byte[] data, int offset, int length) throws SQLException {
            in.writeToCopy(data, offset, length);
          }

          @Override
          public void tupleEnd(long framedBytes) {
          }
        });
      }
      in.writeToCopy(BinaryCopyParser.trailer(), 0, 2);
      load.rows = in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
      source.close();
    }
    load.lastKey = keyFields > 0 ? parser.lastKey() : null;
    return load;
  }
}
