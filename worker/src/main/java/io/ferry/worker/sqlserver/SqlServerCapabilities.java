package io.ferry.worker.sqlserver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the server and the database behind a connection offer, for the queries whose features came with a
 * product version or a database compatibility level: read in one query, once per physical connection (a
 * pooled connection always reaches its URL's database).
 *
 * @param majorVersion          {@code SERVERPROPERTY('ProductVersion')}'s first number: 13 is 2016, 14 is 2017
 *                              (Azure SQL reports 12 whatever it runs)
 * @param engineEdition         {@code SERVERPROPERTY('EngineEdition')}: 5 Azure SQL Database, 8 Managed Instance
 * @param compatibilityLevel    the database's {@code compatibility_level} (100 is SQL Server 2008's)
 * @param histogram             whether {@code sys.dm_db_stats_histogram} exists (2016 SP1 CU2 and later): by
 *                              version, or by {@code OBJECT_ID} on 2016, so that a login denied it still tries
 *                              and the plan names what it could not read
 * @param snapshotAllowed       {@code ALLOW_SNAPSHOT_ISOLATION ON}
 * @param readCommittedSnapshot {@code READ_COMMITTED_SNAPSHOT ON}
 * @param babelfish             Babelfish for PostgreSQL ({@code SERVERPROPERTY('Babelfish')})
 */
record SqlServerCapabilities(int majorVersion, int engineEdition, int compatibilityLevel, boolean histogram,
    boolean snapshotAllowed, boolean readCommittedSnapshot, boolean babelfish) {

  static final String READ = """
      SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)), CAST(SERVERPROPERTY('EngineEdition') AS int),
        d.compatibility_level,
        CASE WHEN OBJECT_ID('sys.dm_db_stats_histogram') IS NULL THEN 0 ELSE 1 END,
        d.snapshot_isolation_state, d.is_read_committed_snapshot_on, CAST(SERVERPROPERTY('Babelfish') AS int)
      FROM sys.databases d WHERE d.database_id = DB_ID()""";

  /** {@code sys.databases.snapshot_isolation_state}: 1 is ON. */
  private static final int SNAPSHOT_ON = 1;
  /** {@code EngineEdition}s of Azure SQL Database and Managed Instance: the histogram, whatever version they report. */
  private static final int AZURE_SQL_DATABASE = 5;
  private static final int AZURE_SQL_MANAGED_INSTANCE = 8;

  private static final Map<Object, SqlServerCapabilities> KNOWN = Collections.synchronizedMap(new WeakHashMap<>());

  /** As read on this physical connection before, else read now. */
  static SqlServerCapabilities of(Connection c) throws SQLException {
    Object physical = physical(c);
    SqlServerCapabilities known = KNOWN.get(physical);
    if (known == null) {
      known = read(c);
      KNOWN.put(physical, known);
    }
    return known;
  }

  /** Read now: the database's isolation options can change while a job runs. */
  static SqlServerCapabilities read(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(READ)) {
      if (!rs.next()) {
        throw new SQLException("sys.databases shows no row for the connection's database " + c.getCatalog());
      }
      int major = majorVersion(rs.getString(1));
      int edition = rs.getInt(2);
      boolean babelfish = rs.getInt(7) == 1;
      boolean histogram = rs.getInt(4) == 1
          || (!babelfish && (major >= 14 || edition == AZURE_SQL_DATABASE || edition == AZURE_SQL_MANAGED_INSTANCE));
      return new SqlServerCapabilities(major, edition, rs.getInt(3), histogram, rs.getInt(5) == SNAPSHOT_ON,
          rs.getBoolean(6), babelfish);
    }
  }

  /** {@code 16.0.4135.4} → 16; 0 when unreadable, which picks every fallback. */
  static int majorVersion(String productVersion) {
    if (productVersion == null) {
      return 0;
    }
    int dot = productVersion.indexOf('.');
    try {
      return Integer.parseInt((dot < 0 ? productVersion : productVersion.substring(0, dot)).strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Object physical(Connection c) {
    try {
      return c.unwrap(com.microsoft.sqlserver.jdbc.ISQLServerConnection.class);
    } catch (SQLException e) {
      return c;
    }
  }
}
