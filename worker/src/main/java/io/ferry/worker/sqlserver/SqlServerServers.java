package io.ferry.worker.sqlserver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/** What kind of server a connection reaches, asked once per physical connection. */
final class SqlServerServers {

  private static final Map<Object, Boolean> BABELFISH = Collections.synchronizedMap(new WeakHashMap<>());

  private SqlServerServers() {
  }

  /** Whether the server is Babelfish for PostgreSQL ({@code SERVERPROPERTY('Babelfish')}, NULL on SQL Server). */
  static boolean babelfish(Connection c) throws SQLException {
    Object physical = physical(c);
    Boolean known = BABELFISH.get(physical);
    if (known != null) {
      return known;
    }
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT CAST(SERVERPROPERTY('Babelfish') AS int)")) {
      rs.next();
      boolean babelfish = rs.getInt(1) == 1;
      BABELFISH.put(physical, babelfish);
      return babelfish;
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
