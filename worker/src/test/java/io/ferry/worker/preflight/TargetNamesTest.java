package io.ferry.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceForeignKey;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetNamesTest {

  private static final SourceTable ORDER_LINES = new SourceTable(new TableName("Sales", "OrderLines"), false,
      List.of(SourceColumn.plain("OrderID", "int", false), SourceColumn.plain("LineNo", "int", false),
          new SourceColumn("Qty", "int", false, "((1))", null, null, null),
          new SourceColumn("UnitPrice", "money", true, null, "[Qty]*(2)", null, null),
          SourceColumn.plain("Order Date", "date", true)),
      List.of("OrderID", "LineNo"),
      List.of(new SourceIndex("IX_OrderLines_Date", false, false, "btree", List.of(SourceIndex.Key.column("Order Date")),
              List.of("Qty"), "([Qty]>(0))"),
          new SourceIndex("UQ_Line", true, true, "btree", List.of(SourceIndex.Key.column("LineNo")), List.of(), null),
          new SourceIndex("IX_Commented", false, false, "btree", List.of(SourceIndex.Key.column("Qty")), List.of(),
              "Qty > 0 -- positive")),
      List.of(new SourceForeignKey("FK_Lines_Orders", List.of("OrderID"), new TableName("Sales", "Orders"),
          List.of("OrderID"), "CASCADE", "NO ACTION", "")),
      10, 100, null, List.of(),
      List.of(new SourceCheck("CK_Qty", "CHECK ([Qty]>=(0) AND [LineNo]<>N'Qty')"),
          new SourceCheck("CK_Dollar", "CHECK (Qty > $$0$$)")));

  @Test
  void snakeCaseRenamesEveryNameAndEveryReference() {
    TargetNames names = new TargetNames(IdentifierStyle.SNAKE_CASE, null);
    List<String> warnings = new ArrayList<>();
    TargetNames.Named named = names.rename(ORDER_LINES, warnings);
    SourceTable t = named.table();

    assertThat(names.table(ORDER_LINES.name())).isEqualTo(new TableName("sales", "order_lines"));
    assertThat(t.name()).isEqualTo(new TableName("sales", "order_lines"));
    assertThat(t.columns()).extracting(SourceColumn::name)
        .containsExactly("order_id", "line_no", "qty", "unit_price", "order_date");
    assertThat(t.column("qty").defaultExpr()).isEqualTo("((1))");
    assertThat(t.column("unit_price").generatedExpr()).isEqualTo("[qty]*(2)");
    assertThat(t.primaryKey()).containsExactly("order_id", "line_no");
    assertThat(t.indexes()).hasSize(2);
    SourceIndex byDate = t.indexes().get(0);
    assertThat(byDate.name()).isEqualTo("ix_order_lines_date");
    assertThat(byDate.keys()).extracting(SourceIndex.Key::column).containsExactly("order_date");
    assertThat(byDate.include()).containsExactly("qty");
    assertThat(byDate.predicate()).isEqualTo("([qty]>(0))");
    assertThat(t.indexes().get(1).name()).isEqualTo("uq_line");
    SourceForeignKey fk = t.foreignKeys().get(0);
    assertThat(fk.name()).isEqualTo("fk_lines_orders");
    assertThat(fk.columns()).containsExactly("order_id");
    assertThat(fk.referencedTable()).as("looked up in the job's tables by its source name")
        .isEqualTo(new TableName("Sales", "Orders"));
    assertThat(fk.referencedColumns()).containsExactly("order_id");
    assertThat(t.checks()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("ck_qty");
      assertThat(c.definition()).as("the string literal stays as written").isEqualTo("CHECK ([qty]>=(0) AND [line_no]<>N'Qty')");
    });
    assertThat(warnings).containsExactly(
        "table Sales.OrderLines: index IX_Commented has an expression or filter whose column names cannot be renamed"
            + " with certainty: not carried",
        "table Sales.OrderLines: CHECK constraint CK_Dollar (CHECK (Qty > $$0$$)) cannot have its column names renamed"
            + " with certainty: not carried");
    assertThat(named.column("Order Date")).isEqualTo("order_date");
    assertThat(named.column("ctid")).isEqualTo("ctid");
  }

  @Test
  void preserveLeavesTheDescriptionAloneAndTargetSchemaWins() {
    TargetNames names = new TargetNames(IdentifierStyle.PRESERVE, "landing");
    List<String> warnings = new ArrayList<>();
    assertThat(names.rename(ORDER_LINES, warnings).table()).isSameAs(ORDER_LINES);
    assertThat(warnings).isEmpty();
    assertThat(names.table(ORDER_LINES.name())).isEqualTo(new TableName("landing", "OrderLines"));
    assertThat(new TargetNames(IdentifierStyle.LOWER, "landing").table(ORDER_LINES.name()))
        .isEqualTo(new TableName("landing", "orderlines"));
  }

  @Test
  void collisionsNameEverySourceNameThatWouldShareATargetName() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("OrderDate", "order_date");
    columns.put("Order_Date", "order_date");
    columns.put("ORDER DATE", "order_date");
    columns.put("Qty", "qty");
    columns.put("CustomerID", "customer_id");
    columns.put("customer_id", "customer_id");
    assertThat(TargetNames.collisions("columns", "of dbo.Orders", columns)).containsExactly(
        "columns OrderDate, Order_Date and ORDER DATE of dbo.Orders would all land as order_date",
        "columns CustomerID and customer_id of dbo.Orders would both land as customer_id");
    assertThat(TargetNames.collisions("tables", "", Map.of("dbo.Orders", "dbo.orders"))).isEmpty();
  }

  @Test
  void expressionsRenameQuotedBracketedAndBareColumnsButNotLiteralsFunctionsOrTypes() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("OrderDate", "order_date");
    columns.put("Qty", "qty");
    columns.put("Total", "Grand Total");
    ExpressionNames e = new ExpressionNames(columns);
    assertThat(e.rewrite("(\"OrderDate\" > '2020-01-01'::date)")).isEqualTo("(\"order_date\" > '2020-01-01'::date)");
    assertThat(e.rewrite("[orderdate] IS NOT NULL")).isEqualTo("[order_date] IS NOT NULL");
    assertThat(e.rewrite("OrderDate < getdate() AND qty(1) = 'OrderDate'")).isEqualTo("order_date < getdate() AND qty(1) = 'OrderDate'");
    assertThat(e.rewrite("Total > 0 AND t.Total > 0")).isEqualTo("\"Grand Total\" > 0 AND t.Total > 0");
    assertThat(e.rewrite("[Qty]>=(1e3) AND N'it''s' <> ''")).isEqualTo("[qty]>=(1e3) AND N'it''s' <> ''");
    assertThat(e.rewrite("\"Sales\".\"Qty\"(\"Qty\")::\"Qty\" > 0 AND \"Qty\".x = 1"))
        .isEqualTo("\"Sales\".\"Qty\"(\"qty\")::\"Qty\" > 0 AND \"Qty\".x = 1");
    assertThat(e.rewrite("Qty > 0 /* c */")).isNull();
    assertThat(e.rewrite("'unterminated")).isNull();
  }

  @Test
  void columnTypeOverridesApplyTheFirstMatchAndReportUnmatchedPatterns() {
    Map<String, String> spec = new LinkedHashMap<>();
    spec.put("Sales.OrderLines.Qty", "numeric(12,2)");
    spec.put("*.*.Q*", "bigint");
    spec.put("*.Order*.Order Date", "varchar(40)");
    spec.put("dbo.Missing.*", "text");
    ColumnTypeOverrides overrides = new ColumnTypeOverrides(spec);
    var mapped = overrides.apply(ORDER_LINES, io.ferry.worker.dialect.TypeMapping.identity(ORDER_LINES));
    assertThat(mapped.columns().get("Qty").targetType()).isEqualTo("numeric(12,2)");
    assertThat(mapped.handling("Qty")).isEqualTo("text: type override to numeric(12,2)");
    assertThat(mapped.columns().get("Order Date").portable()).isEqualTo("character varying(40)");
    assertThat(mapped.handling("OrderID")).isNull();
    assertThat(mapped.copyFormat(ORDER_LINES)).isEqualTo(io.ferry.protocol.plan.CopyFormat.TEXT);
    assertThat(overrides.unmatched()).isEqualTo("target.columnTypes: *.*.Q*, dbo.Missing.* match no copied column of the"
        + " job's tables (patterns are schema.table.column with the source's names, case-sensitive; * matches any run"
        + " of characters)");
    assertThat(ColumnTypeOverrides.portable("timestamp(3)")).isEqualTo("timestamp(3) without time zone");
    assertThat(ColumnTypeOverrides.portable("TIMESTAMPTZ")).isEqualTo("timestamp with time zone");
    assertThat(ColumnTypeOverrides.portable("int[]")).isEqualTo("integer[]");
    assertThat(ColumnTypeOverrides.portable("double precision")).isEqualTo("double precision");
  }
}
