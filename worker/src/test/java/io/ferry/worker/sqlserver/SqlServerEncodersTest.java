package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Encoders on values the SQL Server test server cannot produce (Babelfish stores no NUL character in
 * text), read from a one-row stand-in for the driver's result set.
 */
class SqlServerEncodersTest {

  @Test
  void aNulInTextIsAnErrorNamingTheColumn() {
    ResultSet rs = oneValue("v", "a\0b");
    assertThatThrownBy(() -> SqlServerEncoders.forType("nvarchar(20)").write(rs, 1, new CopyTuples()))
        .isInstanceOf(UnencodableValueException.class).hasMessageContaining("column v").hasMessageContaining("NUL")
        .extracting(e -> ((UnencodableValueException) e).getSQLState()).isEqualTo("22P05");
  }

  @Test
  void aNulInLongTextIsAnErrorToo() {
    ResultSet rs = oneValue("doc", "x".repeat(StreamedText.SPILL + 10) + "\0");
    assertThatThrownBy(() -> SqlServerEncoders.forType("nvarchar(max)").write(rs, 1, new CopyTuples()))
        .isInstanceOf(UnencodableValueException.class).hasMessageContaining("column doc");
  }

  @Test
  void longTextPastTheSpillSizeStreamsFromATemporaryFile() throws Exception {
    String value = "é".repeat(StreamedText.SPILL);
    CopyTuples out = new CopyTuples();
    SqlServerEncoders.forType("nvarchar(max)").write(oneValue("doc", value), 1, out);
    assertThat(out.draining()).isTrue();
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    while (out.draining()) {
      out.drain();
      all.write(out.take());
    }
    byte[] bytes = all.toByteArray();
    assertThat(java.nio.ByteBuffer.wrap(bytes).getInt()).isEqualTo(2 * StreamedText.SPILL);
    assertThat(new String(bytes, 4, bytes.length - 4, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(value);
  }

  @Test
  void aGuidsFirstThreeGroupsAreByteSwapped() throws Exception {
    // 6F9619FF-8B86-D011-B42D-00C04FD430C8 as SQL Server stores and sends it
    byte[] stored = HexFormat.of().parseHex("FF19966F868B11D0B42D00C04FD430C8");
    CopyTuples out = new CopyTuples();
    SqlServerEncoders.forType("uniqueidentifier").write(oneValue("g", stored), 1, out);
    byte[] field = out.take();
    assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(field, 4, 20))).isEqualTo("6f9619ff8b86d011b42d00c04fd430c8");
  }

  @Test
  void numericDigitsAreBase10000AroundThePoint() {
    assertThat(HexFormat.of().formatHex(PgNumeric.encode(new java.math.BigDecimal("123.45"))))
        .isEqualTo("0002" + "0000" + "0000" + "0002" + "007b" + "1194");
    assertThat(HexFormat.of().formatHex(PgNumeric.encode(new java.math.BigDecimal("-0.0001"))))
        .isEqualTo("0001" + "ffff" + "4000" + "0004" + "0001");
    assertThat(HexFormat.of().formatHex(PgNumeric.encode(new java.math.BigDecimal("1E+4"))))
        .isEqualTo("0001" + "0001" + "0000" + "0000" + "0001");
    assertThat(HexFormat.of().formatHex(PgNumeric.encode(new java.math.BigDecimal("0.00"))))
        .isEqualTo("0000" + "0000" + "0000" + "0002");
  }

  /** Values of up to 18 digits are written from a long: the same bytes as through their text, whatever the scale. */
  @Test
  void numericFromALongMatchesNumericFromText() {
    java.util.Random random = new java.util.Random(18);
    java.util.List<java.math.BigDecimal> values = new java.util.ArrayList<>(java.util.List.of(
        new java.math.BigDecimal("0"), new java.math.BigDecimal("0.00"), new java.math.BigDecimal("-922337203685477.5808"),
        new java.math.BigDecimal("999999999999999999"), new java.math.BigDecimal("0.999999999999999"),
        new java.math.BigDecimal("10000.0000"), new java.math.BigDecimal("12345678901234567890.5"),
        new java.math.BigDecimal("1E+4"), new java.math.BigDecimal("0.0000000000000001")));
    for (int n = 0; n < 5_000; n++) {
      int digits = 1 + random.nextInt(18);
      long unscaled = random.nextLong() % (long) Math.pow(10, digits);
      values.add(java.math.BigDecimal.valueOf(random.nextInt(3) == 0 ? unscaled / 10_000 * 10_000 : unscaled,
          random.nextInt(16)));
    }
    for (java.math.BigDecimal v : values) {
      CopyTuples out = new CopyTuples();
      PgNumeric.write(v, out);
      byte[] text = PgNumeric.encode(v);
      assertThat(HexFormat.of().formatHex(out.take())).as(v.toPlainString())
          .isEqualTo(HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(4).putInt(text.length).array())
              + HexFormat.of().formatHex(text));
    }
  }

  /** A datetimeoffset's instant, as the driver's OffsetDateTime gives it, from the year 1 to 9999 at any offset. */
  @Test
  void datetimeoffsetMicrosAreTheDriversInstant() {
    java.util.Random random = new java.util.Random(7);
    long year1 = -62_135_769_600_000L;
    long year10000 = 253_402_300_800_000L;
    long cutover = -12_219_292_800_000L;
    for (int n = 0; n < 20_000; n++) {
      long millis = switch (n % 3) {
        case 0 -> year1 + (long) (random.nextDouble() * (year10000 - year1));
        case 1 -> cutover + (long) ((random.nextDouble() - 0.5) * 10 * 86_400_000L);
        default -> (long) ((random.nextDouble() - 0.5) * 4e12);
      };
      java.sql.Timestamp utc = new java.sql.Timestamp(Math.floorDiv(millis, 1000) * 1000);
      utc.setNanos(random.nextInt(10_000_000) * 100);
      microsoft.sql.DateTimeOffset v = microsoft.sql.DateTimeOffset.valueOf(utc, random.nextInt(1681) - 840);
      java.time.OffsetDateTime expected = v.getOffsetDateTime();
      long micros = (expected.toEpochSecond() - 946_684_800L) * 1_000_000 + (expected.getNano() + 500) / 1000;
      assertThat(SqlServerEncoders.micros(v)).as(v.toString()).isEqualTo(micros);
    }
  }

  /** A result set on one row of one column: every getter answers the value (or its DATALENGTH as nvarchar). */
  private static ResultSet oneValue(String label, Object value) {
    ResultSetMetaData meta = (ResultSetMetaData) Proxy.newProxyInstance(getClass(ResultSetMetaData.class),
        new Class<?>[] {ResultSetMetaData.class}, (p, m, a) -> m.getName().equals("getColumnLabel") ? label : null);
    return (ResultSet) Proxy.newProxyInstance(getClass(ResultSet.class), new Class<?>[] {ResultSet.class},
        (p, m, a) -> switch (m.getName()) {
          case "getString", "getBytes", "getObject" -> value;
          case "getCharacterStream" -> new java.io.StringReader((String) value);
          case "getLong" -> 2L * ((String) value).length(); // DATALENGTH of nvarchar
          case "getMetaData" -> meta;
          case "wasNull" -> value == null;
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  private static ClassLoader getClass(Class<?> type) {
    return SqlServerEncodersTest.class.getClassLoader();
  }
}
