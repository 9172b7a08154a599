package io.ferry.worker.sqlserver;

import java.math.BigDecimal;
import java.nio.ByteBuffer;

/**
 * PostgreSQL's binary {@code numeric}: int16 digit count, int16 weight (of the first digit, in powers
 * of 10000), int16 sign, int16 display scale, then the digits in base 10000, most significant first,
 * leading and trailing zero digits left out. A value of up to 18 digits and 15 decimals (every
 * {@code decimal(18,s)}, {@code money}, {@code smallmoney}) is written from a {@code long} straight into the
 * block ({@link #write}); a wider one goes through its decimal text ({@link #encode}).
 */
final class PgNumeric {

  private static final short POSITIVE = 0x0000;
  private static final short NEGATIVE = 0x4000;

  /** The widest scale written from a {@code long}: its fraction, padded to whole base-10000 digits, still fits one. */
  private static final int LONG_SCALE = 15;
  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int p = 1; p < POW10.length; p++) {
      POW10[p] = POW10[p - 1] * 10;
    }
  }

  private PgNumeric() {
  }

  /** The value as a field of {@code out}, without a {@code BigInteger} or its text when it fits a {@code long}. */
  static void write(BigDecimal value, CopyTuples out) {
    int scale = value.scale();
    if (scale < 0 || scale > LONG_SCALE || value.precision() > 18) {
      out.field(encode(value));
      return;
    }
    long magnitude = Math.abs(value.unscaledValue().longValue());
    int pad = (4 - scale % 4) % 4;
    long integer = magnitude / POW10[scale];
    long fraction = magnitude % POW10[scale] * POW10[pad];
    int integerGroups = 0;
    for (long rest = integer; rest > 0; rest /= 10_000) {
      integerGroups++;
    }
    int groups = integerGroups + (scale + pad) / 4;
    int first = 0;
    while (first < groups && group(integer, integerGroups, fraction, groups, first) == 0) {
      first++;
    }
    int last = groups - 1;
    while (last >= first && group(integer, integerGroups, fraction, groups, last) == 0) {
      last--;
    }
    int count = last - first + 1;
    out.int32(8 + 2 * count);
    out.int16(count);
    out.int16(count == 0 ? 0 : integerGroups - 1 - first);
    out.int16(value.signum() < 0 ? NEGATIVE : POSITIVE);
    out.int16(scale);
    for (int g = first; g <= last; g++) {
      out.int16(group(integer, integerGroups, fraction, groups, g));
    }
  }

  /** Base-10000 digit {@code g} (0: the most significant) of the integer's digits followed by the fraction's. */
  private static int group(long integer, int integerGroups, long fraction, int groups, int g) {
    return g < integerGroups
        ? (int) (integer / POW10[4 * (integerGroups - 1 - g)] % 10_000)
        : (int) (fraction / POW10[4 * (groups - 1 - g)] % 10_000);
  }

  static byte[] encode(BigDecimal value) {
    BigDecimal v = value.scale() < 0 ? value.setScale(0) : value;
    int scale = v.scale();
    // The decimal digits with the point at a multiple of four digits from either end.
    StringBuilder digits = new StringBuilder(v.unscaledValue().abs().toString());
    int fraction = scale + (4 - scale % 4) % 4;
    digits.append("0".repeat(fraction - scale));
    int integer = digits.length() - fraction;
    int integerPadded = integer <= 0 ? 0 : integer + (4 - integer % 4) % 4;
    digits.insert(0, "0".repeat(integerPadded + fraction - digits.length()));
    int groups = digits.length() / 4;
    short[] base10000 = new short[groups];
    for (int g = 0; g < groups; g++) {
      base10000[g] = Short.parseShort(digits.substring(4 * g, 4 * g + 4));
    }
    int first = 0;
    while (first < groups && base10000[first] == 0) {
      first++;
    }
    int last = groups - 1;
    while (last >= first && base10000[last] == 0) {
      last--;
    }
    int count = last - first + 1;
    int weight = count == 0 ? 0 : integerPadded / 4 - 1 - first;
    ByteBuffer b = ByteBuffer.allocate(8 + 2 * count);
    b.putShort((short) count).putShort((short) weight).putShort(v.signum() < 0 ? NEGATIVE : POSITIVE).putShort((short) scale);
    for (int g = first; g <= last; g++) {
      b.putShort(base10000[g]);
    }
    return b.array();
  }
}
