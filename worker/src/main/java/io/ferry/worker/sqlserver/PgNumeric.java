package io.ferry.worker.sqlserver;

import java.math.BigDecimal;
import java.nio.ByteBuffer;

/**
 * PostgreSQL's binary {@code numeric}: int16 digit count, int16 weight (of the first digit, in powers
 * of 10000), int16 sign, int16 display scale, then the digits in base 10000, most significant first,
 * leading and trailing zero digits left out.
 */
final class PgNumeric {

  private static final short POSITIVE = 0x0000;
  private static final short NEGATIVE = 0x4000;

  private PgNumeric() {
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
