package io.ferry.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifierStyleTest {

  @Test
  void snakeCaseSplitsWordsAtCaseChangesAndSeparators() {
    IdentifierStyle s = IdentifierStyle.SNAKE_CASE;
    assertThat(s.apply("OrderLines")).isEqualTo("order_lines");
    assertThat(s.apply("CustomerID")).isEqualTo("customer_id");
    assertThat(s.apply("HTTPStatus")).isEqualTo("http_status");
    assertThat(s.apply("Order Date")).isEqualTo("order_date");
    assertThat(s.apply("order_lines")).isEqualTo("order_lines");
    assertThat(s.apply("Order__Date")).isEqualTo("order_date");
    assertThat(s.apply("Line2Total")).isEqualTo("line2_total");
    assertThat(s.apply("Address2")).isEqualTo("address2");
    assertThat(s.apply("ID")).isEqualTo("id");
    assertThat(s.apply("dbo")).isEqualTo("dbo");
    assertThat(s.apply("PK_OrderLines")).isEqualTo("pk_order_lines");
    assertThat(s.apply("IX_Orders_CustomerID")).isEqualTo("ix_orders_customer_id");
    assertThat(s.apply("Unit-Price $")).isEqualTo("unit_price");
    assertThat(s.apply("_RowVersion")).isEqualTo("_row_version");
    assertThat(s.apply("ÄrgerÜber")).isEqualTo("ärger_über");
    assertThat(s.apply("###")).isEqualTo("###");
  }

  @Test
  void lowerAndPreserve() {
    assertThat(IdentifierStyle.LOWER.apply("OrderLines")).isEqualTo("orderlines");
    assertThat(IdentifierStyle.LOWER.apply("Order Date")).isEqualTo("order date");
    assertThat(IdentifierStyle.PRESERVE.apply("Order Date")).isEqualTo("Order Date");
  }

  @Test
  void readsWireNamesAndRefusesOthers() {
    assertThat(IdentifierStyle.fromWire("snake_case")).isEqualTo(IdentifierStyle.SNAKE_CASE);
    assertThat(IdentifierStyle.names()).containsExactly("preserve", "lower", "snake_case");
    assertThatThrownBy(() -> IdentifierStyle.fromWire("camel")).hasMessageContaining("[preserve, lower, snake_case]");
  }
}
