package io.ferry.worker.copy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * Finds row boundaries in one COPY format, so a stream can be cut into chunk transactions between two
 * rows, and reads the key of the last complete row for the checkpoint. Bytes are handed on unchanged
 * (only framing the format does not repeat per chunk, and trailing key fields, are left out).
 */
public interface RowFraming {

  void feed(byte[] data, int offset, int length, BinaryCopyParser.Handler handler) throws IOException, SQLException;

  /** The stream ended where it may end (after the binary trailer; at a line end for text). */
  boolean finished();

  /** Bytes every chunk starts with. */
  byte[] chunkHeader();

  /** Bytes every chunk ends with. */
  byte[] chunkTrailer();

  /**
   * How many key values each row carries: trailing key fields (taken off before the row is handed on) or,
   * for binary COPY of a {@link BinaryKey}, fields among the copied ones.
   */
  int keyFields();

  /** The key of the last complete row, one text value per key column (null for a NULL); null when unknown. */
  List<String> lastKey();
}
