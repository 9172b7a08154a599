package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The SQL Server test server answers, and a test's database exists until the support class drops it. */
class SqlServerDatabasesIT {

  @Test
  void createsAndDropsADatabase() throws Exception {
    String name;
    try (SqlServerDatabases dbs = new SqlServerDatabases()) {
      String url = dbs.create("smoke");
      dbs.execute(url, "CREATE TABLE dbo.t (id int PRIMARY KEY)", "INSERT INTO dbo.t VALUES (7)");
      try (Connection c = dbs.open(url); Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("SELECT DB_NAME(), id FROM dbo.t")) {
        assertThat(rs.next()).isTrue();
        name = rs.getString(1);
        assertThat(rs.getInt(2)).isEqualTo(7);
      }
    }
    try (SqlServerDatabases dbs = new SqlServerDatabases();
         Connection c = dbs.open(dbs.urlOf("master")); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM sys.databases WHERE name = '" + name + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }
}
