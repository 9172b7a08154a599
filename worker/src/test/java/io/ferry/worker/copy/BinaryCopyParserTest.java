package io.ferry.worker.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryCopyParserTest {

  /** Collects what the parser hands on. */
  static final class Collector implements BinaryCopyParser.Handler {
    final BinaryCopyParser parser;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Long> sizes = new ArrayList<>();
    final List<Long> keys = new ArrayList<>();

    Collector(BinaryCopyParser parser) {
      this.parser = parser;
    }

    @Override
    public void tupleBytes(byte[] data, int offset, int length) {
      bytes.write(data, offset, length);
    }

    @Override
    public void tupleEnd(long framedBytes) {
      sizes.add(framedBytes);
      keys.add(parser.lastKeyPresent() ? parser.lastKey() : null);
    }
  }

  static byte[] tuple(byte[]... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) fields.length).array());
    for (byte[] f : fields) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(f == null ? -1 : f.length).array());
      if (f != null) {
        out.writeBytes(f);
      }
    }
    return out.toByteArray();
  }

  static byte[] stream(byte[] extension, int flags, byte[]... tuples) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Arrays.copyOf(BinaryCopyParser.header(), 11));
    out.writeBytes(ByteBuffer.allocate(8).putInt(flags).putInt(extension.length).array());
    out.writeBytes(extension);
    for (byte[] t : tuples) {
      out.writeBytes(t);
    }
    out.writeBytes(BinaryCopyParser.trailer());
    return out.toByteArray();
  }

  static byte[] int8(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[][] TUPLES = {
      tuple(text("t1"), int8(1), text("héllo"), null),
      tuple(text("t1"), int8(-5), null, new byte[0]),
      tuple(text("t1"), int8(Long.MAX_VALUE), text("x".repeat(40)), text("y")),
      tuple(text(""), int8(Long.MIN_VALUE), new byte[0], null),
  };

  private static byte[] concat(byte[][] parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static Collector parse(byte[] data, int... cuts) throws Exception {
    BinaryCopyParser parser = new BinaryCopyParser(1, 4);
    Collector c = new Collector(parser);
    int from = 0;
    for (int cut : cuts) {
      parser.feed(data, from, cut - from, c);
      from = cut;
    }
    parser.feed(data, from, data.length - from, c);
    assertThat(parser.finished()).isTrue();
    return c;
  }

  private static void assertParsed(Collector c) {
    assertThat(c.bytes.toByteArray()).isEqualTo(concat(TUPLES));
    assertThat(c.sizes).containsExactly((long) TUPLES[0].length, (long) TUPLES[1].length, (long) TUPLES[2].length,
        (long) TUPLES[3].length);
    assertThat(c.keys).containsExactly(1L, -5L, Long.MAX_VALUE, Long.MIN_VALUE);
    assertThat(c.parser.tuples()).isEqualTo(4);
  }

  @Test
  void handsOnTupleBytesWithoutHeaderOrTrailer() throws Exception {
    assertParsed(parse(stream(new byte[0], 0, TUPLES)));
  }

  @Test
  void givesTheSameTuplesWhateverTwoPlacesTheStreamIsCutAt() throws Exception {
    byte[] data = stream(text("ext!"), 0, TUPLES);
    for (int a = 0; a <= data.length; a++) {
      for (int b = a; b <= data.length; b++) {
        assertParsed(parse(data, a, b));
      }
    }
  }

  @Test
  void givesTheSameTuplesFedOneByteAtATime() throws Exception {
    byte[] data = stream(new byte[0], 0, TUPLES);
    int[] cuts = new int[data.length - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    assertParsed(parse(data, cuts));
  }

  @Test
  void readsTwoAndFourByteKeysWithTheirSign() throws Exception {
    byte[] data = stream(new byte[0], 0,
        tuple(ByteBuffer.allocate(2).putShort((short) -2).array()),
        tuple(ByteBuffer.allocate(4).putInt(123456).array()),
        tuple(ByteBuffer.allocate(4).putInt(-7).array()));
    BinaryCopyParser parser = new BinaryCopyParser(0, 1);
    Collector c = new Collector(parser);
    parser.feed(data, 0, data.length, c);
    assertThat(c.keys).containsExactly(-2L, 123456L, -7L);
  }

  @Test
  void aNullKeyIsReportedAsAbsent() throws Exception {
    byte[] data = stream(new byte[0], 0, tuple(null, text("a")));
    BinaryCopyParser parser = new BinaryCopyParser(0, 2);
    Collector c = new Collector(parser);
    parser.feed(data, 0, data.length, c);
    assertThat(c.keys).containsExactly((Long) null);
  }

  @Test
  void anEmptyStreamHasNoTuples() throws Exception {
    Collector c = parse(stream(new byte[0], 0));
    assertThat(c.sizes).isEmpty();
    assertThat(c.bytes.size()).isZero();
  }

  @Test
  void rejectsWhatIsNotBinaryCopy() {
    byte[] bad = "PGCOPY\nX".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> parse(bad)).isInstanceOf(IOException.class).hasMessageContaining("signature");
    assertThatThrownBy(() -> parse(stream(new byte[0], 1 << 16, TUPLES))).hasMessageContaining("OIDs");
    byte[] trailing = Arrays.copyOf(stream(new byte[0], 0, TUPLES), stream(new byte[0], 0, TUPLES).length + 1);
    assertThatThrownBy(() -> parse(trailing)).hasMessageContaining("after the binary COPY trailer");
    assertThatThrownBy(() -> parse(stream(new byte[0], 0, tuple(text("a"))))).hasMessageContaining("expected 4");
  }

  @Test
  void rejectsAKeyThatIsNotAnInteger() {
    byte[] data = stream(new byte[0], 0, tuple(text("abc")));
    BinaryCopyParser parser = new BinaryCopyParser(0, 1);
    assertThatThrownBy(() -> parser.feed(data, 0, data.length, new Collector(parser)))
        .hasMessageContaining("2, 4 or 8");
  }
}
