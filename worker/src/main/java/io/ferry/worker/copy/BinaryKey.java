package io.ferry.worker.copy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A resumable read's key taken from the copied fields of binary COPY tuples themselves, for keys whose
 * every column has a binary form this class can print exactly as the source's text output would: the
 * integers, {@code uuid}, {@code text} and {@code varchar}. Such a read asks the source for nothing but
 * the rows; any other key type (numeric, timestamps, domains, {@code ctid}…) is appended as text by the
 * source instead (see {@link BinaryCopyParser}).
 *
 * <p>Why: printing the key as text is work the source server does for every row. Measured on narrow
 * (bigint key, six columns), {@code COPY (SELECT …, id::text … ORDER BY id) TO STDOUT (FORMAT binary)}
 * took 420 ms per million rows against 335 ms without the text column: a quarter more of the source's
 * CPU, for a value the worker needs once per chunk. Here the worker keeps the key field's few bytes of
 * each tuple and prints them only when a chunk ends.
 */
public final class BinaryKey {

  /** A key column type whose binary form is printed here, and the byte length of its values (-1: any). */
  private enum Type {
    BIGINT(8), INTEGER(4), SMALLINT(2), UUID(16),
    /** text and varchar: the binary form is the value in the client encoding, which the source connection sets to UTF8. */
    TEXT(-1);

    final int length;

    Type(int length) {
      this.length = length;
    }

    /** The type as {@code format_type} prints it, or null when it is not printed here. */
    static Type of(String sqlType) {
      return switch (sqlType) {
        case "bigint" -> BIGINT;
        case "integer" -> INTEGER;
        case "smallint" -> SMALLINT;
        case "uuid" -> UUID;
        case "text", "character varying" -> TEXT;
        default -> sqlType.startsWith("character varying(") ? TEXT : null;
      };
    }

    String print(byte[] b, int off, int len) {
      return switch (this) {
        case BIGINT -> Long.toString(fixed(b, off, 8));
        case INTEGER -> Integer.toString((int) fixed(b, off, 4));
        case SMALLINT -> Short.toString((short) fixed(b, off, 2));
        case UUID -> new java.util.UUID(fixed(b, off, 8), fixed(b, off + 8, 8)).toString();
        case TEXT -> new String(b, off, len, StandardCharsets.UTF_8);
      };
    }
  }

  /** The key columns' field indexes in the tuple, in key order. */
  private final int[] positions;
  /** The key columns' types, in key order. */
  private final Type[] types;

  private BinaryKey(int[] positions, Type[] types) {
    this.positions = positions;
    this.types = types;
  }

  /**
   * The key read from the copied fields, or null when a key column is not among them or has a type
   * whose binary form is not printed here.
   *
   * @param leading    fields each tuple has before the source's columns (the tenant id: 1, else 0)
   * @param columns    the source columns each tuple carries next, in order
   * @param keyColumns the key columns in key order
   * @param keyTypes   their SQL types, as {@code format_type} prints them
   */
  public static BinaryKey of(int leading, List<String> columns, List<String> keyColumns, List<String> keyTypes) {
    int[] positions = new int[keyColumns.size()];
    Type[] types = new Type[positions.length];
    for (int k = 0; k < positions.length; k++) {
      int column = columns.indexOf(keyColumns.get(k));
      types[k] = Type.of(keyTypes.get(k));
      if (column < 0 || types[k] == null) {
        return null;
      }
      positions[k] = leading + column;
    }
    return new BinaryKey(positions, types);
  }

  /** How many key columns. */
  int size() {
    return positions.length;
  }

  /** The key slot of the tuple's field {@code field}, or -1 when it is not a key column. */
  int slotOf(int field) {
    for (int k = 0; k < positions.length; k++) {
      if (positions[k] == field) {
        return k;
      }
    }
    return -1;
  }

  /** The byte length every value of key slot {@code k} has (-1: any). */
  int fixedLength(int k) {
    return types[k].length;
  }

  /**
   * The key fields' text, each as the source prints its value; null elements for NULL fields. The
   * lengths of fixed-size fields were checked as they arrived ({@link #fixedLength}).
   */
  List<String> print(byte[] bytes, int[] offsets, int[] lengths) {
    List<String> out = new ArrayList<>(positions.length);
    for (int k = 0; k < positions.length; k++) {
      out.add(lengths[k] < 0 ? null : types[k].print(bytes, offsets[k], lengths[k]));
    }
    return out;
  }

  /** The big-endian signed integer of {@code size} bytes at {@code off}. */
  private static long fixed(byte[] b, int off, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    // sign-extend the narrower integers
    int shift = 64 - 8 * size;
    return (v << shift) >> shift;
  }
}
