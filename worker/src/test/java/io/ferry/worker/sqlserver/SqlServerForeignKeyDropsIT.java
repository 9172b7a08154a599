package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A foreign key dropped on record comes back as it was: its columns in key order (not column order), names
 * with characters XML would escape, its actions. The batch builds the column lists without {@code STRING_AGG}
 * or {@code FOR XML}, so it runs at every version and compatibility level.
 */
class SqlServerForeignKeyDropsIT {

  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static final TableName PARENT = new TableName("dbo", "p&<>");
  private static final TableName CHILD = new TableName("dbo", "c");
  private static String url;

  @BeforeAll
  static void tables() throws SQLException {
    url = MSSQL.create("fk_drops");
    MSSQL.execute(url, "CREATE TABLE dbo.[p&<>] (b int NOT NULL, a int NOT NULL, CONSTRAINT pk_p PRIMARY KEY (a, b))",
        "CREATE TABLE dbo.c (id int NOT NULL PRIMARY KEY, x int, [y&] int,"
            + " CONSTRAINT [fk c&<>] FOREIGN KEY ([y&], x) REFERENCES dbo.[p&<>] (a, b) ON DELETE CASCADE)");
  }

  @AfterAll
  static void drop() throws SQLException {
    MSSQL.close();
  }

  @Test
  void aCompositeKeyIsRecordedInKeyOrderAndRestored() throws SQLException {
    String definition = "FOREIGN KEY ([y&], [x]) REFERENCES [dbo].[p&<>] ([a], [b]) ON DELETE CASCADE ON UPDATE NO ACTION";
    try (Connection c = MSSQL.open(url)) {
      c.setAutoCommit(false);
      assertThat(SqlServerForeignKeyDrops.dropAmong(c, List.of(PARENT, CHILD), "job-fk", "unit-1")).isEqualTo(1);
      c.commit();
      assertThat(strings(c, "SELECT definition FROM ferry.dropped_constraints WHERE job_id = 'job-fk'"))
          .containsExactly(definition);
      assertThat(strings(c, "SELECT name FROM sys.foreign_keys")).isEmpty();

      assertThat(SqlServerForeignKeyDrops.restore(c, "job-fk")).isEqualTo(1);
      c.commit();
      assertThat(strings(c, "SELECT COL_NAME(k.parent_object_id, k.parent_column_id) + '>' + COL_NAME(k.referenced_object_id,"
          + " k.referenced_column_id) FROM sys.foreign_key_columns k JOIN sys.foreign_keys f ON f.object_id = k.constraint_object_id"
          + " WHERE f.name = 'fk c&<>' ORDER BY k.constraint_column_id")).containsExactly("y&>a", "x>b");
      assertThat(strings(c, "SELECT delete_referential_action_desc FROM sys.foreign_keys WHERE name = 'fk c&<>'"))
          .containsExactly("CASCADE");
      c.commit();
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
