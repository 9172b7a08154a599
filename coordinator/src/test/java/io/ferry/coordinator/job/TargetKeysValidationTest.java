package io.ferry.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SourceSpec;
import io.ferry.protocol.spec.TargetSpec;
import io.ferry.protocol.spec.TenantSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code target.keys} and {@code target.uuidColumn}. */
class TargetKeysValidationTest {

  private static final List<TenantSpec> DISTRICTS = List.of(new TenantSpec("d1", "jdbc:sqlserver://h;databaseName=d1", "u", null),
      new TenantSpec("d2", "jdbc:sqlserver://h;databaseName=d2", "u", null));

  private static JobSpec spec(String engine, List<TenantSpec> tenants, String keys, String uuidColumn) {
    return new JobSpec("n", new SourceSpec(engine, tenants),
        new TargetSpec("postgresql", "jdbc:postgresql://h/db", "u", null, null, "district_id", keys, uuidColumn, null, null, null),
        null, Mode.CREATE, null);
  }

  @Test
  void compositeAndUuidAreTheKeyStrategies() {
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, null, null))).isEmpty();
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, "composite", null))).isEmpty();
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, "uuid", null))).isEmpty();
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, "uuid", "row_id"))).isEmpty();
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, "guid", null))).singleElement().asString()
        .startsWith("target.keys 'guid' is not one of composite");
  }

  @Test
  void uuidKeysNeedASqlServerSource() {
    List<TenantSpec> pg = List.of(new TenantSpec("a", "jdbc:postgresql://h/a", "u", null));
    assertThat(SpecValidator.validate(spec("postgresql", pg, "uuid", null))).singleElement().asString()
        .startsWith("target.keys: uuid needs source.engine sqlserver");
  }

  @Test
  void theUuidColumnIsAnIdentifierOnlyWithUuidKeysAndNotTheTenantColumn() {
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, null, "row_id"))).singleElement().asString()
        .startsWith("target.uuidColumn is set but target.keys is not uuid");
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, "uuid", "row id"))).singleElement().asString()
        .contains("is not a valid identifier");
    assertThat(SpecValidator.validate(spec("sqlserver", DISTRICTS, "uuid", "district_id"))).singleElement().asString()
        .contains("choose two names");
  }
}
