package io.ferry.worker.sqlserver;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries a chunk's bytes from the copy unit, which pushes them ({@code ChunkWriter.write}), to the thread
 * that loads them, which pulls (the bulk copy API asks for rows). At most {@link #BLOCKS} blocks wait in
 * between, so a slow target slows the source read down instead of filling memory.
 */
final class SqlServerChunkPipe extends InputStream {

  static final int BLOCKS = 4;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(BLOCKS);
  private volatile boolean aborted;
  private byte[] current;
  private int position;

  /**
   * Hands a copy of the bytes over, waiting while the loader is behind.
   *
   * @param loading false once the loader has stopped: nothing would take the bytes
   */
  void put(byte[] data, int offset, int length, java.util.function.BooleanSupplier loading) throws InterruptedException {
    byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
    while (!blocks.offer(copy, 100, TimeUnit.MILLISECONDS)) {
      if (!loading.getAsBoolean()) {
        return;
      }
    }
  }

  /** No more bytes: the loader reads to the end of what it has. */
  void close(java.util.function.BooleanSupplier loading) throws InterruptedException {
    put(END, 0, 0, loading);
  }

  /** The loader's next read fails: the chunk is abandoned. */
  void abort() {
    aborted = true;
    blocks.clear();
    blocks.offer(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (current == null || position == current.length) {
      if (current == END) {
        return -1;
      }
      try {
        current = blocks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("the chunk was abandoned", e);
      }
      position = 0;
      if (aborted) {
        throw new IOException("the chunk was abandoned");
      }
    }
    int n = Math.min(len, current.length - position);
    System.arraycopy(current, position, b, off, n);
    position += n;
    return n;
  }
}
