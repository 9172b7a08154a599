package io.ferry.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A source key's text (as a checkpoint holds it) printed in the canonical form a verify unit names keys in. */
class RepairKeysTest {

  private static String canonical(String targetType, String keyText) {
    return RepairKeys.canonical(Canonical.of(targetType), keyText);
  }

  @Test
  void eachKindPrintsTheKeyTextAsTheVerifyUnitPrintedTheValue() {
    assertThat(canonical("bigint", "42")).isEqualTo("42");
    assertThat(canonical("numeric(19,4)", "12.3400")).as("money's trailing zeros").isEqualTo("12.34");
    assertThat(canonical("numeric(19,4)", "0.0000")).isEqualTo("0");
    assertThat(canonical("double precision", "0.1")).isEqualTo("0.1");
    assertThat(canonical("boolean", "1")).isEqualTo("true");
    assertThat(canonical("date", "2019-01-02")).isEqualTo("2019-01-02");
    assertThat(canonical("timestamp(3) without time zone", "2000-01-01T00:00:01.003")).isEqualTo("2000-01-01T00:00:01.003");
    assertThat(canonical("timestamp(6) without time zone", "1999-12-31T23:59:59.9999994"))
        .as("rounded to the microsecond as the target rounds").isEqualTo("1999-12-31T23:59:59.999999");
    assertThat(canonical("timestamp(6) with time zone", "2020-05-06T07:08:09.1234560-05:30"))
        .isEqualTo("2020-05-06T12:38:09.123456Z");
    assertThat(canonical("timestamptz", "2024-01-01 00:00:00+00")).as("PostgreSQL's short offset").isEqualTo("2024-01-01T00:00Z");
    assertThat(canonical("time(6) without time zone", "12:34:56.1234567")).isEqualTo("12:34:56.123457");
    assertThat(canonical("uuid", "6F9619FF-8B86-D011-B42D-00C04FD430C8")).isEqualTo("6f9619ff-8b86-d011-b42d-00c04fd430c8");
    assertThat(canonical("bytea", "0A0B")).isEqualTo("0a0b");
    assertThat(canonical("bytea", "\\x0a0b")).isEqualTo("0a0b");
    assertThat(canonical("character varying(10)", "SCH-001 ")).as("text as it is").isEqualTo("SCH-001 ");
    assertThat(RepairKeys.canonical(Canonical.TEXT, "2024-01-01 00:00:00+00")).as("between PostgreSQL databases: ::text")
        .isEqualTo("2024-01-01 00:00:00+00");
    assertThat(canonical("bigint", null)).isNull();
  }
}
