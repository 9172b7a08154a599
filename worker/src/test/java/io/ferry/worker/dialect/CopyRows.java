package io.ferry.worker.dialect;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows to and from PostgreSQL binary COPY, the currency between every source and target dialect: the
 * contracts write rows of bigint and text fields and read back text fields, whatever the engine.
 */
final class CopyRows {

  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};

  private CopyRows() {
  }

  /** A binary COPY stream of rows whose values are Long (bigint), String (text) or null. */
  static byte[] encode(List<List<Object>> rows) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(HEADER);
      for (List<Object> row : rows) {
        out.writeShort(row.size());
        for (Object value : row) {
          if (value == null) {
            out.writeInt(-1);
          } else if (value instanceof Long n) {
            out.writeInt(8);
            out.writeLong(n);
          } else {
            byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
          }
        }
      }
      out.writeShort(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Every tuple of a binary COPY stream, each field as UTF-8 text (null for NULL): for text fields only. */
  static List<List<String>> decodeText(CopySource source) throws SQLException {
    ByteBuffer in = ByteBuffer.wrap(readAll(source));
    in.position(11 + 4);
    in.position(in.position() + 4 + in.getInt(11 + 4));
    List<List<String>> rows = new ArrayList<>();
    for (short fields = in.getShort(); fields >= 0; fields = in.getShort()) {
      List<String> row = new ArrayList<>();
      for (int f = 0; f < fields; f++) {
        int length = in.getInt();
        if (length < 0) {
          row.add(null);
        } else {
          byte[] value = new byte[length];
          in.get(value);
          row.add(new String(value, StandardCharsets.UTF_8));
        }
      }
      rows.add(row);
    }
    return rows;
  }

  /** The whole stream as text (a text COPY read). */
  static String text(CopySource source) throws SQLException {
    return new String(readAll(source), StandardCharsets.UTF_8);
  }

  private static byte[] readAll(CopySource source) throws SQLException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (source) {
      for (byte[] block = source.read(); block != null; block = source.read()) {
        all.writeBytes(block);
      }
    }
    return all.toByteArray();
  }
}
