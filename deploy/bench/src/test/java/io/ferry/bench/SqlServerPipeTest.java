package io.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SqlServerPipeTest {

  /** The field's shorts after its length: digit count, weight, sign, scale, digits. */
  static short[] numeric(String value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SqlServerPipe.numeric(new DataOutputStream(bytes), new BigDecimal(value));
    ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
    int length = b.getInt();
    assertThat(length).isEqualTo(bytes.size() - 4);
    short[] shorts = new short[length / 2];
    for (int i = 0; i < shorts.length; i++) {
      shorts[i] = b.getShort();
    }
    return shorts;
  }

  @Test
  void encodesNumericsAsPostgresBinaryBase10000Digits() throws Exception {
    assertThat(numeric("123.45")).containsExactly((short) 2, (short) 0, (short) 0, (short) 2, (short) 123, (short) 4500);
    assertThat(numeric("-0.01")).containsExactly((short) 1, (short) -1, (short) 0x4000, (short) 2, (short) 100);
    assertThat(numeric("10000")).containsExactly((short) 1, (short) 1, (short) 0, (short) 0, (short) 1);
    assertThat(numeric("0.00")).containsExactly((short) 0, (short) 0, (short) 0, (short) 2);
    assertThat(numeric("99999999.99")).containsExactly((short) 3, (short) 1, (short) 0, (short) 2, (short) 9999, (short) 9999,
        (short) 9900);
  }
}
