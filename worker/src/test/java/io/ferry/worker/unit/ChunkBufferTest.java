package io.ferry.worker.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkBufferTest {

  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final List<Integer> writes = new ArrayList<>();
  private final ChunkBuffer buffer = new ChunkBuffer((data, offset, length) -> {
    written.write(data, offset, length);
    writes.add(length);
  });

  @Test
  void bytesReachTheSinkInOrderInWritesOfTheBufferSize() throws Exception {
    byte[] tuple = new byte[100_003];
    for (int i = 0; i < tuple.length; i++) {
      tuple[i] = (byte) (i * 31);
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    buffer.append(new byte[] {1, 2});
    expected.write(new byte[] {1, 2});
    for (int i = 0; i < 6; i++) {
      buffer.append(tuple, 3, tuple.length - 3);
      expected.write(tuple, 3, tuple.length - 3);
    }
    assertThat(writes).containsExactly(ChunkBuffer.SIZE, ChunkBuffer.SIZE);

    buffer.flush();
    buffer.flush();
    assertThat(writes).containsExactly(ChunkBuffer.SIZE, ChunkBuffer.SIZE, 2 + 6 * 100_000 - 2 * ChunkBuffer.SIZE);
    assertThat(written.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void clearedBytesAreNeverWritten() throws Exception {
    buffer.append(new byte[] {1, 2, 3});
    buffer.clear();
    buffer.append(new byte[] {4});
    buffer.flush();
    assertThat(writes).containsExactly(1);
    assertThat(written.toByteArray()).containsExactly(4);
  }
}
