package io.ferry.worker.copy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/** {@link RowFraming} of binary COPY, by {@link BinaryCopyParser}. */
public final class BinaryFraming implements RowFraming {

  private final BinaryCopyParser parser;

  public BinaryFraming(BinaryCopyParser parser) {
    this.parser = parser;
  }

  @Override
  public void feed(byte[] data, int offset, int length, BinaryCopyParser.Handler handler) throws IOException, SQLException {
    parser.feed(data, offset, length, handler);
  }

  @Override
  public boolean finished() {
    return parser.finished();
  }

  @Override
  public byte[] chunkHeader() {
    return BinaryCopyParser.header();
  }

  @Override
  public byte[] chunkTrailer() {
    return BinaryCopyParser.trailer();
  }

  @Override
  public int keyFields() {
    return parser.keyFields();
  }

  @Override
  public List<String> lastKey() {
    return parser.lastKey();
  }
}
