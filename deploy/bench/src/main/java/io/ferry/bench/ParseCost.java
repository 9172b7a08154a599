package io.ferry.bench;

import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.copy.BinaryKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * CPU per row of the worker's binary COPY framing ({@link BinaryCopyParser}, key read in band as a copy
 * unit reads a bigint key) over a stream captured with {@code psql -c "COPY (SELECT * FROM t ORDER BY id)
 * TO STDOUT (FORMAT binary)" > FILE}, fed one tuple per block as PgJDBC's {@code readFromCopy()} hands
 * them over, each run copied on into a 256 kB write buffer as the unit does. Prints every pass, so the
 * first (interpreted, then compiled) shows beside the later ones; then the same passes of a parser that
 * keeps no key at all (framing only): the most that reading the key only at a chunk's end could save.
 * {@code java -cp deploy/bench/target/ferry-bench.jar io.ferry.bench.ParseCost FILE [PASSES]}.
 * The key is the first column, a bigint, as in every bench table.
 */
public final class ParseCost {

  private ParseCost() {
  }

  public static void main(String[] args) throws Exception {
    byte[] stream = Files.readAllBytes(Path.of(args[0]));
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<byte[]> blocks = tuples(stream);
    int fields = fields(blocks.get(1));
    List<String> columns = IntStream.range(0, fields).mapToObj(i -> "c" + i).toList();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Sink sink = new Sink();
    for (int pass = 1; pass <= 2 * passes; pass++) {
      boolean keyed = pass <= passes;
      BinaryCopyParser parser = keyed ? new BinaryCopyParser(fields, BinaryKey.of(0, columns, List.of("c0"), List.of("bigint")))
          : new BinaryCopyParser(fields, 0);
      long rowsBefore = sink.tuples;
      long cpu = threads.getCurrentThreadCpuTime();
      for (byte[] block : blocks) {
        parser.feed(block, 0, block.length, sink);
      }
      cpu = threads.getCurrentThreadCpuTime() - cpu;
      long rows = sink.tuples - rowsBefore;
      System.out.printf(Locale.ROOT, "%s pass %d: %,d rows, %.0f ms CPU, %.0f ns per row; last key %s%n",
          keyed ? "key in band" : "framing only", keyed ? pass : pass - passes, rows, cpu / 1e6, (double) cpu / rows,
          parser.lastKey());
    }
  }

  /** The header, one array per tuple, then the trailer: the blocks a binary COPY TO arrives in. */
  private static List<byte[]> tuples(byte[] s) {
    List<byte[]> blocks = new ArrayList<>();
    int header = 19 + readInt(s, 15);
    blocks.add(Arrays.copyOfRange(s, 0, header));
    int p = header;
    while (true) {
      int start = p;
      short count = (short) (((s[p] & 0xff) << 8) | (s[p + 1] & 0xff));
      p += 2;
      for (int f = 0; f < count; f++) {
        p += 4 + Math.max(readInt(s, p), 0);
      }
      blocks.add(Arrays.copyOfRange(s, start, p));
      if (count == -1) {
        return blocks;
      }
    }
  }

  private static int fields(byte[] tuple) {
    return (short) (((tuple[0] & 0xff) << 8) | (tuple[1] & 0xff));
  }

  private static int readInt(byte[] s, int p) {
    return ((s[p] & 0xff) << 24) | ((s[p + 1] & 0xff) << 16) | ((s[p + 2] & 0xff) << 8) | (s[p + 3] & 0xff);
  }

  /** The copy unit's write buffer: every run of tuple bytes copied in, as {@code CopyUnit.append} does. */
  static final class Sink implements BinaryCopyParser.Handler {
    private final byte[] buffer = new byte[256 * 1024];
    private int buffered;
    long tuples;

    @Override
    public void tupleBytes(byte[] data, int offset, int length) {
      if (buffered + length > buffer.length) {
        buffered = 0;
      }
      System.arraycopy(data, offset, buffer, buffered, length);
      buffered += length;
    }

    @Override
    public void tupleEnd(long framedBytes) {
      tuples++;
    }
  }
}
