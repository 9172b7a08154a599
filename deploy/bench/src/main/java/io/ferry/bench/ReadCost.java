package io.ferry.bench;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.spec.Endpoint;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.copy.BinaryKey;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.sqlserver.SqlServerSource;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU per row of reading a SQL Server table into PostgreSQL binary COPY, Ferry's way against the pipe's
 * ({@link SqlServerPipe}), over the same rows with nothing written: the pipe's {@code SELECT *} encoded
 * into a discarding stream; Ferry's {@link SqlServerSource#openCopy} read of the whole table in key order
 * (as a resumable unit reads it, key in band), its blocks framed by the worker's {@link BinaryCopyParser}
 * and copied into a write buffer as the copy unit does. Counts this thread's CPU (mssql-jdbc reads the
 * socket in the reading thread) and the CPU of the connection's server backend (Babelfish: {@code @@SPID}
 * is the backend's process id; -1 where {@code /proc} does not show it). Passes alternate, so a change of
 * load favours neither side; the first ones are the JIT's.
 * {@code java -cp deploy/bench/target/ferry-bench.jar io.ferry.bench.ReadCost URL USER PASSWORD TABLE [PASSES]},
 * the URL naming the database ({@code …;databaseName=ferry_bench_src}); the key is {@code id}, a bigint.
 */
public final class ReadCost {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ReadCost() {
  }

  public static void main(String[] args) throws Exception {
    Endpoint endpoint = new Endpoint("sqlserver", args[0], args[1], args[2]);
    String table = args[3];
    int passes = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    SqlServerSource source = new SqlServerSource();
    try (Connection pipe = source.connect(endpoint); Connection ferry = source.connect(endpoint)) {
      List<String> columns = columns(pipe, table);
      for (int pass = 1; pass <= passes; pass++) {
        print("pipe ", pass, pipe, () -> pipePass(pipe, table));
        print("ferry", pass, ferry, () -> ferryPass(source, ferry, table, columns));
      }
    }
  }

  /** What one pass read: rows, and the CPU nanoseconds spent framing (Ferry only; 0 for the pipe). */
  private record Pass(long rows, long framingNanos) {
  }

  private interface Read {
    Pass run() throws Exception;
  }

  private static void print(String side, int pass, Connection c, Read read) throws Exception {
    long backend = backendPid(c);
    long serverTicks = ticks(backend);
    long cpu = THREADS.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    Pass p = read.run();
    wall = System.nanoTime() - wall;
    cpu = THREADS.getCurrentThreadCpuTime() - cpu;
    long serverNanos = serverTicks < 0 ? -1 : (ticks(backend) - serverTicks) * 10_000_000L;
    System.out.printf(Locale.ROOT, "%s pass %d: %,d rows, %.2f s wall; client %.0f ns CPU/row (framing %.0f); server"
        + " backend %.0f ns CPU/row%n", side, pass, p.rows(), wall / 1e9, (double) cpu / p.rows(),
        (double) p.framingNanos() / p.rows(), serverNanos < 0 ? -1.0 : (double) serverNanos / p.rows());
  }

  private static Pass pipePass(Connection c, String table) throws Exception {
    long rows = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM dbo." + table, ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY); ResultSet rs = ps.executeQuery();
         DataOutputStream out = new DataOutputStream(new BufferedOutputStream(OutputStream.nullOutputStream(), 65536))) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      int[] types = new int[n];
      for (int i = 0; i < n; i++) {
        types[i] = md.getColumnType(i + 1);
      }
      while (rs.next()) {
        out.writeShort(n);
        for (int i = 0; i < n; i++) {
          SqlServerPipe.field(out, rs, i + 1, types[i]);
        }
        rows++;
      }
    }
    return new Pass(rows, 0);
  }

  private static Pass ferryPass(SqlServerSource source, Connection c, String table, List<String> columns)
      throws Exception {
    SplitKey key = new SplitKey(List.of("id"), List.of("bigint"), false, List.of(true), SplitMethod.PRIMARY_KEY,
        "primary key");
    RangeRead read = new RangeRead(new TableName("dbo", table), columns, key, KeyRange.ALL, null, null, true);
    BinaryCopyParser parser = new BinaryCopyParser(columns.size(),
        BinaryKey.of(0, columns, List.of("id"), List.of("bigint")));
    ParseCost.Sink sink = new ParseCost.Sink();
    long framing = 0;
    try (CopySource in = source.openCopy(c, read)) {
      for (byte[] block = in.read(); block != null; block = in.read()) {
        long before = THREADS.getCurrentThreadCpuTime();
        parser.feed(block, 0, block.length, sink);
        framing += THREADS.getCurrentThreadCpuTime() - before;
      }
    }
    return new Pass(sink.tuples, framing);
  }

  private static List<String> columns(Connection c, String table) throws Exception {
    List<String> columns = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TOP (0) * FROM dbo." + table)) {
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        columns.add(rs.getMetaData().getColumnName(i));
      }
    }
    return columns;
  }

  private static long backendPid(Connection c) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@SPID")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** User and system ticks of a process, or -1. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return -1;
    }
  }
}
