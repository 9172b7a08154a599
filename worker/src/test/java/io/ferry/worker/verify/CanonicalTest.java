package io.ferry.worker.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The canonical text of each kind: what a SQL Server value and its PostgreSQL copy both print as. */
class CanonicalTest {

  @Test
  void kindsFollowTheTargetType() {
    assertThat(Canonical.of("bigint").kind()).isEqualTo(Canonical.Kind.INTEGER);
    assertThat(Canonical.of("numeric(19,4)").kind()).isEqualTo(Canonical.Kind.NUMBER);
    assertThat(Canonical.of("double precision").kind()).isEqualTo(Canonical.Kind.FLOAT8);
    assertThat(Canonical.of("real").kind()).isEqualTo(Canonical.Kind.FLOAT4);
    assertThat(Canonical.of("boolean").kind()).isEqualTo(Canonical.Kind.BOOLEAN);
    assertThat(Canonical.of("timestamp(3) without time zone")).isEqualTo(new Canonical(Canonical.Kind.TIMESTAMP, 3));
    assertThat(Canonical.of("timestamp(6) with time zone")).isEqualTo(new Canonical(Canonical.Kind.INSTANT, 6));
    assertThat(Canonical.of("time(0) without time zone")).isEqualTo(new Canonical(Canonical.Kind.TIME, 0));
    assertThat(Canonical.of("timestamp")).isEqualTo(new Canonical(Canonical.Kind.TIMESTAMP, 6));
    assertThat(Canonical.of("uuid").kind()).isEqualTo(Canonical.Kind.UUID);
    assertThat(Canonical.of("bytea").kind()).isEqualTo(Canonical.Kind.BYTES);
    assertThat(Canonical.of("jsonb").kind()).isEqualTo(Canonical.Kind.JSON);
    assertThat(Canonical.of("character varying(30)")).isEqualTo(Canonical.TEXT);
    assertThat(Canonical.of("xml")).isEqualTo(Canonical.TEXT);
    assertThat(Canonical.of("integer[]")).isEqualTo(Canonical.TEXT);
  }

  @Test
  void exactNumbersPrintWithoutTrailingZerosWhateverTheirScale() {
    Canonical n = Canonical.of("numeric(19,4)");
    assertThat(n.print(new BigDecimal("12.3400"))).isEqualTo(n.print(new BigDecimal("12.34"))).isEqualTo("12.34");
    assertThat(n.print(new BigDecimal("0.0000"))).isEqualTo("0");
    assertThat(n.print(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(n.print(new BigDecimal("-0.5000"))).isEqualTo("-0.5");
    assertThat(n.print(new BigDecimal("12.35"))).isNotEqualTo(n.print(new BigDecimal("12.34")));
  }

  @Test
  void integersOfAnyWidthPrintAlike() {
    Canonical i = Canonical.of("smallint");
    assertThat(i.print((short) 255)).isEqualTo(i.print(255L)).isEqualTo(i.print(255)).isEqualTo("255");
  }

  @Test
  void floatsPrintEveryBit() {
    Canonical f8 = Canonical.of("double precision");
    assertThat(f8.print(1.0 / 7)).isEqualTo("0.14285714285714285");
    assertThat(f8.print(Math.nextUp(1.0 / 7))).isNotEqualTo(f8.print(1.0 / 7));
    assertThat(f8.print(Double.NaN)).isEqualTo("NaN");
    Canonical f4 = Canonical.of("real");
    assertThat(f4.print(1f / 3)).isEqualTo(f4.print((double) (1f / 3))).isEqualTo("0.33333334");
  }

  @Test
  void booleansFromBitsOrBooleans() {
    Canonical b = Canonical.of("boolean");
    assertThat(b.print(true)).isEqualTo("true");
    assertThat(b.print("1")).isEqualTo("true");
    assertThat(b.print(false)).isEqualTo("false");
  }

  @Test
  void timestampsAreRoundedAsTheTargetColumnRoundsThem() {
    // datetime2(7) into timestamp(6): 100 ns ticks to the nearest microsecond.
    Canonical ts6 = Canonical.of("timestamp(6) without time zone");
    assertThat(ts6.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_700)))
        .isEqualTo(ts6.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_457_000)));
    assertThat(ts6.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_400)))
        .isEqualTo(ts6.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_000)));
    // datetime (1/300 s) into timestamp(3): .00333 s lands as .003.
    Canonical ts3 = Canonical.of("timestamp(3) without time zone");
    assertThat(ts3.print(LocalDateTime.of(2000, 1, 1, 0, 0, 0, 3_333_333)))
        .isEqualTo(ts3.print(LocalDateTime.of(2000, 1, 1, 0, 0, 0, 3_000_000)));
    assertThat(ts3.print(LocalDateTime.of(2000, 1, 1, 0, 0, 0, 6_666_667)))
        .isEqualTo(ts3.print(LocalDateTime.of(2000, 1, 1, 0, 0, 0, 7_000_000)));
    // Before PostgreSQL's epoch a half rounds away from it, as PostgreSQL rounds.
    assertThat(ts3.print(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_500_000)))
        .isEqualTo(ts3.print(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_000_000)));
    assertThat(ts6.print(LocalDateTime.of(1, 1, 1, 0, 0))).isEqualTo("0001-01-01T00:00");
    assertThat(ts6.print(LocalDateTime.of(9999, 12, 30, 23, 59, 59, 7_000))).isEqualTo("9999-12-30T23:59:59.000007");
  }

  @Test
  void sqlServerScalesKeepTheirHundredNanosecondTicks() {
    Canonical dt2 = Canonical.of("datetime2");
    assertThat(dt2).isEqualTo(Canonical.of("datetime2(7)")).isEqualTo(new Canonical(Canonical.Kind.TIMESTAMP, 7));
    assertThat(dt2.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_700))).isEqualTo("2024-05-06T07:08:09.123456700");
    assertThat(dt2.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_700)))
        .isNotEqualTo(dt2.print(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_800)));
    assertThat(Canonical.of("time").precision()).isEqualTo(7);
    assertThat(Canonical.of("timestamp").precision()).isEqualTo(6);
    assertThat(Canonical.of("datetime2(3)").print(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 999_600_000)))
        .isEqualTo("2024-01-01T00:00:01");
  }

  @Test
  void instantsCompareWhateverTheOffset() {
    Canonical tz = Canonical.of("timestamp(6) with time zone");
    assertThat(tz.print(OffsetDateTime.of(2020, 2, 29, 12, 0, 0, 500_000_000, ZoneOffset.ofHours(-12))))
        .isEqualTo(tz.print(OffsetDateTime.of(2020, 3, 1, 0, 0, 0, 500_000_000, ZoneOffset.UTC)))
        .isEqualTo("2020-03-01T00:00:00.500Z");
  }

  @Test
  void timesAndDates() {
    Canonical t = Canonical.of("time(6) without time zone");
    assertThat(t.print(LocalTime.of(12, 34, 56, 1_001_400))).isEqualTo(t.print(LocalTime.of(12, 34, 56, 1_001_000)));
    assertThat(Canonical.of("time(0)").print(LocalTime.of(23, 59, 59, 600_000_000))).isEqualTo("24:00");
    assertThat(Canonical.of("date").print(LocalDate.of(1, 1, 1))).isEqualTo("0001-01-01");
  }

  @Test
  void uuidsAreLowerCaseAndBytesHex() {
    assertThat(Canonical.of("uuid").print("6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        .isEqualTo("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    assertThat(Canonical.of("bytea").print(new byte[] {0, 1, (byte) 0xff})).isEqualTo("0001ff");
  }

  @Test
  void jsonIgnoresKeyOrderAndSpacing() {
    Canonical j = Canonical.of("jsonb");
    assertThat(j.print("{\"b\": [1, 2.50], \"a\": {\"y\": null, \"x\": \"ü\"}}"))
        .isEqualTo(j.print("{\"a\":{\"x\":\"ü\",\"y\":null},\"b\":[1,2.50]}"));
    assertThat(j.print("{\"a\": 1}")).isNotEqualTo(j.print("{\"a\": 2}"));
  }

  @Test
  void textIsUnchangedAndNullStaysNull() {
    assertThat(Canonical.TEXT.print("  padded ")).isEqualTo("  padded ");
    assertThat(Canonical.TEXT.print(null)).isNull();
    assertThat(Canonical.of("numeric").print(null)).isNull();
  }
}
