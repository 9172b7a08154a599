package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlServerKeysTest {

  private static final List<SourceColumn> COLUMNS = List.of(
      column("id", "int", false), column("guid", "uniqueidentifier", false), column("code", "varchar(20)", true),
      column("n", "nvarchar(10)", false), column("at", "datetime2(7)", false), column("day", "date", false));

  @Test
  void thePrimaryKeyComesFirst() {
    SplitKey key = SqlServerKeys.choose(table(List.of("id", "guid"), unique("uq_code", "code")), new ArrayList<>());
    assertThat(key.method()).isEqualTo(SplitMethod.PRIMARY_KEY);
    assertThat(key.columns()).containsExactly("id", "guid");
    assertThat(key.types()).containsExactly("int", "uniqueidentifier");
    assertThat(key.orderPortable()).containsExactly(true, false);
  }

  @Test
  void withoutPrimaryKeyANotNullUniqueIndexIsPreferredThenTheFewestColumns() {
    List<String> warnings = new ArrayList<>();
    SplitKey key = SqlServerKeys.choose(table(List.of(), unique("uq_code", "code"), unique("uq_pair", "n", "day"),
        unique("uq_at", "at")), warnings);
    assertThat(key.method()).isEqualTo(SplitMethod.UNIQUE_INDEX);
    assertThat(key.columns()).containsExactly("at");
    assertThat(key.nullable()).isFalse();
    assertThat(warnings).singleElement().asString().contains("uq_at");
  }

  @Test
  void aNullableUniqueIndexIsUsedAndSaysItsNullRowsAreAUnitOfTheirOwn() {
    List<String> warnings = new ArrayList<>();
    SplitKey key = SqlServerKeys.choose(table(List.of(), unique("uq_code", "code")), warnings);
    assertThat(key.nullable()).isTrue();
    assertThat(warnings).singleElement().asString().contains("NULL");
  }

  @Test
  void filteredAndNonUniqueIndexesAreNoKeysSoAHeapIsOneUnit() {
    SourceIndex filtered = new SourceIndex("uq_f", true, false, "btree", List.of(SourceIndex.Key.column("id")), List.of(),
        "([id]>(0))");
    SourceIndex plain = new SourceIndex("ix", false, false, "btree", List.of(SourceIndex.Key.column("day")), List.of(), null);
    List<String> warnings = new ArrayList<>();
    SplitKey key = SqlServerKeys.choose(table(List.of(), filtered, plain), warnings);
    assertThat(key.method()).isEqualTo(SplitMethod.SINGLE_UNIT);
    assertThat(key.ordered()).isFalse();
    assertThat(warnings).singleElement().asString().contains("one unit");
  }

  @Test
  void onlyTypesWhoseOrderAndKeyTextPostgresqlSharesArePortable() {
    assertThat(List.of("bigint", "int", "smallint", "tinyint", "bit", "decimal(18,4)", "numeric(38,0)", "money",
        "float", "real", "date", "datetime", "smalldatetime", "datetime2(6)", "time(3)", "datetimeoffset(0)"))
        .allMatch(SqlServerKeys::orderPortable);
    assertThat(List.of("varchar(20)", "nvarchar(max)", "char(3)", "nchar(2)", "sysname", "uniqueidentifier",
        "binary(16)", "varbinary(8)", "datetime2(7)", "datetime2", "time", "datetimeoffset(7)", "sql_variant"))
        .noneMatch(SqlServerKeys::orderPortable);
  }

  private static SourceIndex unique(String name, String... columns) {
    return new SourceIndex(name, true, true, "btree", List.of(columns).stream().map(SourceIndex.Key::column).toList(),
        List.of(), null);
  }

  private static SourceTable table(List<String> primaryKey, SourceIndex... indexes) {
    return new SourceTable(new TableName("dbo", "t"), false, COLUMNS, primaryKey, List.of(indexes), List.of(), 0, 0);
  }

  private static SourceColumn column(String name, String type, boolean nullable) {
    return new SourceColumn(name, type, nullable, null, null, null, null, null, null);
  }
}
