package io.ferry.worker.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.worker.dialect.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablePatternTest {

  private static boolean m(String pattern, String schema, String table) {
    return new TablePattern(pattern).matches(new TableName(schema, table));
  }

  @Test
  void wildcardMatchesAnyRunOfCharacters() {
    assertThat(m("*.*", "public", "orders")).isTrue();
    assertThat(m("public.*", "public", "orders")).isTrue();
    assertThat(m("public.*", "sales", "orders")).isFalse();
    assertThat(m("*.ord*s", "x", "orders")).isTrue();
    assertThat(m("*.ord*s", "x", "ordersx")).isFalse();
    assertThat(m("public.orders", "public", "orders")).isTrue();
    assertThat(m("public.orders", "public", "orders2")).isFalse();
  }

  @Test
  void matchesCaseSensitivelyAgainstUnquotedNames() {
    assertThat(m("public.Mixed Case", "public", "Mixed Case")).isTrue();
    assertThat(m("public.mixed case", "public", "Mixed Case")).isFalse();
    assertThat(m("public.Orders", "public", "orders")).isFalse();
  }

  @Test
  void regexCharactersAreLiteral() {
    assertThat(m("public.a+b(c)", "public", "a+b(c)")).isTrue();
    assertThat(m("public.a.c", "public", "abc")).isFalse();
    assertThat(m("public.q\"t", "public", "q\"t")).isTrue();
  }

  @Test
  void selectionNeedsAnIncludeAndNoExclude() {
    List<TablePattern> include = TablePattern.all(List.of("public.*", "audit.log"));
    List<TablePattern> exclude = TablePattern.all(List.of("public.tmp_*"));
    assertThat(TablePattern.selected(new TableName("public", "orders"), include, exclude)).isTrue();
    assertThat(TablePattern.selected(new TableName("public", "tmp_x"), include, exclude)).isFalse();
    assertThat(TablePattern.selected(new TableName("audit", "log"), include, exclude)).isTrue();
    assertThat(TablePattern.selected(new TableName("audit", "other"), include, exclude)).isFalse();
  }

  @Test
  void rejectsPatternsWithoutSchema() {
    assertThatThrownBy(() -> new TablePattern("orders")).hasMessageContaining("schema.table");
    assertThatThrownBy(() -> new TablePattern(" ")).hasMessageContaining("empty");
  }
}
