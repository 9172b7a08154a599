package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceDialect;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog of a table of many types, read from the SQL Server test server. */
class SqlServerCatalogIT {

  private static final SqlServerDatabases DBS = new SqlServerDatabases();
  private static String url;
  /** One connection for all tests: opening one takes seconds on the test server. */
  private static Connection c;

  @BeforeAll
  static void createTables() throws SQLException {
    url = DBS.create("catalog");
    DBS.execute(url, SqlServerFixtures.EVERYTHING);
    DBS.execute(url,
        "CREATE UNIQUE INDEX ux_guid ON sales.everything (c_guid DESC) INCLUDE (c_bigint)",
        "CREATE INDEX ix_date ON sales.everything (c_date, c_smallint)",
        "CREATE UNIQUE INDEX ux_pair ON sales.everything (id, code)",
        "CREATE TABLE sales.child (id bigint NOT NULL PRIMARY KEY, parent_id int NOT NULL, parent_code varchar(20) NOT NULL,"
            + " CONSTRAINT fk_parent FOREIGN KEY (parent_id, parent_code) REFERENCES sales.everything (id, code)"
            + " ON DELETE CASCADE, CONSTRAINT ck_parent CHECK (parent_id > 0))",
        "CREATE TABLE dbo.heap (a int, b nvarchar(10))",
        "INSERT INTO sales.everything (code, c_smallint) VALUES ('a', 1), ('b', 2)");
    c = DBS.open(url);
  }

  @AfterAll
  static void dropDatabases() throws SQLException {
    c.close();
    DBS.close();
  }

  @Test
  void listsUserTablesOnly() throws SQLException {
    assertThat(SqlServerCatalog.listTables(c)).containsExactly(
        new TableName("dbo", "heap"), new TableName("sales", "child"), new TableName("sales", "everything"));
  }

  @Test
  void describesEveryColumn() throws SQLException {
    SourceTable table = describe(new TableName("sales", "everything"));
    Map<String, SourceColumn> byName = table.columns().stream().collect(Collectors.toMap(SourceColumn::name, Function.identity()));
    assertThat(table.columns()).extracting(SourceColumn::name).startsWith("id", "code", "c_guid");
    assertThat(byName.get("code").type()).isEqualTo("varchar(20)");
    assertThat(byName.get("code").nullable()).isFalse();
    assertThat(byName.get("code").collation()).containsIgnoringCase("cs_as");
    assertThat(byName.get("c_nvc").type()).isEqualTo("nvarchar(50)");
    assertThat(byName.get("c_nchar").type()).isEqualTo("nchar(5)");
    assertThat(byName.get("c_vc").type()).isEqualTo("varchar(max)");
    assertThat(byName.get("c_nvcmax").type()).isEqualTo("nvarchar(max)");
    assertThat(byName.get("c_vbin").type()).isEqualTo("varbinary(100)");
    assertThat(byName.get("c_vbinmax").type()).isEqualTo("varbinary(max)");
    assertThat(byName.get("c_dec").type()).isEqualTo("decimal(18,4)");
    assertThat(byName.get("c_num").type()).isEqualTo("numeric(38,0)");
    assertThat(byName.get("c_time").type()).isEqualTo("time(3)");
    assertThat(byName.get("c_float").type()).isEqualTo("float");
    assertThat(byName.get("c_real").type()).isEqualTo("real");
    assertThat(byName.get("c_dt2").type()).startsWith("datetime2(");
    assertThat(byName.get("c_rv").type()).isEqualTo("timestamp");
    assertThat(byName.get("c_rv").defaultExpr()).isNull();
    assertThat(byName.get("c_ssn").type()).isEqualTo("varchar(11)");
    assertThat(byName.get("c_guid").defaultExpr()).containsIgnoringCase("newid()");
    assertThat(byName.get("c_bit").defaultExpr()).contains("1");
    assertThat(byName.get("c_tinyint").nullable()).isTrue();
  }

  @Test
  void identityKnowsItsNextValue() throws SQLException {
    SourceColumn id = describe(new TableName("sales", "everything")).column("id");
    assertThat(id.identity()).isEqualTo("always");
    // IDENTITY(10,5) issued 10 and 15 for the two rows.
    assertThat(id.sequenceNext()).isEqualTo(20L);
    SqlServerColumn raw = SqlServerCatalog.columns(c, new TableName("sales", "everything")).get(0);
    assertThat(raw.identitySeed()).isEqualTo(10L);
    assertThat(raw.identityIncrement()).isEqualTo(5L);
  }

  @Test
  void computedColumnsAreNotCopied() throws SQLException {
    SourceTable table = describe(new TableName("sales", "everything"));
    assertThat(table.column("c_total").generatedExpr()).contains("c_dec");
    assertThat(table.column("c_virt").generated()).isTrue();
    assertThat(table.copiedColumns()).extracting(SourceColumn::name).doesNotContain("c_total", "c_virt");
  }

  @Test
  void keysIndexesAndConstraints() throws SQLException {
    SourceTable table = describe(new TableName("sales", "everything"));
    assertThat(table.primaryKey()).containsExactly("id");
    Map<String, SourceIndex> indexes = new java.util.HashMap<>();
    // Babelfish appends a hash to the names of indexes that are not constraints.
    table.indexes().forEach(i -> indexes.put(i.name().startsWith("uq_") ? i.name() : i.name().substring(0, 6), i));
    assertThat(indexes.get("uq_code").constraint()).isTrue();
    assertThat(indexes.get("uq_code").unique()).isTrue();
    assertThat(indexes.get("ux_gui").keys()).containsExactly(new SourceIndex.Key("c_guid", null, "DESC"));
    assertThat(indexes.get("ux_gui").include()).containsExactly("c_bigint");
    assertThat(indexes.get("ux_gui").constraint()).isFalse();
    assertThat(indexes.get("ix_dat").unique()).isFalse();
    assertThat(indexes.get("ix_dat").keys()).extracting(SourceIndex.Key::column).containsExactly("c_date", "c_smallint");
    assertThat(indexes.get("ux_pai").keys()).extracting(SourceIndex.Key::column).containsExactly("id", "code");
    assertThat(table.checks()).singleElement().satisfies(ck -> {
      assertThat(ck.name()).isEqualTo("ck_small");
      assertThat(ck.definition()).startsWith("CHECK (").contains("c_smallint >= 0");
    });

    SourceTable child = describe(new TableName("sales", "child"));
    assertThat(child.foreignKeys()).containsExactly(new SourceForeignKey("fk_parent", List.of("parent_id", "parent_code"),
        new TableName("sales", "everything"), List.of("id", "code"), "CASCADE", "NO ACTION", ""));
  }

  @Test
  void heapHasNoKeyAndEstimatesAreNeverNegative() throws SQLException {
    List<String> warnings = new ArrayList<>();
    SourceTable heap = SqlServerCatalog.describe(c, new TableName("dbo", "heap"), warnings);
    assertThat(heap.primaryKey()).isEmpty();
    assertThat(heap.indexes()).isEmpty();
    assertThat(heap.columns()).extracting(SourceColumn::type).containsExactly("int", "nvarchar(10)");
    assertThat(heap.estimatedRows()).isNotNegative();
    assertThat(heap.estimatedBytes()).isNotNegative();
  }

  @Test
  void aMissingTableIsAnError() throws SQLException {
    assertThatThrownBy(() -> SqlServerCatalog.describe(c, new TableName("dbo", "nope"), new ArrayList<>()))
        .isInstanceOf(SQLException.class).hasMessageContaining("dbo.nope");
  }

  @Test
  void describesAllTablesAtOnceAsEachAlone() throws SQLException {
    List<TableName> tables = new ArrayList<>(SqlServerCatalog.listTables(c));
    tables.add(new TableName("dbo", "nope"));
    Map<TableName, SourceDialect.Described> all = SqlServerCatalog.describeAll(c, tables);
    assertThat(all.keySet()).containsExactlyInAnyOrderElementsOf(tables.subList(0, tables.size() - 1));
    for (TableName table : all.keySet()) {
      List<String> warnings = new ArrayList<>();
      assertThat(all.get(table).table()).as(table.toString()).isEqualTo(SqlServerCatalog.describe(c, table, warnings));
      assertThat(all.get(table).warnings()).as(table.toString()).isEqualTo(warnings);
    }
    assertThat(all.get(new TableName("sales", "child")).table().checks()).extracting(SourceCheck::definition)
        .anySatisfy(e -> assertThat(e).contains("parent_id"));
    assertThat(all.get(new TableName("sales", "everything")).table().indexes()).isNotEmpty();
  }

  private static SourceTable describe(TableName name) throws SQLException {
    return SqlServerCatalog.describe(c, name, new ArrayList<>());
  }
}
