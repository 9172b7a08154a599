package io.ferry.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * The SQL Server baseline, what a person would write by hand: per key range one mssql-jdbc {@code SELECT}
 * (forward-only, adaptive buffering) streamed row by row into one PostgreSQL binary {@code COPY … FROM
 * STDIN} and committed, over {@code parallelism} streams (each a source and a target connection taking
 * ranges in turn), then the same primary key and ANALYZE that Ferry's finish does. At parallelism 1 it is
 * a single stream.
 */
final class SqlServerPipe {

  /** mssql-jdbc's {@code microsoft.sql.Types.DATETIMEOFFSET}. */
  private static final int DATETIMEOFFSET = -155;
  private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};

  private final SqlServerBenchData source;
  private final BenchData target;

  SqlServerPipe(SqlServerBenchData source, BenchData target) {
    this.source = source;
    this.target = target;
  }

  /** Copies {@code dbo.table} into {@code pipe.table} over {@code ranges} ({lower, upper}, Long.MIN/MAX_VALUE for open ends). */
  PipeRun.Timing run(String table, List<long[]> ranges, int parallelism) throws Exception {
    target.clearBefore("pipe", table);
    try (Connection src = source.connect(true); Statement s = src.createStatement();
         ResultSet rs = s.executeQuery("SELECT TOP (0) * FROM dbo." + table);
         Connection dst = target.connect(BenchData.TARGET); Statement d = dst.createStatement()) {
      d.execute("CREATE TABLE pipe." + table + " (" + columns(rs.getMetaData()) + ")");
    }
    // One stream per thread: its two connections are opened before the clock starts (Ferry's workers hold
    // theirs in pools), then it takes ranges from the queue until none is left.
    Queue<long[]> queue = new ConcurrentLinkedQueue<>(ranges);
    CyclicBarrier ready = new CyclicBarrier(parallelism + 1);
    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    List<Future<?>> streams = new ArrayList<>();
    long started;
    try {
      for (int i = 0; i < parallelism; i++) {
        streams.add(pool.submit(() -> {
          try (Connection src = source.connect(true); Connection dst = target.connect(BenchData.TARGET)) {
            dst.setAutoCommit(false);
            ready.await();
            for (long[] range = queue.poll(); range != null; range = queue.poll()) {
              copy(src, dst, table, range);
            }
          } catch (Exception e) {
            ready.reset();
            throw e;
          }
          return null;
        }));
      }
      ready.await(5, TimeUnit.MINUTES);
      started = System.nanoTime();
      for (Future<?> f : streams) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long copied = System.nanoTime();
    try (Connection c = target.connect(BenchData.TARGET); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE pipe." + table + " ADD PRIMARY KEY (id)");
      st.execute("ANALYZE pipe." + table);
    }
    return new PipeRun.Timing((copied - started) / 1e9, (System.nanoTime() - copied) / 1e9);
  }

  /** The target columns: the type mapping's choice for each source type the benchmark's tables use. */
  private static String columns(ResultSetMetaData md) throws SQLException {
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      String type = switch (md.getColumnType(i)) {
        case Types.BIGINT -> "bigint";
        case Types.INTEGER -> "integer";
        case Types.DECIMAL, Types.NUMERIC -> "numeric(" + md.getPrecision(i) + "," + md.getScale(i) + ")";
        case DATETIMEOFFSET -> "timestamptz";
        case Types.BIT, Types.BOOLEAN -> "boolean";
        case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> "bytea";
        default -> "text";
      };
      columns.add(md.getColumnName(i) + " " + type);
    }
    return String.join(", ", columns);
  }

  private static void copy(Connection src, Connection dst, String table, long[] range) throws SQLException, IOException {
    List<String> terms = new ArrayList<>();
    if (range[0] != Long.MIN_VALUE) {
      terms.add("id >= " + range[0]);
    }
    if (range[1] != Long.MAX_VALUE) {
      terms.add("id < " + range[1]);
    }
    String sql = "SELECT * FROM dbo." + table + (terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms));
    try (PreparedStatement ps = src.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
         ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      int[] types = new int[n];
      for (int i = 0; i < n; i++) {
        types[i] = md.getColumnType(i + 1);
      }
      PGCopyOutputStream copy = new PGCopyOutputStream(dst.unwrap(PGConnection.class), "COPY pipe." + table + " FROM STDIN (FORMAT binary)");
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(copy, 65536))) {
        out.write(HEADER);
        while (rs.next()) {
          out.writeShort(n);
          for (int i = 0; i < n; i++) {
            field(out, rs, i + 1, types[i]);
          }
        }
        out.writeShort(-1);
      }
      dst.commit();
    }
  }

  /** One value in PostgreSQL's binary form: its byte length, then the bytes (-1 for NULL). */
  static void field(DataOutputStream out, ResultSet rs, int column, int type) throws SQLException, IOException {
    switch (type) {
      case Types.BIGINT -> {
        long v = rs.getLong(column);
        if (rs.wasNull()) {
          out.writeInt(-1);
        } else {
          out.writeInt(8);
          out.writeLong(v);
        }
      }
      case Types.INTEGER -> {
        int v = rs.getInt(column);
        if (rs.wasNull()) {
          out.writeInt(-1);
        } else {
          out.writeInt(4);
          out.writeInt(v);
        }
      }
      case Types.BIT, Types.BOOLEAN -> {
        boolean v = rs.getBoolean(column);
        if (rs.wasNull()) {
          out.writeInt(-1);
        } else {
          out.writeInt(1);
          out.writeByte(v ? 1 : 0);
        }
      }
      case Types.DECIMAL, Types.NUMERIC -> {
        BigDecimal v = rs.getBigDecimal(column);
        if (v == null) {
          out.writeInt(-1);
        } else {
          numeric(out, v);
        }
      }
      case DATETIMEOFFSET -> {
        OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
        if (v == null) {
          out.writeInt(-1);
        } else {
          out.writeInt(8);
          out.writeLong(v.toEpochSecond() * 1_000_000L + v.getNano() / 1000 - POSTGRES_EPOCH_MICROS);
        }
      }
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> bytes(out, rs.getBytes(column));
      default -> {
        String v = rs.getString(column);
        bytes(out, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static void bytes(DataOutputStream out, byte[] v) throws IOException {
    if (v == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(v.length);
      out.write(v);
    }
  }

  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

  /** PostgreSQL's binary numeric: digit count, weight, sign, display scale, then base-10000 digits, most significant first. */
  static void numeric(DataOutputStream out, BigDecimal value) throws IOException {
    int scale = Math.max(value.scale(), 0);
    int pad = (4 - scale % 4) % 4;
    // value = scaled / 10000^fractionGroups, with whole base-10000 digits on both sides of the point.
    BigInteger scaled = value.setScale(scale).unscaledValue().abs().multiply(BigInteger.TEN.pow(pad));
    int fractionGroups = (scale + pad) / 4;
    List<Short> digits = new ArrayList<>(); // least significant first
    while (scaled.signum() > 0) {
      BigInteger[] qr = scaled.divideAndRemainder(TEN_THOUSAND);
      digits.add(qr[1].shortValue());
      scaled = qr[0];
    }
    int low = 0;
    while (low < digits.size() && digits.get(low) == 0) {
      low++;
    }
    int count = digits.size() - low;
    int weight = count == 0 ? 0 : digits.size() - 1 - fractionGroups;
    out.writeInt(8 + 2 * count);
    out.writeShort(count);
    out.writeShort(weight);
    out.writeShort(value.signum() < 0 ? 0x4000 : 0);
    out.writeShort(scale);
    for (int i = digits.size() - 1; i >= low; i--) {
      out.writeShort(digits.get(i));
    }
  }

  long targetRows(String table) throws SQLException {
    try (Connection c = target.connect(BenchData.TARGET); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM pipe." + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
