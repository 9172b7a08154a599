package io.ferry.worker.sqlserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A block of PostgreSQL binary COPY being written: header, tuples (int16 field count, then per field an
 * int32 length or -1 for NULL, and the bytes) and trailer. A long value can be handed over as a stream
 * of known length ({@link #stream}); the block then takes it a piece at a time ({@link #drain}), so no
 * block grows much past {@link #BLOCK} bytes whatever the size of the values.
 */
final class CopyTuples {

  /** About the size of the blocks handed to the writer. */
  static final int BLOCK = 64 * 1024;

  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};

  private byte[] buf = new byte[BLOCK + 1024];
  private int size;
  private InputStream pending;
  private long pendingLeft;

  void header() {
    bytes(HEADER, 0, HEADER.length);
  }

  void trailer() {
    int16(-1);
  }

  void int8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
  }

  void int16(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
  }

  void int32(int v) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
  }

  void int64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
  }

  void nullField() {
    int32(-1);
  }

  /** A field of the given bytes. */
  void field(byte[] value) {
    int32(value.length);
    bytes(value, 0, value.length);
  }

  /** A field of {@code length} bytes of {@code value} from {@code offset}. */
  void field(byte[] value, int offset, int length) {
    int32(length);
    bytes(value, offset, length);
  }

  void text(String value) {
    field(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A field of {@code length} bytes that {@link #drain} copies from {@code in} as room allows. */
  void stream(InputStream in, long length) {
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a value of " + length + " bytes exceeds PostgreSQL's 1 GB field limit");
    }
    int32((int) length);
    pending = in;
    pendingLeft = length;
  }

  /** Whether a streamed value is still being copied. */
  boolean draining() {
    return pending != null;
  }

  /** Copies the pending stream until the block is full or the value complete. */
  void drain() throws IOException {
    while (pendingLeft > 0 && size < BLOCK) {
      int n = (int) Math.min(pendingLeft, BLOCK - size);
      ensure(n);
      int read = pending.read(buf, size, n);
      if (read < 0) {
        throw new IOException("the value ended " + pendingLeft + " bytes before its length");
      }
      size += read;
      pendingLeft -= read;
    }
    if (pendingLeft == 0) {
      discard();
    }
  }

  /** Closes a streamed value's source (a temporary file is deleted on close), read to its end or not. */
  void discard() throws IOException {
    if (pending != null) {
      InputStream in = pending;
      pending = null;
      in.close();
    }
  }

  boolean full() {
    return size >= BLOCK;
  }

  /** The block's bytes so far; the block is empty afterwards. */
  byte[] take() {
    byte[] out = Arrays.copyOf(buf, size);
    size = 0;
    if (buf.length > 4 * BLOCK) {
      buf = new byte[BLOCK + 1024]; // one long text value does not keep its memory
    }
    return out;
  }

  private void bytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }
}
