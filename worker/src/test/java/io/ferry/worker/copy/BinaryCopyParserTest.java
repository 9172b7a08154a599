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
    final List<List<String>> keys = new ArrayList<>();

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
      keys.add(parser.lastKey());
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

  /** Four copied fields, then the two key fields a resumable read appends (the key as text). */
  private static final byte[][] TUPLES = {
      tuple(text("t1"), int8(1), text("héllo"), null, text("1"), text("O'Brien")),
      tuple(text("t1"), int8(-5), null, new byte[0], text("-5"), text("back\\slash ✓ 日本")),
      tuple(text("t1"), int8(Long.MAX_VALUE), text("x".repeat(40)), text("y"), text("9223372036854775807"), text("")),
      tuple(text(""), int8(Long.MIN_VALUE), new byte[0], null, text("(12,3)"), null),
  };

  /** What the target receives: each tuple without its key fields, its field count rewritten to 4. */
  private static final byte[][] COPIED = {
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
    BinaryCopyParser parser = new BinaryCopyParser(4, 2);
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
    assertThat(c.bytes.toByteArray()).isEqualTo(concat(COPIED));
    assertThat(c.sizes).containsExactly((long) COPIED[0].length, (long) COPIED[1].length, (long) COPIED[2].length,
        (long) COPIED[3].length);
    assertThat(c.keys).containsExactly(List.of("1", "O'Brien"), List.of("-5", "back\\slash ✓ 日本"),
        List.of("9223372036854775807", ""), Arrays.asList("(12,3)", null));
    assertThat(c.parser.tuples()).isEqualTo(4);
  }

  @Test
  void handsOnTupleBytesWithoutHeaderTrailerOrKeyFields() throws Exception {
    assertParsed(parse(stream(new byte[0], 0, TUPLES)));
  }

  @Test
  void givesTheSameTuplesAndKeysWhateverTwoPlacesTheStreamIsCutAt() throws Exception {
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
  void withoutKeyFieldsEveryTupleIsHandedOnAsItIs() throws Exception {
    byte[] data = stream(new byte[0], 0, COPIED);
    for (int cut = 0; cut <= data.length; cut++) {
      BinaryCopyParser parser = new BinaryCopyParser(4, 0);
      Collector c = new Collector(parser);
      parser.feed(data, 0, cut, c);
      parser.feed(data, cut, data.length - cut, c);
      assertThat(c.bytes.toByteArray()).isEqualTo(concat(COPIED));
      assertThat(c.keys).containsExactly(null, null, null, null);
    }
  }

  @Test
  void aTupleMadeOnlyOfKeyFieldsHandsOnAnEmptyTuple() throws Exception {
    byte[] data = stream(new byte[0], 0, tuple(text("(0,1)")), tuple(text("(0,2)")));
    for (int cut = 0; cut <= data.length; cut++) {
      BinaryCopyParser parser = new BinaryCopyParser(0, 1);
      Collector c = new Collector(parser);
      parser.feed(data, 0, cut, c);
      parser.feed(data, cut, data.length - cut, c);
      assertThat(c.bytes.toByteArray()).isEqualTo(concat(new byte[][] {tuple(), tuple()}));
      assertThat(c.sizes).containsExactly(2L, 2L);
      assertThat(c.keys).containsExactly(List.of("(0,1)"), List.of("(0,2)"));
    }
  }

  @Test
  void theLastKeyIsTheLastCompleteTuplesEvenMidWayThroughTheNext() throws Exception {
    byte[] data = stream(new byte[0], 0, TUPLES);
    BinaryCopyParser parser = new BinaryCopyParser(4, 2);
    Collector c = new Collector(parser);
    assertThat(parser.lastKey()).isNull();
    int midThird = 19 + TUPLES[0].length + TUPLES[1].length + TUPLES[2].length - 3;
    parser.feed(data, 0, midThird, c);
    assertThat(parser.tuples()).isEqualTo(2);
    assertThat(parser.lastKey()).containsExactly("-5", "back\\slash ✓ 日本");
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
    assertThatThrownBy(() -> parse(stream(new byte[0], 0, tuple(text("a"))))).hasMessageContaining("expected 6")
        .hasMessageContaining("4 copied and 2 key fields");
    assertThatThrownBy(() -> new BinaryCopyParser(-1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  // In band: the key columns are copied fields (tenant, id bigint, code text, small smallint, ref uuid,
  // n integer), read where they are and handed on with the rest; key order differs from field order.
  private static final java.util.UUID REF = java.util.UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  private static final byte[][] IN_BAND = {
      tuple(text("t1"), int8(-5), text("O'Brien ✓"), ByteBuffer.allocate(2).putShort((short) -3).array(),
          ByteBuffer.allocate(16).putLong(REF.getMostSignificantBits()).putLong(REF.getLeastSignificantBits()).array(),
          ByteBuffer.allocate(4).putInt(Integer.MIN_VALUE).array()),
      tuple(text("t1"), int8(Long.MAX_VALUE), new byte[0], ByteBuffer.allocate(2).putShort(Short.MAX_VALUE).array(),
          new byte[16], ByteBuffer.allocate(4).putInt(7).array()),
  };

  private static BinaryKey inBandKey() {
    return BinaryKey.of(1, List.of("id", "code", "small", "ref", "n"), List.of("n", "ref", "id", "small", "code"),
        List.of("integer", "uuid", "bigint", "smallint", "character varying(20)"));
  }

  @Test
  void readsAPrintableKeyFromTheCopiedFieldsAndHandsEveryFieldOn() throws Exception {
    byte[] data = stream(new byte[0], 0, IN_BAND);
    for (int cut = 0; cut <= data.length; cut++) {
      BinaryCopyParser parser = new BinaryCopyParser(6, inBandKey());
      Collector c = new Collector(parser);
      parser.feed(data, 0, cut, c);
      parser.feed(data, cut, data.length - cut, c);
      assertThat(parser.finished()).isTrue();
      assertThat(c.bytes.toByteArray()).isEqualTo(concat(IN_BAND));
      assertThat(c.sizes).containsExactly((long) IN_BAND[0].length, (long) IN_BAND[1].length);
      assertThat(c.keys).containsExactly(
          List.of("-2147483648", REF.toString(), "-5", "-3", "O'Brien ✓"),
          List.of("7", "00000000-0000-0000-0000-000000000000", "9223372036854775807", "32767", ""));
      assertThat(parser.keyFields()).isEqualTo(5);
    }
  }

  @Test
  void tuplesArrivingOneMessageEachAreHandedOnWholeWithTheirKeys() throws Exception {
    BinaryCopyParser parser = new BinaryCopyParser(6, inBandKey());
    Collector c = new Collector(parser);
    byte[] header = Arrays.copyOf(stream(new byte[0], 0), 19);
    parser.feed(header, 0, header.length, c);
    for (byte[] t : IN_BAND) {
      parser.feed(t, 0, t.length, c);
    }
    parser.feed(BinaryCopyParser.trailer(), 0, 2, c);
    assertThat(parser.finished()).isTrue();
    assertThat(c.bytes.toByteArray()).isEqualTo(concat(IN_BAND));
    assertThat(c.keys.get(1)).containsExactly("7", "00000000-0000-0000-0000-000000000000", "9223372036854775807", "32767", "");
    BinaryCopyParser fresh = new BinaryCopyParser(6, inBandKey());
    fresh.feed(header, 0, header.length, c);
    byte[] wrongCount = tuple(text("t1"));
    assertThatThrownBy(() -> fresh.feed(wrongCount, 0, wrongCount.length, c)).hasMessageContaining("has 1 fields, expected 6");
  }

  @Test
  void anInBandKeyFieldOfTheWrongSizeIsRefused() {
    byte[] data = stream(new byte[0], 0, tuple(text("t1"), ByteBuffer.allocate(4).putInt(1).array()));
    BinaryKey key = BinaryKey.of(1, List.of("id"), List.of("id"), List.of("bigint"));
    BinaryCopyParser parser = new BinaryCopyParser(2, key);
    assertThatThrownBy(() -> parser.feed(data, 0, data.length, new Collector(parser))).isInstanceOf(IOException.class)
        .hasMessageContaining("has 4 bytes; its type has 8");
  }

  @Test
  void aKeyNotAmongTheColumnsOrOfATypeNotPrintedHereIsReadAsText() {
    assertThat(BinaryKey.of(0, List.of("a", "b"), List.of("c"), List.of("bigint"))).isNull();
    for (String type : List.of("numeric", "timestamp with time zone", "tid", "character(3)", "my_domain", "date")) {
      assertThat(BinaryKey.of(0, List.of("a"), List.of("a"), List.of(type))).as(type).isNull();
    }
    for (String type : List.of("bigint", "integer", "smallint", "uuid", "text", "character varying")) {
      assertThat(BinaryKey.of(0, List.of("a"), List.of("a"), List.of(type))).as(type).isNotNull();
    }
  }
}
