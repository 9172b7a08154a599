package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Mode;
import io.ferry.worker.dialect.SourceTable;
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
import org.junit.jupiter.api.TestInstance;

/**
 * {@code sql_variant} values copied from SQL Server to SQL Server keep their base type, precision, scale,
 * length, collation and value, written by a fresh table's load and by an upsert. Each server runs it with the
 * base types it keeps right itself ({@link #variants}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlServerCarriedTypesContract {

  static final TableName VARIANTS = new TableName("dbo", "variants");
  static final TableName LANDED = new TableName("landed", "variants");

  protected SqlServerDatabases dbs;
  protected String sourceUrl;
  protected String targetUrl;
  protected SqlServerTableCopy copy;

  protected abstract SqlServerDatabases databases();

  /** One {@code sql_variant} value per row, as T-SQL expressions. */
  protected abstract List<String> variants();

  /** What is compared of a variant column, given its name: enough to tell any two different values apart. */
  protected List<String> variantForms(String column) {
    List<String> forms = new ArrayList<>();
    for (String property : List.of("BaseType", "Precision", "Scale", "MaxLength", "Collation")) {
      forms.add("CAST(SQL_VARIANT_PROPERTY(" + column + ", '" + property + "') AS nvarchar(128))");
    }
    forms.add("CAST(" + column + " AS nvarchar(max))");
    return forms;
  }

  @BeforeAll
  void createTables() throws SQLException {
    dbs = databases();
    sourceUrl = dbs.create("carried_src");
    targetUrl = dbs.create("carried_dst");
    copy = new SqlServerTableCopy(dbs, sourceUrl, targetUrl);
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < variants().size(); i++) {
      // As sql_variant each: a VALUES list would convert its values to one type first.
      rows.add("(" + (i + 1) + ", CAST(" + variants().get(i) + " AS sql_variant))");
    }
    rows.add("(" + (variants().size() + 1) + ", NULL)");
    dbs.execute(sourceUrl, "CREATE TABLE dbo.variants (id int NOT NULL PRIMARY KEY, v sql_variant NULL)",
        "INSERT INTO dbo.variants (id, v) VALUES " + String.join(", ", rows));
  }

  @AfterAll
  void drop() throws SQLException {
    if (copy != null) {
      copy.close();
    }
    dbs.close();
  }

  @Test
  void variantsKeepTheirBaseTypesInANewTableAndInAnUpsert() throws SQLException {
    List<List<String>> expected = rows(sourceUrl, VARIANTS, variantForms("v"));
    assertThat(expected).hasSize(variants().size() + 1);
    SourceTable mapped = copy.mapped(VARIANTS);
    assertThat(mapped.column("v").type()).isEqualTo("sql_variant");

    assertThat(copy.copy(mapped, VARIANTS, LANDED, Mode.CREATE)).isEqualTo(expected.size());
    assertThat(rows(targetUrl, LANDED, variantForms("v"))).as("create").isEqualTo(expected);

    dbs.execute(targetUrl, "UPDATE landed.variants SET v = CAST(N'changed' AS nvarchar(7)) WHERE id = 1",
        "DELETE FROM landed.variants WHERE id = 2");
    copy.copy(mapped, VARIANTS, LANDED, Mode.UPSERT);
    assertThat(rows(targetUrl, LANDED, variantForms("v"))).as("upsert").isEqualTo(expected);
  }

  /** Every row by id: the id, then each of {@code forms} as the driver prints it (hex for bytes). */
  protected List<List<String>> rows(String url, TableName table, List<String> forms) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = dbs.open(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT id, " + String.join(", ", forms) + " FROM " + SqlServerSql.table(table)
             + " ORDER BY id")) {
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= forms.size() + 1; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
