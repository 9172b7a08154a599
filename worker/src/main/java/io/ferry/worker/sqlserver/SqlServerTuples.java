package io.ferry.worker.sqlserver;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a PostgreSQL binary COPY stream, decoded one at a time into the values a SQL Server write
 * takes ({@link SqlServerWire}). Only the current row is held; a value longer than {@link #SPILL} bytes
 * of a {@code (max)} column goes to a temporary file and is handed over as a stream (characters or bytes),
 * so memory stays bounded whatever the size of the values. Such files are deleted when the next row is read
 * or the reader is closed.
 */
final class SqlServerTuples implements Closeable {

  static final int SPILL = 1 << 20;
  private static final int SIGNATURE = 11;

  private final DataInputStream in;
  private final List<SqlServerBulkColumn> columns;
  private final List<Closeable> open = new ArrayList<>();
  private byte[] field = new byte[8192];
  private boolean started;
  private long rows;

  SqlServerTuples(InputStream in, List<SqlServerBulkColumn> columns) {
    this.in = new DataInputStream(in);
    this.columns = columns;
  }

  /** The next row's values, or null after the trailer. */
  Object[] next() throws IOException {
    releaseStreams();
    if (!started) {
      in.readFully(new byte[SIGNATURE]);
      in.readInt(); // flags
      in.skipNBytes(in.readInt()); // header extension
      started = true;
    }
    short count;
    try {
      count = in.readShort();
    } catch (EOFException e) {
      throw new IOException("the COPY stream ended without its trailer", e);
    }
    if (count == -1) {
      return null;
    }
    if (count != columns.size()) {
      throw new IOException("a row of " + count + " fields for " + columns.size() + " columns");
    }
    Object[] row = new Object[count];
    for (int c = 0; c < count; c++) {
      int length = in.readInt();
      if (length < 0) {
        continue;
      }
      SqlServerBulkColumn column = columns.get(c);
      if (length > SPILL && column.streamed()) {
        row[c] = spill(length, column.textual());
      } else {
        if (field.length < length) {
          field = new byte[Math.max(length, field.length * 2)];
        }
        in.readFully(field, 0, length);
        row[c] = column.decoder().decode(field, 0, length);
        if (field.length > 4 * SPILL) {
          field = new byte[8192]; // one long value does not keep its memory
        }
      }
    }
    rows++;
    return row;
  }

  long rows() {
    return rows;
  }

  private Object spill(int length, boolean textual) throws IOException {
    Path file = Files.createTempFile("ferry-value-", ".bin");
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      for (int left = length; left > 0; ) {
        int n = in.read(buf, 0, Math.min(buf.length, left));
        if (n < 0) {
          throw new EOFException("the COPY stream ended inside a value");
        }
        out.write(buf, 0, n);
        left -= n;
      }
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    InputStream stream = Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
    Closeable value = textual ? new InputStreamReader(stream, StandardCharsets.UTF_8) : stream;
    open.add(value);
    return value;
  }

  private void releaseStreams() {
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException ignored) {
        // a temporary file already gone
      }
    }
    open.clear();
  }

  @Override
  public void close() {
    releaseStreams();
  }
}
