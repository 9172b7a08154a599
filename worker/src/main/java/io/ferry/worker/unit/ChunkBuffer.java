package io.ferry.worker.unit;

import java.sql.SQLException;

/**
 * Gathers a chunk's COPY bytes into few, large writes to the target instead of one per tuple. A unit keeps
 * one for all its chunks, so nothing is allocated per row or per chunk.
 */
final class ChunkBuffer {

  /** Bytes gathered before one write to the target. */
  static final int SIZE = 256 * 1024;

  /** Where gathered bytes go: the open chunk's writer, with whatever the unit does around each write. */
  @FunctionalInterface
  interface Sink {
    void write(byte[] data, int offset, int length) throws SQLException;
  }

  private final byte[] buffer = new byte[SIZE];
  private final Sink sink;
  private int buffered;

  ChunkBuffer(Sink sink) {
    this.sink = sink;
  }

  void append(byte[] data) throws SQLException {
    append(data, 0, data.length);
  }

  void append(byte[] data, int offset, int length) throws SQLException {
    while (length > 0) {
      int n = Math.min(length, buffer.length - buffered);
      System.arraycopy(data, offset, buffer, buffered, n);
      buffered += n;
      offset += n;
      length -= n;
      if (buffered == buffer.length) {
        flush();
      }
    }
  }

  /** Writes what is gathered, if anything. */
  void flush() throws SQLException {
    if (buffered > 0) {
      sink.write(buffer, 0, buffered);
      buffered = 0;
    }
  }

  /** Drops what is gathered: its chunk is abandoned. */
  void clear() {
    buffered = 0;
  }
}
