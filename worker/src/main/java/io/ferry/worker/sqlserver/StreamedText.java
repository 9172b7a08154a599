package io.ferry.worker.sqlserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Text of unbounded size ({@code (n)varchar(max)}, {@code (n)text}, {@code xml}). A COPY field states its
 * byte length first, and a value's UTF-8 length is known only once it has been read, so the value is
 * encoded as it streams in: kept in memory up to {@link #SPILL} bytes, past that in a temporary file
 * that then streams into the COPY blocks. Memory per value stays bounded whatever its size. Most such
 * values are short: those of at most {@link #SHORT} source bytes ({@code DATALENGTH}, selected first)
 * are read whole, which costs less than a stream.
 */
final class StreamedText implements ColumnEncoder {

  static final int SPILL = 1 << 20;
  static final int SHORT = 256 * 1024;

  private final ColumnEncoder whole;
  /** PostgreSQL text cannot hold a NUL character; SQL Server's can. */
  private final boolean refuseNul;

  StreamedText(ColumnEncoder whole) {
    this(whole, true);
  }

  StreamedText(ColumnEncoder whole, boolean refuseNul) {
    this.whole = whole;
    this.refuseNul = refuseNul;
  }

  @Override
  public List<String> select(String column) {
    return List.of("DATALENGTH(" + column + ")", column);
  }

  @Override
  public void write(ResultSet rs, int first, CopyTuples out) throws SQLException, IOException {
    long length = rs.getLong(first);
    if (rs.wasNull()) {
      out.nullField();
    } else if (length <= SHORT) {
      whole.write(rs, first + 1, out);
    } else {
      stream(rs, first + 1, out, refuseNul);
    }
  }

  private static void stream(ResultSet rs, int i, CopyTuples out, boolean refuseNul) throws SQLException, IOException {
    Reader reader = rs.getCharacterStream(i);
    if (reader == null) {
      out.nullField();
      return;
    }
    Spill spill = new Spill();
    try (reader; Writer utf8 = new OutputStreamWriter(spill, StandardCharsets.UTF_8)) {
      char[] chars = new char[8192];
      for (int n = reader.read(chars); n >= 0; n = reader.read(chars)) {
        for (int c = 0; refuseNul && c < n; c++) {
          if (chars[c] == '\0') {
            throw new UnencodableValueException(rs.getMetaData().getColumnLabel(i),
                "contains a NUL character (U+0000), which PostgreSQL text cannot hold");
          }
        }
        utf8.write(chars, 0, n);
      }
    } catch (SQLException | IOException | RuntimeException e) {
      spill.delete();
      throw e;
    }
    if (spill.file == null) {
      out.field(spill.memory.toByteArray());
    } else {
      out.stream(Files.newInputStream(spill.file, StandardOpenOption.DELETE_ON_CLOSE), spill.length);
    }
  }

  /** Bytes in memory until there are too many, then in a temporary file. */
  private static final class Spill extends OutputStream {
    final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    Path file;
    OutputStream disk;
    long length;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (disk == null && memory.size() + len > SPILL) {
        file = Files.createTempFile("ferry-text-", ".utf8");
        disk = Files.newOutputStream(file);
        memory.writeTo(disk);
        memory.reset();
      }
      if (disk != null) {
        disk.write(b, off, len);
      } else {
        memory.write(b, off, len);
      }
      length += len;
    }

    @Override
    public void close() throws IOException {
      if (disk != null) {
        disk.close();
      }
    }

    void delete() throws IOException {
      close();
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }
}
