package io.ferry.worker.copy;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Incremental parser of the PostgreSQL binary COPY framing. It never decodes values: it only finds
 * tuple boundaries, so a stream can be cut into chunk transactions between two tuples, and it reads
 * the one integer key field whose value becomes the checkpoint.
 *
 * <p>Input arrives in arbitrary blocks ({@code CopyOut.readFromCopy()} does not align them with
 * tuples), so every item may straddle two blocks; the state machine keeps just enough state (a counter
 * and an accumulator) to resume anywhere. Tuple bytes are handed on as the largest contiguous runs the
 * input allows; the header and the trailer are not handed on, since every chunk writes its own.
 *
 * <p>Format: 11-byte signature, int32 flags, int32 header-extension length and its bytes; then per
 * tuple an int16 field count (-1 is the trailer) and per field an int32 length (-1 is NULL) and the bytes.
 */
public final class BinaryCopyParser {

  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};
  private static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};
  /** Flag bit 16: each tuple carries an OID field (never produced by modern servers; refused). */
  private static final int OIDS_FLAG = 1 << 16;

  /** Receives tuple bytes and tuple ends, in stream order. */
  public interface Handler {

    /** Bytes belonging to tuples (a run may end mid-tuple; the next call continues it). */
    void tupleBytes(byte[] data, int offset, int length) throws SQLException;

    /** The tuple whose bytes were just handed on is complete; {@code framedBytes} counts all its bytes. */
    void tupleEnd(long framedBytes) throws SQLException;
  }

  private enum State { SIGNATURE, FLAGS, EXTENSION_LENGTH, EXTENSION, FIELD_COUNT, FIELD_LENGTH, FIELD_DATA, TRAILER }

  private final int keyField;
  private final int expectedFields;
  private State state = State.SIGNATURE;
  private int signaturePos;
  private int need;
  private int acc;
  private long remaining;
  private final byte[] countBytes = new byte[2];
  private int fieldCount;
  private int fieldIndex;
  private int keyLength;
  private long keyAcc;
  private long lastKey;
  private boolean lastKeyPresent;
  private long tupleSize;
  private long tuples;

  /**
   * @param keyField       index of the integer key field whose value {@link #lastKey()} returns, or -1
   * @param expectedFields fields every tuple must have, or -1 to accept any count
   */
  public BinaryCopyParser(int keyField, int expectedFields) {
    this.keyField = keyField;
    this.expectedFields = expectedFields;
  }

  /** The header every chunk starts with: signature, no flags, no extension. */
  public static byte[] header() {
    return HEADER.clone();
  }

  public static byte[] trailer() {
    return TRAILER.clone();
  }

  public void feed(byte[] data, int offset, int length, Handler handler) throws IOException, SQLException {
    int i = offset;
    int end = offset + length;
    // Where the current run of tuple bytes began in this block; -1 while between tuples.
    int runStart = (state == State.FIELD_LENGTH || state == State.FIELD_DATA) ? offset : -1;
    while (i < end) {
      switch (state) {
        case SIGNATURE -> {
          if (data[i] != SIGNATURE[signaturePos]) {
            throw new IOException("not a binary COPY stream: bad signature byte at " + signaturePos);
          }
          i++;
          if (++signaturePos == SIGNATURE.length) {
            expectInt(State.FLAGS, 4);
          }
        }
        case FLAGS, EXTENSION_LENGTH -> {
          acc = (acc << 8) | (data[i++] & 0xff);
          if (--need == 0) {
            if (state == State.FLAGS) {
              if ((acc & OIDS_FLAG) != 0) {
                throw new IOException("binary COPY stream with OIDs is not supported");
              }
              expectInt(State.EXTENSION_LENGTH, 4);
            } else {
              if (acc < 0) {
                throw new IOException("negative binary COPY header extension length " + acc);
              }
              remaining = acc;
              if (remaining == 0) {
                expectInt(State.FIELD_COUNT, 2);
              } else {
                state = State.EXTENSION;
              }
            }
          }
        }
        case EXTENSION -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            expectInt(State.FIELD_COUNT, 2);
          }
        }
        case FIELD_COUNT -> {
          // The count is held back until we know it is not the trailer, which is never handed on.
          countBytes[2 - need] = data[i];
          acc = (acc << 8) | (data[i++] & 0xff);
          if (--need == 0) {
            short count = (short) acc;
            if (count == -1) {
              state = State.TRAILER;
            } else {
              startTuple(count, handler);
              runStart = i;
              if (count == 0) {
                endTuple(data, runStart, i, handler);
                runStart = -1;
              }
            }
          }
        }
        case FIELD_LENGTH -> {
          acc = (acc << 8) | (data[i++] & 0xff);
          tupleSize++;
          if (--need == 0) {
            int len = acc;
            if (len < -1) {
              throw new IOException("invalid field length " + len + " in binary COPY tuple " + (tuples + 1));
            }
            if (fieldIndex == keyField) {
              keyLength = len;
              keyAcc = 0;
            }
            if (len <= 0) {
              if (nextField()) {
                endTuple(data, runStart, i, handler);
                runStart = -1;
              }
            } else {
              remaining = len;
              state = State.FIELD_DATA;
            }
          }
        }
        case FIELD_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          if (fieldIndex == keyField) {
            for (int k = i; k < i + n; k++) {
              keyAcc = (keyAcc << 8) | (data[k] & 0xff);
            }
          }
          i += n;
          remaining -= n;
          tupleSize += n;
          if (remaining == 0 && nextField()) {
            endTuple(data, runStart, i, handler);
            runStart = -1;
          }
        }
        case TRAILER -> throw new IOException("data after the binary COPY trailer");
        default -> throw new IllegalStateException(state.name());
      }
    }
    if (runStart >= 0 && runStart < end) {
      handler.tupleBytes(data, runStart, end - runStart);
    }
  }

  /** The trailer was read: the stream is complete. */
  public boolean finished() {
    return state == State.TRAILER;
  }

  /** Tuples completed so far. */
  public long tuples() {
    return tuples;
  }

  /** The key of the last completed tuple (only meaningful when a key field was given and was not NULL). */
  public long lastKey() {
    return lastKey;
  }

  public boolean lastKeyPresent() {
    return lastKeyPresent;
  }

  private void expectInt(State next, int bytes) {
    state = next;
    need = bytes;
    acc = 0;
  }

  private void startTuple(short count, Handler handler) throws IOException, SQLException {
    if (count < 0 || (expectedFields >= 0 && count != expectedFields)) {
      throw new IOException("binary COPY tuple " + (tuples + 1) + " has " + count + " fields, expected " + expectedFields);
    }
    fieldCount = count;
    fieldIndex = 0;
    keyLength = -1;
    tupleSize = 2;
    handler.tupleBytes(countBytes, 0, 2);
    expectInt(State.FIELD_LENGTH, 4);
  }

  /** Moves past a finished field; true when it was the tuple's last. */
  private boolean nextField() {
    fieldIndex++;
    if (fieldIndex == fieldCount) {
      return true;
    }
    expectInt(State.FIELD_LENGTH, 4);
    return false;
  }

  private void endTuple(byte[] data, int runStart, int runEnd, Handler handler) throws IOException, SQLException {
    if (runEnd > runStart) {
      handler.tupleBytes(data, runStart, runEnd - runStart);
    }
    tuples++;
    if (keyField >= 0) {
      lastKeyPresent = keyLength >= 0;
      lastKey = switch (keyLength) {
        case -1 -> 0;
        case 2 -> (short) keyAcc;
        case 4 -> (int) keyAcc;
        case 8 -> keyAcc;
        default -> throw new IOException("key field of binary COPY tuple " + tuples + " has " + keyLength
            + " bytes; an integer key has 2, 4 or 8");
      };
    }
    expectInt(State.FIELD_COUNT, 2);
    handler.tupleEnd(tupleSize);
  }
}
