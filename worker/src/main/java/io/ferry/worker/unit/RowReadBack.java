package io.ferry.worker.unit;

import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.copy.TextCopyParser;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceDialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads back, as text, the first row of a read: the row right after a copy unit's last committed key,
 * which a one-row chunk could not write. Text COPY is what people can read and what
 * {@code COPY … FROM STDIN} loads again; the binary bytes the chunk carried would be neither.
 *
 * <p>At most {@link #MAX_PAYLOAD} bytes of the row are kept, so a worker's memory stays bounded whatever
 * the row's size; the rest streams past. The key is always complete, so a longer row can still be found
 * in the source.
 */
final class RowReadBack implements BinaryCopyParser.Handler {

  static final int MAX_PAYLOAD = 1024 * 1024;

  /** The row's key, its text COPY line (without the key fields and the line end) and whether it was cut. */
  record Row(List<String> key, String payload, boolean truncated) {
  }

  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean truncated;
  private int rows;

  private RowReadBack() {
  }

  /**
   * @param fields the written fields per line (tenant column and copied columns)
   * @return null when the read has no row (the source changed since the chunk was read)
   */
  static Row first(SourceDialect dialect, Connection source, RangeRead read, int fields) throws SQLException, IOException {
    RowReadBack handler = new RowReadBack();
    TextCopyParser parser = new TextCopyParser(fields, read.keyFields());
    try (CopySource in = dialect.openFirstRow(source, read)) {
      for (byte[] block = in.read(); block != null; block = in.read()) {
        parser.feed(block, 0, block.length, handler);
      }
    }
    if (!source.getAutoCommit()) {
      source.rollback();
    }
    if (handler.rows == 0) {
      return null;
    }
    byte[] bytes = handler.line.toByteArray();
    int length = bytes.length;
    if (handler.truncated) {
      length = Math.min(length, MAX_PAYLOAD);
    } else if (length > 0 && bytes[length - 1] == '\n') {
      length--;
    }
    // A cut may split a multi-byte character: the decoder turns its remains into U+FFFD.
    return new Row(parser.lastKey(), new String(bytes, 0, length, StandardCharsets.UTF_8), handler.truncated);
  }

  @Override
  public void tupleBytes(byte[] data, int offset, int length) {
    // One byte more than kept, for the line end: a line of exactly MAX_PAYLOAD bytes is not cut.
    int room = MAX_PAYLOAD + 1 - line.size();
    if (length > room) {
      truncated = true;
    }
    line.write(data, offset, Math.max(0, Math.min(room, length)));
  }

  @Override
  public void tupleEnd(long framedBytes) {
    rows++;
  }
}
