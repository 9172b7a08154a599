package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.plan.CopyFormat;
import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.dialect.ChunkRequest;
import io.ferry.worker.dialect.DdlRequest;
import io.ferry.worker.dialect.RowDeletion;
import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableDdl;
import io.ferry.worker.dialect.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The T-SQL the SQL Server target generates, per mode, without a database. */
class SqlServerDdlTest {

  private static final TableName SOURCE = new TableName("dbo", "orders");
  private static final TableName TARGET = new TableName("sales", "orders");
  private static final TableName CUSTOMERS = new TableName("dbo", "customers");

  private static SourceTable orders() {
    return new SourceTable(SOURCE, false, List.of(
        new SourceColumn("id", "bigint IDENTITY(1, 1)", false, null, null, "always", null, null, 42L),
        new SourceColumn("customer", "int", false, null, null, null, null),
        new SourceColumn("note", "nvarchar(200)", true, "(N'none')", null, null, null, "Latin1_General_CS_AS", null),
        new SourceColumn("total", "decimal(12,2)", true, null, "([qty]*(2))", null, null)),
        List.of("id"),
        List.of(new SourceIndex("ix_customer", false, false, "btree", List.of(new SourceIndex.Key("customer", null, "DESC")),
            List.of("note"), "([customer]>(0))"), new SourceIndex("uq_note", true, true, "btree",
            List.of(SourceIndex.Key.column("note")), List.of(), null)),
        List.of(new SourceForeignKey("fk_orders_customer", List.of("customer"), CUSTOMERS, List.of("id"), "CASCADE", "NO ACTION", "")),
        0, 0, null, List.of(), List.of(new SourceCheck("ck_total", "CHECK ([total]>=(0))")));
  }

  private static TableDdl ddl(Mode mode, String tenant) {
    return SqlServerDdl.build(new DdlRequest(orders(), TARGET, mode, tenant,
        Map.of(SOURCE, TARGET, CUSTOMERS, new TableName("sales", "customers"))));
  }

  @Test
  void createMakesTheSchemaAndABareHeapWithIdentityAndCollation() {
    TableDdl ddl = ddl(Mode.CREATE, null);
    assertThat(ddl.prepare()).containsExactly(
        "IF SCHEMA_ID(N'sales') IS NULL EXEC(N'CREATE SCHEMA [sales]')",
        "CREATE TABLE [sales].[orders] ([id] bigint IDENTITY(1, 1) NOT NULL, [customer] int NOT NULL,"
            + " [note] nvarchar(200) COLLATE Latin1_General_CS_AS NULL, [total] AS ([qty]*(2)))");
  }

  @Test
  void finishAddsDefaultsIdentityChecksKeyAndIndexesEachGuarded() {
    List<String> finish = ddl(Mode.CREATE, null).finish();
    assertThat(finish).hasSize(6);
    assertThat(finish.get(1)).isEqualTo("IF NOT EXISTS (SELECT 1 FROM sys.columns WHERE object_id = OBJECT_ID(N'[sales].[orders]')"
        + " AND name = N'note' AND default_object_id <> 0) ALTER TABLE [sales].[orders] ADD DEFAULT (N'none') FOR [note]");
    assertThat(finish.get(0)).startsWith("IF COLUMNPROPERTY(OBJECT_ID(N'[sales].[orders]'), N'id', 'IsIdentity') = 1")
        .contains("DECLARE @source decimal(38,0) = 42;")
        .contains("N'DBCC CHECKIDENT (''[sales].[orders]'', RESEED, ' + CONVERT(nvarchar(40), @reseed)");
    assertThat(finish.get(2)).isEqualTo("IF OBJECT_ID(N'[sales].[ck_total]', N'C') IS NULL ALTER TABLE [sales].[orders]"
        + " ADD CONSTRAINT [ck_total] CHECK ([total]>=(0))");
    assertThat(finish.get(3)).isEqualTo("IF NOT EXISTS (SELECT 1 FROM sys.key_constraints WHERE parent_object_id ="
        + " OBJECT_ID(N'[sales].[orders]') AND type = 'PK') ALTER TABLE [sales].[orders] ADD CONSTRAINT [PK_orders] PRIMARY KEY ([id])");
    assertThat(finish.get(4)).isEqualTo("IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'[sales].[orders]')"
        + " AND name = N'ix_customer') CREATE INDEX [ix_customer] ON [sales].[orders] ([customer] DESC) INCLUDE ([note])"
        + " WHERE ([customer]>(0))");
    assertThat(finish.get(5)).isEqualTo("IF OBJECT_ID(N'[sales].[uq_note]', N'UQ') IS NULL ALTER TABLE [sales].[orders]"
        + " ADD CONSTRAINT [uq_note] UNIQUE ([note])");
  }

  @Test
  void aTenantColumnLeadsTheTableTheKeyUniqueIndexesAndForeignKeys() {
    TableDdl ddl = ddl(Mode.CREATE, "district");
    assertThat(ddl.prepare().get(1)).startsWith("CREATE TABLE [sales].[orders] ([district] nvarchar(128) NOT NULL, [id] bigint");
    assertThat(ddl.finish()).contains("IF NOT EXISTS (SELECT 1 FROM sys.key_constraints WHERE parent_object_id ="
        + " OBJECT_ID(N'[sales].[orders]') AND type = 'PK') ALTER TABLE [sales].[orders] ADD CONSTRAINT [PK_orders]"
        + " PRIMARY KEY ([district], [id])");
    assertThat(ddl.finish()).anyMatch(s -> s.endsWith("UNIQUE ([district], [note])"));
    assertThat(ddl.foreignKeys()).containsExactly("IF OBJECT_ID(N'[sales].[fk_orders_customer]', N'F') IS NULL"
        + " ALTER TABLE [sales].[orders] ADD CONSTRAINT [fk_orders_customer] FOREIGN KEY ([district], [customer])"
        + " REFERENCES [sales].[customers] ([district], [id]) ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  @Test
  void dropRecreateDropsReferencingForeignKeysAndTheTableFirst() {
    List<String> prepare = ddl(Mode.DROP_RECREATE, null).prepare();
    assertThat(prepare.get(1)).contains("FROM sys.foreign_keys WHERE referenced_object_id = OBJECT_ID(N'[sales].[orders]')");
    assertThat(prepare.get(2)).isEqualTo("DROP TABLE IF EXISTS [sales].[orders]");
    assertThat(prepare.get(3)).startsWith("CREATE TABLE [sales].[orders] (");
  }

  @Test
  void truncateKeepsAnExistingTableAndDropsTheJobsForeignKeysIntoItOnRecord() {
    List<String> prepare = ddl(Mode.TRUNCATE, null).prepare();
    assertThat(prepare.get(1)).startsWith("IF OBJECT_ID(N'[sales].[orders]', N'U') IS NULL CREATE TABLE [sales].[orders] (");
    assertThat(prepare.get(2)).contains("INSERT INTO ferry.dropped_constraints")
        .contains("CONVERT(nvarchar(400), SESSION_CONTEXT(N'ferry.job_id'))")
        .contains("fk.referenced_object_id IN (OBJECT_ID(N'[sales].[orders]'))")
        .contains("AND fk.parent_object_id <> fk.referenced_object_id");
    assertThat(prepare.get(3)).isEqualTo("TRUNCATE TABLE [sales].[orders]");
  }

  @Test
  void appendAndUpsertCreateAMissingTableWithItsKey() {
    for (Mode mode : List.of(Mode.APPEND, Mode.UPSERT)) {
      assertThat(ddl(mode, "t").prepare().get(1)).startsWith("IF OBJECT_ID(N'[sales].[orders]', N'U') IS NULL CREATE TABLE")
          .endsWith(", CONSTRAINT [PK_orders] PRIMARY KEY ([t], [id]))");
    }
  }

  @Test
  void preserveSchemaCreatesNothingDropsTheJobsForeignKeysIntoItOnRecordAndOnlyMovesIdentities() {
    TableDdl ddl = ddl(Mode.PRESERVE_SCHEMA, null);
    // Units load the tables in any order: a row whose parent is not copied yet must not be refused.
    assertThat(ddl.prepare()).singleElement().asString().contains("INSERT INTO ferry.dropped_constraints")
        .contains("fk.referenced_object_id IN (OBJECT_ID(N'[sales].[orders]'))");
    assertThat(ddl.foreignKeys()).isEmpty();
    assertThat(ddl.finish()).singleElement().asString().contains("DBCC CHECKIDENT");
  }

  @Test
  void aForeignKeyOutsideTheJobIsAWarning() {
    TableDdl ddl = SqlServerDdl.build(new DdlRequest(orders(), TARGET, Mode.CREATE, null, Map.of(SOURCE, TARGET)));
    assertThat(ddl.foreignKeys()).isEmpty();
    assertThat(ddl.warnings()).singleElement().asString().contains("fk_orders_customer");
  }

  @Test
  void identifiersAreBracketQuoted() {
    TableName odd = new TableName("we]ird", "it's");
    SourceTable t = new SourceTable(new TableName("dbo", "x"), false, List.of(SourceColumn.plain("a]b", "int", true)),
        List.of(), List.of(), List.of(), 0, 0);
    assertThat(SqlServerDdl.build(new DdlRequest(t, odd, Mode.CREATE, null, Map.of())).prepare()).containsExactly(
        "IF SCHEMA_ID(N'we]ird') IS NULL EXEC(N'CREATE SCHEMA [we]]ird]')",
        "CREATE TABLE [we]]ird].[it's] ([a]]b] int NULL)");
  }

  @Test
  void upsertUpdatesNonKeyColumnsThenInsertsMissingRowsByKey() {
    ChunkRequest request = new ChunkRequest(TARGET, List.of("t", "id", "note", "total"), CopyFormat.BINARY, Mode.UPSERT,
        List.of("t", "id"));
    String stage = SqlServerUpsertWriter.stage(TARGET);
    assertThat(stage).isEqualTo("#ferry_stage_sales_orders");
    assertThat(SqlServerUpsertWriter.stageSql(request, stage)).isEqualTo("IF OBJECT_ID(N'tempdb..[#ferry_stage_sales_orders]')"
        + " IS NULL SELECT TOP 0 [t], [id], [note], [total] INTO [#ferry_stage_sales_orders] FROM [sales].[orders]"
        + " UNION ALL SELECT TOP 0 [t], [id], [note], [total] FROM [sales].[orders]"
        + " ELSE TRUNCATE TABLE [#ferry_stage_sales_orders]");
    assertThat(SqlServerUpsertWriter.mergeSql(request, stage, List.of("id"))).isEqualTo(
        "UPDATE t SET t.[note] = s.[note], t.[total] = s.[total] FROM [sales].[orders] t JOIN [#ferry_stage_sales_orders] s"
            + " ON t.[t] = s.[t] AND t.[id] = s.[id]; SET IDENTITY_INSERT [sales].[orders] ON; INSERT INTO [sales].[orders]"
            + " ([t], [id], [note], [total]) SELECT s.[t], s.[id], s.[note], s.[total] FROM [#ferry_stage_sales_orders] s"
            + " WHERE NOT EXISTS (SELECT 1 FROM [sales].[orders] t WHERE t.[t] = s.[t] AND t.[id] = s.[id]);"
            + " SET IDENTITY_INSERT [sales].[orders] OFF;");
    assertThat(SqlServerUpsertWriter.mergeSql(new ChunkRequest(TARGET, List.of("id"), CopyFormat.BINARY, Mode.UPSERT,
        List.of("id")), stage, List.of())).as("all key: insert only").startsWith("INSERT INTO");
  }

  @Test
  void insertBatchesStayUnderTheParameterLimit() {
    assertThat(SqlServerInsertBatches.rowsPerStatement(2)).isEqualTo(1000);
    assertThat(SqlServerInsertBatches.rowsPerStatement(7)).isEqualTo(285);
    assertThat(SqlServerInsertBatches.rowsPerStatement(3000)).isEqualTo(1);
    SqlServerBulkColumn id = new SqlServerBulkColumn("id", "bigint", java.sql.Types.BIGINT, 19, 0, false, false, false, null);
    SqlServerBulkColumn at = new SqlServerBulkColumn("at", "datetimeoffset(7)", microsoft.sql.Types.DATETIMEOFFSET, 34, 7, false,
        false, true, null);
    assertThat(SqlServerInsertBatches.insertSql(TARGET, List.of(id, at), 2)).isEqualTo("INSERT INTO [sales].[orders] ([id], [at])"
        + " VALUES (?, CAST(? AS datetimeoffset(7))), (?, CAST(? AS datetimeoffset(7)))");
  }

  @Test
  void aRollbackDeletesByTenantAndRangeIncludingTheNullKeyRange() {
    SplitKey key = new SplitKey(List.of("a", "b"), List.of("int", "nvarchar(10)"), true, List.of(true, true),
        SplitMethod.UNIQUE_INDEX, "unique index");
    assertThat(SqlServerRowDeletion.statement(new RowDeletion(TARGET, "t", "x", key,
        new KeyRange(List.of("1", "a"), List.of("5", "b")))).sql()).isEqualTo("DELETE FROM [sales].[orders] WHERE [t] = ?"
        + " AND [a] IS NOT NULL AND [b] IS NOT NULL AND ([a] > CAST(? AS int) OR ([a] = CAST(? AS int) AND [b] >= CAST(? AS nvarchar(10))))"
        + " AND ([a] < CAST(? AS int) OR ([a] = CAST(? AS int) AND [b] < CAST(? AS nvarchar(10))))");
    assertThat(SqlServerRowDeletion.statement(new RowDeletion(TARGET, null, null, key, KeyRange.NULL_KEYS)).sql())
        .isEqualTo("DELETE FROM [sales].[orders] WHERE ([a] IS NULL OR [b] IS NULL)");
    assertThat(SqlServerRowDeletion.statement(new RowDeletion(TARGET, "t", "x", null, null)).sql())
        .isEqualTo("DELETE FROM [sales].[orders] WHERE [t] = ?");
  }

  @Test
  void typesLandAsTheyAreExceptRowversionAndRefuseWhatCannotMoveExactly() {
    assertThat(SqlServerTargetTypes.targetType("datetimeoffset(7)")).isEqualTo("datetimeoffset(7)");
    assertThat(SqlServerTargetTypes.targetType("timestamp")).isEqualTo("binary(8)");
    assertThat(SqlServerTargetTypes.targetType("sql_variant")).isNull();
    SourceTable t = new SourceTable(SOURCE, false, List.of(SourceColumn.plain("v", "sql_variant", true)), List.of(), List.of(),
        List.of(), 0, 0);
    assertThatThrownBy(() -> SqlServerTargetTypes.map(t, List.of())).hasMessageContaining("v sql_variant");
  }
}
