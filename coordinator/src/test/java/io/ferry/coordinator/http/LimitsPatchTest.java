package io.ferry.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.spec.Limits;
import org.junit.jupiter.api.Test;

class LimitsPatchTest {

  static final Limits CURRENT = new Limits(1000L, null, 4, 2);

  @Test
  void setsKeepsAndRemovesLimits() {
    Limits next = LimitsPatch.apply(CURRENT, "{\"limits\": {\"rowsPerSecond\": 5000, \"maxUnits\": null, \"bytesPerSecond\": 1048576}}");
    assertThat(next).isEqualTo(new Limits(5000L, 1_048_576L, null, 2));
  }

  @Test
  void listsEveryProblem() {
    assertThatThrownBy(() -> LimitsPatch.apply(CURRENT, "{\"limits\": {\"rowsPerSec\": 1, \"maxUnits\": \"four\"}, \"mode\": \"upsert\"}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details()).hasSize(3)
            .anyMatch(d -> d.contains("limits.rowsPerSec") && d.contains("unknown"))
            .anyMatch(d -> d.contains("limits.maxUnits") && d.contains("whole number"))
            .anyMatch(d -> d.startsWith("mode")));
    assertThatThrownBy(() -> LimitsPatch.apply(CURRENT, "{\"limits\": {\"rowsPerSecond\": 0}}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details()).singleElement().asString().contains("greater than 0"));
    assertThatThrownBy(() -> LimitsPatch.apply(CURRENT, "[1]")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> LimitsPatch.apply(CURRENT, "{}")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.details()).singleElement().asString().contains("limits: required"));
  }

  @Test
  void refusesANumberOutOfRangeInsteadOfClampingIt() {
    assertThatThrownBy(() -> LimitsPatch.apply(CURRENT, "{\"limits\": {\"maxUnits\": 3000000000, \"rowsPerSecond\": 1e30, \"bytesPerSecond\": 2.5}}"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details()).containsExactlyInAnyOrder(
            "limits.maxUnits: 3000000000 is out of range (at most 2147483647)",
            "limits.rowsPerSecond: 1e30 is out of range (at most 9223372036854775807)",
            "limits.bytesPerSecond: 2.5 is not a whole number"));
  }
}
