package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.ChunkWriter;
import io.ferry.worker.dialect.CopySource;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.dialect.TypeMapping;
import io.ferry.worker.pool.ConnectionPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies one SQL Server table keyed by an {@code int} column {@code id} to a SQL Server database as the units
 * do: the source maps its types for the target, prepare runs, one chunk of the whole table is read for a SQL
 * Server target and written by the target's chunk writer, then finish runs. Connections are lent by the worker's
 * pools, as units borrow them (a new Babelfish session pays seconds for its first catalog queries): close
 * this before the databases are dropped.
 */
final class SqlServerTableCopy implements AutoCloseable {

  private final SqlServerDatabases dbs;
  private final SqlServerSource source = new SqlServerSource();
  private final SqlServerTarget target = new SqlServerTarget();
  private final ConnectionPools pools = new ConnectionPools(ConnectionPools.Settings.forWorker(2));
  private final String sourceUrl;
  private final String targetUrl;

  SqlServerTableCopy(SqlServerDatabases dbs, String sourceUrl, String targetUrl) {
    this.dbs = dbs;
    this.sourceUrl = sourceUrl;
    this.targetUrl = targetUrl;
  }

  /** The source table as the target will create it; its type mapping has no warnings. */
  SourceTable mapped(TableName table) throws SQLException {
    try (Connection c = pools.source(source, dbs.connection(sourceUrl))) {
      SourceTable described = source.describe(c, table, new ArrayList<>());
      TypeMapping types = source.mapTypes(c, described, new TargetSpec(target.engine(), targetUrl, null, null, null, null));
      assertThat(types.warnings()).isEmpty();
      return types.apply(described);
    }
  }

  /** Prepare, one chunk of every row, finish; returns the rows the chunk wrote. */
  long copy(SourceTable mapped, TableName from, TableName to, Mode mode) throws SQLException {
    TableDdl ddl = target.ddl(new DdlRequest(mapped, to, mode, null, Map.of(from, to)));
    run(ddl.prepare());
    List<String> columns = mapped.copiedColumns().stream().map(SourceColumn::name).toList();
    SplitKey key = new SplitKey(List.of("id"), List.of("int"), false, List.of(true), SplitMethod.PRIMARY_KEY, "primary key");
    RangeRead read = new RangeRead(from, columns, key, KeyRange.ALL, null, null, true, null, target.engine());
    long rows;
    try (Connection s = pools.source(source, dbs.connection(sourceUrl)); Connection t = pools.target(target, dbs.connection(targetUrl));
         CopySource in = source.openCopy(s, read, CopyFormat.BINARY)) {
      ChunkWriter writer = target.openChunk(t, new ChunkRequest(to, columns, CopyFormat.BINARY, mode, List.of("id")));
      try {
        for (byte[] block = in.read(); block != null; block = in.read()) {
          writer.write(block, 0, block.length);
        }
        rows = writer.end();
      } catch (SQLException | RuntimeException e) {
        writer.cancel();
        throw e;
      }
      t.commit();
    }
    run(ddl.finish());
    return rows;
  }

  private void run(List<String> statements) throws SQLException {
    try (Connection c = pools.target(target, dbs.connection(targetUrl)); Statement st = c.createStatement()) {
      target.serializePrepare(c);
      target.nameUnit(c, "job-copy", "unit-ddl");
      for (String sql : statements) {
        st.execute(sql);
      }
      c.commit();
    }
  }

  @Override
  public void close() {
    pools.close();
  }
}
