package io.ferry.worker.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * 64-bit hashes of canonical values and rows: the first 8 bytes of an MD5 over each value's length and
 * UTF-8 bytes (length -1 for NULL), so ("ab", "c") and ("a", "bc") differ and NULL differs from "". A
 * range's checksum is the sum of its rows' hashes: addition commutes, so it does not depend on the
 * order rows come in, and it is kept in a {@code long} that wraps (sums are only ever compared).
 */
public final class RowHash {

  private final MessageDigest row = md5();
  private final MessageDigest column = md5();

  /** The hash of each value alone, then (last element) of the whole row. */
  public long[] hashes(String[] values) {
    long[] out = new long[values.length + 1];
    for (int i = 0; i < values.length; i++) {
      byte[] bytes = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
      feed(column, bytes);
      out[i] = first8(column.digest());
      feed(row, bytes);
    }
    out[values.length] = first8(row.digest());
    return out;
  }

  /** The hash of the whole row. */
  public long row(String[] values) {
    for (String v : values) {
      feed(row, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }
    return first8(row.digest());
  }

  private static void feed(MessageDigest md, byte[] bytes) {
    int n = bytes == null ? -1 : bytes.length;
    md.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    if (bytes != null) {
      md.update(bytes);
    }
  }

  private static long first8(byte[] d) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (d[i] & 0xff);
    }
    return v;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }
}
