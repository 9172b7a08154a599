package io.ferry.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.IdentifierStyle;
import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.sqlserver.SqlServerExpressions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** T-SQL expressions are translated first, then renamed: the target names reach the translated text. */
class TranslatedExpressionNamesTest {

  @Test
  void snakeCaseRenamesTheTranslatedExpressions() {
    SourceTable table = new SourceTable(new TableName("Sales", "OrderLines"), false,
        List.of(SourceColumn.plain("OrderID", "int", false),
            new SourceColumn("Qty", "int", false, "((1))", null, null, null),
            new SourceColumn("IsLive", "bit", false, "((1))", null, null, null),
            new SourceColumn("First Name", "nvarchar(20)", true, "(N'Ann')", null, null, null),
            new SourceColumn("UnitPrice", "int", true, null, "([Qty]*(2))", null, null)),
        List.of("OrderID"),
        List.of(new SourceIndex("UX_Live", true, false, "btree", List.of(SourceIndex.Key.column("Qty")), List.of(),
            "([IsLive]=(1))")),
        List.of(), 0, 0, null, List.of(),
        List.of(new SourceCheck("CK_Name", "CHECK (len([First Name]+N'x')>(1) AND [Qty]>=(0))")));
    List<String> warnings = new ArrayList<>();

    SourceTable translated = SqlServerExpressions.forPostgres(table, warnings);
    SourceTable named = new TargetNames(IdentifierStyle.SNAKE_CASE, null).rename(translated, warnings).table();

    assertThat(warnings).isEmpty();
    assertThat(named.column("is_live").defaultExpr()).isEqualTo("true");
    assertThat(named.column("first_name").defaultExpr()).isEqualTo("('Ann')");
    assertThat(named.column("unit_price").generatedExpr()).isEqualTo("(\"qty\" * (2))");
    assertThat(named.checks()).extracting(SourceCheck::definition)
        .containsExactly("CHECK (length(rtrim(\"first_name\" || 'x')) > (1) AND \"qty\" >= (0))");
    assertThat(named.indexes()).extracting(SourceIndex::predicate).containsExactly("(\"is_live\" = true)");
  }
}
