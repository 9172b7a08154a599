package io.ferry.worker.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextCopyParserTest {

  /** Collects what the parser hands on, and the key after every line. */
  static final class Collector implements BinaryCopyParser.Handler {
    final TextCopyParser parser;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Long> sizes = new ArrayList<>();
    final List<List<String>> keys = new ArrayList<>();

    Collector(TextCopyParser parser) {
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

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Feeds the stream in blocks of {@code size} bytes. */
  private static Collector feed(TextCopyParser parser, byte[] stream, int size) throws Exception {
    Collector c = new Collector(parser);
    for (int i = 0; i < stream.length; i += size) {
      parser.feed(stream, i, Math.min(size, stream.length - i), c);
    }
    return c;
  }

  private static final String STREAM = "a\t{happy,sad}\t(\"1 Main St\",12345)\t5\n"
      + "a\tline\\nbreak\\ttab \\\\ ünï ✓\t\\N\t7\n"
      + "a\t\t\\N\t-3\n";

  @Test
  void dropsTheTrailingKeyAndHandsOnEveryLineUnchangedWhateverTheBlockSize() throws Exception {
    String written = "a\t{happy,sad}\t(\"1 Main St\",12345)\n"
        + "a\tline\\nbreak\\ttab \\\\ ünï ✓\t\\N\n"
        + "a\t\t\\N\n";
    for (int size : new int[] {1, 2, 3, 7, 64, 4096}) {
      TextCopyParser parser = new TextCopyParser(3, 1);
      Collector c = feed(parser, utf8(STREAM), size);
      assertThat(c.text()).as("block size %d", size).isEqualTo(written);
      assertThat(c.keys).containsExactly(List.of("5"), List.of("7"), List.of("-3"));
      assertThat(c.sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(utf8(written).length);
      assertThat(parser.finished()).isTrue();
      assertThat(parser.lines()).isEqualTo(3);
    }
  }

  @Test
  void readsCompositeKeysWithEscapesAndNulls() throws Exception {
    TextCopyParser parser = new TextCopyParser(1, 3);
    Collector c = feed(parser, utf8("x\ta\\tb\\\\c\t\\N\t\\101\\x42\\n\n"), 5);
    assertThat(c.text()).isEqualTo("x\n");
    assertThat(c.keys).singleElement().isEqualTo(Arrays.asList("a\tb\\c", null, "AB\n"));
  }

  @Test
  void withoutKeyFieldsEveryLinePassesThroughAndThereIsNoKey() throws Exception {
    TextCopyParser parser = new TextCopyParser(2, 0);
    Collector c = feed(parser, utf8("1\tone\n2\ttwo\n"), 3);
    assertThat(c.text()).isEqualTo("1\tone\n2\ttwo\n");
    assertThat(c.keys).containsExactly(null, null);
  }

  @Test
  void aStreamThatStopsMidLineIsNotFinished() throws Exception {
    TextCopyParser parser = new TextCopyParser(1, 1);
    feed(parser, utf8("a\t1\nb\t"), 4);
    assertThat(parser.finished()).isFalse();
    assertThat(new TextCopyParser(1, 1).finished()).as("an empty stream is complete").isTrue();
  }

  @Test
  void aLineWithTheWrongNumberOfFieldsIsRefused() {
    assertThatThrownBy(() -> feed(new TextCopyParser(3, 1), utf8("a\tb\n"), 100))
        .isInstanceOf(IOException.class).hasMessageContaining("has 2 fields, expected 4");
    assertThatThrownBy(() -> feed(new TextCopyParser(1, 1), utf8("a\t1\t2\n"), 100))
        .isInstanceOf(IOException.class).hasMessageContaining("has 3 fields, expected 2");
    assertThatThrownBy(() -> feed(new TextCopyParser(2, 0), utf8("a\tb\tc\n"), 100))
        .isInstanceOf(IOException.class).hasMessageContaining("expected 2");
  }

  @Test
  void aLargeValueIsHandedOnInTheBlocksItCameIn() throws Exception {
    TextCopyParser parser = new TextCopyParser(1, 1);
    List<Integer> runs = new ArrayList<>();
    byte[] big = utf8("v".repeat(1_000_000) + "\t42\n");
    BinaryCopyParser.Handler handler = new BinaryCopyParser.Handler() {
      @Override
      public void tupleBytes(byte[] data, int offset, int length) {
        runs.add(length);
      }

      @Override
      public void tupleEnd(long framedBytes) {
        assertThat(framedBytes).isEqualTo(1_000_001);
      }
    };
    for (int i = 0; i < big.length; i += 65536) {
      parser.feed(big, i, Math.min(65536, big.length - i), handler);
    }
    assertThat(runs).allSatisfy(r -> assertThat(r).isLessThanOrEqualTo(65536));
    assertThat(parser.lastKey()).containsExactly("42");
  }
}
