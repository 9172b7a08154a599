package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.worker.dialect.ChunkWriters;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The bulk loader on SQL Server 2022 itself, whose locks Babelfish does not have ({@code sys.dm_tran_locks} is
 * missing there): two units load one truncated table at once, each holding its chunk's transaction open while
 * the other loads; into a table with indexes neither holds an exclusive table lock, into a heap both share
 * the bulk-update lock. Runs where a Docker engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022BulkLoadIT extends SqlServerBulkLoadIT {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  /** The session's locks on the table object. */
  private static final String TABLE_LOCKS = "SELECT request_mode FROM sys.dm_tran_locks WHERE request_session_id = ?"
      + " AND resource_type = 'OBJECT' AND resource_database_id = DB_ID() AND resource_associated_entity_id = OBJECT_ID(?)";

  @Override
  protected SqlServerDatabases newDatabases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }

  @Test
  void twoUnitsLoadAnIndexedTableAtOnceUnderRowLocks() throws Exception {
    dbs.execute(url, "CREATE TABLE dbo.shared_indexed (id bigint NOT NULL PRIMARY KEY, n decimal(20,4), v nvarchar(max),"
        + " b varbinary(max))", "CREATE INDEX ix_shared_indexed_n ON dbo.shared_indexed (n)");
    assertThat(loadAtOnce(new TableName("dbo", "shared_indexed"))).contains("IX").doesNotContain("X");
  }

  @Test
  void twoUnitsLoadAHeapAtOnceUnderTheSharedBulkUpdateLock() throws Exception {
    dbs.execute(url, "CREATE TABLE dbo.shared_heap (id bigint NOT NULL, n decimal(20,4), v nvarchar(max), b varbinary(max))");
    assertThat(loadAtOnce(new TableName("dbo", "shared_heap"))).contains("BU").doesNotContain("X");
  }

  /**
   * Loads a chunk of one unit and, its transaction still open, a chunk of another; then commits both.
   *
   * @return the table locks each unit held after its load
   */
  private List<String> loadAtOnce(TableName table) throws Exception {
    List<String> modes = new ArrayList<>();
    try (Connection first = target.connect(dbs.connection(url)); Connection second = target.connect(dbs.connection(url));
         Connection observer = dbs.open(url)) {
      // A regression (an exclusive table lock) fails the second load instead of leaving it waiting forever.
      try (Statement st = second.createStatement()) {
        st.execute("SET LOCK_TIMEOUT 10000");
      }
      ChunkWriters firstWrites = target.chunkWriters(first, truncate(table));
      load(firstWrites, List.of(Arrays.asList(1L, "1.0000", "a", null), Arrays.asList(2L, "2.0000", "b", null)));
      modes.addAll(tableLocks(observer, first, table));
      ChunkWriters secondWrites = target.chunkWriters(second, truncate(table));
      load(secondWrites, List.of(Arrays.asList(11L, "11.0000", "k", null), Arrays.asList(12L, "12.0000", "l", null)));
      modes.addAll(tableLocks(observer, second, table));
      first.commit();
      second.commit();
    }
    assertThat(read(table)).extracting(row -> row.get(0)).containsExactly(1L, 2L, 11L, 12L);
    return modes;
  }

  private static List<String> tableLocks(Connection observer, Connection session, TableName table) throws SQLException {
    int spid;
    try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT @@SPID")) {
      rs.next();
      spid = rs.getInt(1);
    }
    List<String> modes = new ArrayList<>();
    try (PreparedStatement ps = observer.prepareStatement(TABLE_LOCKS)) {
      ps.setInt(1, spid);
      ps.setNString(2, SqlServerSql.table(table));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          modes.add(rs.getString(1));
        }
      }
    }
    assertThat(modes).as("the table locks of session " + spid).isNotEmpty();
    return modes;
  }
}
