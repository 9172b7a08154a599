package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.coordinator.schedule.Rollbacks;
import org.junit.jupiter.api.Test;

class RollbackRequestTest {

  @Test
  void readsATenantATableAndAUnit() {
    assertThat(RollbackRequest.read("{\"tenant\": \"a\", \"table\": \"public.t\", \"unit\": \"copy:a:public.t:0001\"}"))
        .isEqualTo(new Rollbacks.Selection("a", "public.t", "copy:a:public.t:0001"));
    assertThat(RollbackRequest.read("{\"table\": \"public.t\"}")).isEqualTo(new Rollbacks.Selection(null, "public.t", null));
  }

  @Test
  void listsEveryProblemOfTheBody() {
    assertThatThrownBy(() -> RollbackRequest.read("{\"tenants\": [\"a\"], \"table\": 5, \"unit\": \"\"}"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.details()).hasSize(3)
              .anySatisfy(d -> assertThat(d).startsWith("tenants: unknown field"))
              .anySatisfy(d -> assertThat(d).startsWith("table: a non-empty string"))
              .anySatisfy(d -> assertThat(d).startsWith("unit: a non-empty string"));
        });
  }

  @Test
  void requiresASelectionAndAJsonObject() {
    assertThatThrownBy(() -> RollbackRequest.read("{}")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.details()).singleElement().asString().contains("at least one of tenant, table and unit"));
    assertThatThrownBy(() -> RollbackRequest.read(null)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> RollbackRequest.read("[1]")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.details()).singleElement().asString().contains("JSON object"));
  }
}
