package io.ferry.worker.copy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Incremental parser of PostgreSQL text COPY lines whose last {@code keyFields} fields are the row's key
 * (appended by the source statement): it hands the written fields on unchanged, reads the key into the
 * checkpoint, and drops it before the line reaches the target.
 *
 * <p>Framing is simple because text COPY escapes its delimiters: a tab or newline inside a value is
 * written as {@code \t} / {@code \n}, so every raw tab separates two fields and every raw newline ends a
 * row (the server writes {@code \n} line ends on {@code COPY TO STDOUT}, and PgJDBC talks UTF-8, where
 * neither byte occurs inside a multi-byte character). Lines may straddle blocks anywhere. The written
 * fields are never buffered — a value of many megabytes streams through in the blocks it came in — only
 * the short key is.
 */
public final class TextCopyParser implements RowFraming {

  private static final byte[] NONE = new byte[0];
  private static final byte[] NEWLINE = {'\n'};

  private final int fields;
  private final int keyFields;
  private final ByteArrayOutputStream key = new ByteArrayOutputStream(64);
  private int tabs;
  private boolean inKey;
  private boolean midLine;
  private long lineBytes;
  private long lines;
  private List<String> lastKey;

  /**
   * @param fields    fields written per line (the tenant column and the copied columns)
   * @param keyFields key fields that follow them on every line (0: none)
   */
  public TextCopyParser(int fields, int keyFields) {
    if (fields < 1 || keyFields < 0) {
      throw new IllegalArgumentException("a text COPY line has at least one field and no negative key fields");
    }
    this.fields = fields;
    this.keyFields = keyFields;
  }

  @Override
  public void feed(byte[] data, int offset, int length, BinaryCopyParser.Handler handler) throws IOException, SQLException {
    int end = offset + length;
    int runStart = inKey ? -1 : offset;
    for (int i = offset; i < end; i++) {
      byte b = data[i];
      midLine = true;
      if (inKey) {
        if (b == '\n') {
          lastKey = keyValues();
          emit(handler, NEWLINE, 0, 1);
          inKey = false;
          endLine(handler);
          runStart = i + 1;
        } else {
          key.write(b);
        }
      } else if (b == '\t') {
        if (++tabs == fields && keyFields > 0) {
          emit(handler, data, runStart, i - runStart);
          inKey = true;
          key.reset();
          runStart = -1;
        }
      } else if (b == '\n') {
        if (keyFields > 0 || tabs != fields - 1) {
          throw new IOException("text COPY line " + (lines + 1) + " has " + (tabs + 1) + " fields, expected "
              + (fields + keyFields));
        }
        emit(handler, data, runStart, i + 1 - runStart);
        endLine(handler);
        runStart = i + 1;
      }
    }
    if (runStart >= 0 && runStart < end) {
      emit(handler, data, runStart, end - runStart);
    }
  }

  private void emit(BinaryCopyParser.Handler handler, byte[] data, int offset, int length) throws SQLException {
    if (length > 0) {
      handler.tupleBytes(data, offset, length);
      lineBytes += length;
    }
  }

  private void endLine(BinaryCopyParser.Handler handler) throws SQLException {
    long framed = lineBytes;
    lines++;
    tabs = 0;
    lineBytes = 0;
    midLine = false;
    handler.tupleEnd(framed);
  }

  /** The key fields of the line just read, un-escaped; {@code \N} is NULL. */
  private List<String> keyValues() throws IOException {
    byte[] raw = key.toByteArray();
    List<String> values = new ArrayList<>(keyFields);
    int start = 0;
    for (int i = 0; i <= raw.length; i++) {
      if (i == raw.length || raw[i] == '\t') {
        values.add(unescape(raw, start, i));
        start = i + 1;
      }
    }
    if (values.size() != keyFields) {
      throw new IOException("text COPY line " + (lines + 1) + " has " + (fields + values.size()) + " fields, expected "
          + (fields + keyFields));
    }
    return Collections.unmodifiableList(values);
  }

  /** Reverses COPY's text escapes ({@code \\}, {@code \t}, {@code \n}, octal, {@code \x} hex…). */
  static String unescape(byte[] raw, int from, int to) {
    if (to - from == 2 && raw[from] == '\\' && raw[from + 1] == 'N') {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = raw[i];
      if (b != '\\' || i + 1 >= to) {
        out.write(b);
        continue;
      }
      byte c = raw[++i];
      switch (c) {
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(0x0b);
        case 'x' -> {
          int value = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && Character.digit(raw[i + 1], 16) >= 0) {
            value = value * 16 + Character.digit(raw[++i], 16);
            digits++;
          }
          out.write(digits == 0 ? 'x' : value);
        }
        default -> {
          if (c >= '0' && c <= '7') {
            int value = c - '0';
            for (int digits = 1; digits < 3 && i + 1 < to && raw[i + 1] >= '0' && raw[i + 1] <= '7'; digits++) {
              value = value * 8 + (raw[++i] - '0');
            }
            out.write(value);
          } else {
            out.write(c);
          }
        }
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public boolean finished() {
    return !midLine;
  }

  @Override
  public byte[] chunkHeader() {
    return NONE;
  }

  @Override
  public byte[] chunkTrailer() {
    return NONE;
  }

  @Override
  public int keyFields() {
    return keyFields;
  }

  @Override
  public List<String> lastKey() {
    return lastKey;
  }

  /** Lines completed so far. */
  public long lines() {
    return lines;
  }
}
