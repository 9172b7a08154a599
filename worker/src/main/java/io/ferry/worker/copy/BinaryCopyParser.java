package io.ferry.worker.copy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Incremental parser of the PostgreSQL binary COPY framing. It decodes no value but the key: it finds
 * tuple boundaries, so a stream can be cut into chunk transactions between two tuples, and it keeps the
 * key of the last tuple for the checkpoint (see <b>Key fields</b>).
 *
 * <p><b>Key fields.</b> The checkpoint needs the key of a chunk's last tuple, in two ways:
 * <ul>
 *   <li><em>in band</em> ({@link BinaryKey}): the key columns are among the copied fields and their
 *   binary form is printed here; the parser keeps those fields' bytes as it hands them on;</li>
 *   <li><em>trailing text</em>: for any other key, the read appends the key columns as text after the
 *   copied columns ({@code SELECT …, "a"::text, "b"::text}). Those last {@code keyFields} fields of
 *   every tuple are never handed on: the parser keeps their bytes and rewrites the tuple's int16 field
 *   count to the number of fields the target receives.</li>
 * </ul>
 * Either way only the latest tuple's key bytes are kept, and turned into text only when
 * {@link #lastKey()} is asked for, once per chunk rather than once per row. A NULL key field (which a
 * key range never produces) is reported as a null element.
 *
 * <p>Input arrives in arbitrary blocks ({@code CopyOut.readFromCopy()} does not align them with
 * tuples), so every item may straddle two blocks; the state machine keeps just enough state (a counter,
 * an accumulator and the key bytes) to resume anywhere. Tuple bytes are handed on as the largest
 * contiguous runs the input allows; the header and the trailer are not handed on, since every chunk
 * writes its own.
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
  /** Keys live in btree indexes (a few kB at most); anything near this is not a key. */
  static final int MAX_KEY_BYTES = 16 * 1024 * 1024;

  /** Receives tuple bytes and tuple ends, in stream order. */
  public interface Handler {

    /** Bytes belonging to tuples (a run may end mid-tuple; the next call continues it). */
    void tupleBytes(byte[] data, int offset, int length) throws SQLException;

    /** The tuple whose bytes were just handed on is complete; {@code framedBytes} counts the bytes handed on for it. */
    void tupleEnd(long framedBytes) throws SQLException;
  }

  private enum State { SIGNATURE, FLAGS, EXTENSION_LENGTH, EXTENSION, FIELD_COUNT, FIELD_LENGTH, FIELD_DATA, TRAILER }

  private final int expectedFields;
  /** Trailing text key fields (0 with an in-band key). */
  private final int keyFields;
  /** The key among the copied fields, or null. */
  private final BinaryKey inBand;
  /** Key values per tuple, either way. */
  private final int keyCount;
  /** The key slot of each field index of a tuple (-1: not a key field); empty without key fields. */
  private final int[] slots;
  /** The key slot of the field being read, or -1 when it is not a key field. */
  private int capturing = -1;
  private State state = State.SIGNATURE;
  private int signaturePos;
  private int need;
  private int acc;
  private long remaining;
  private final byte[] countBytes = new byte[2];
  private int fieldCount;
  private int dataFields;
  private int fieldIndex;
  /** Between a tuple's count and its first key field (or its end): its bytes are handed on. */
  private boolean handingOn;
  private long tupleSize;
  private long tuples;
  /** The key fields of the tuple being read, and of the last complete one (swapped at each tuple end). */
  private KeyBytes readingKey;
  private KeyBytes lastKeyBytes;
  private List<String> lastKey;

  /**
   * @param expectedFields fields every tuple hands on to the target, or -1 to accept any count (only without key fields)
   * @param keyFields      trailing text fields of every tuple that hold the key; taken off, never handed on
   */
  public BinaryCopyParser(int expectedFields, int keyFields) {
    this(expectedFields, keyFields, null);
  }

  /**
   * A parser that reads each tuple's key from its copied fields and hands every field on.
   *
   * @param expectedFields fields of every tuple
   */
  public BinaryCopyParser(int expectedFields, BinaryKey key) {
    this(expectedFields, 0, key);
  }

  private BinaryCopyParser(int expectedFields, int keyFields, BinaryKey inBand) {
    if (keyFields < 0 || ((keyFields > 0 || inBand != null) && expectedFields < 0)) {
      throw new IllegalArgumentException("key fields need a known field count");
    }
    this.expectedFields = expectedFields;
    this.keyFields = keyFields;
    this.inBand = inBand;
    this.keyCount = inBand != null ? inBand.size() : keyFields;
    this.slots = new int[keyCount == 0 ? 0 : expectedFields + keyFields];
    for (int f = 0; f < slots.length; f++) {
      slots[f] = inBand != null ? inBand.slotOf(f) : f >= expectedFields ? f - expectedFields : -1;
    }
    this.readingKey = new KeyBytes(keyCount);
    this.lastKeyBytes = new KeyBytes(keyCount);
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
    // Where the current run of tuple bytes began in this block; -1 while nothing is being handed on.
    int runStart = handingOn ? offset : -1;
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
          int after = keyFields == 0 && need == 2 ? wholeTuple(data, i, end, handler) : -1;
          if (after >= 0) {
            i = after;
            continue;
          }
          i += takeInt(data, i, end, 2);
          if (need == 0) {
            short count = (short) acc;
            if (count == -1) {
              state = State.TRAILER;
            } else {
              startTuple(count, handler);
              runStart = nextField(data, i, i, handler);
            }
          }
        }
        case FIELD_LENGTH -> {
          int taken = takeInt(data, i, end, 4);
          i += taken;
          if (handingOn) {
            tupleSize += taken;
          }
          if (need == 0) {
            int len = acc;
            if (len < -1) {
              throw new IOException("invalid field length " + len + " in binary COPY tuple " + (tuples + 1));
            }
            capturing = keySlot(fieldIndex);
            if (capturing >= 0) {
              keyField(len);
            }
            if (len <= 0) {
              fieldIndex++;
              runStart = nextField(data, runStart, i, handler);
            } else {
              remaining = len;
              state = State.FIELD_DATA;
            }
          }
        }
        case FIELD_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          if (handingOn) {
            tupleSize += n;
          }
          if (capturing >= 0) {
            readingKey.append(data, i, n, tuples + 1);
          }
          i += n;
          remaining -= n;
          if (remaining == 0) {
            fieldIndex++;
            runStart = nextField(data, runStart, i, handler);
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

  /** How many key values each tuple carries (as trailing text fields or among its copied fields). */
  public int keyFields() {
    return keyCount;
  }

  /**
   * The key fields of the last complete tuple as text (a null element for a NULL field); null before the
   * first tuple or without key fields.
   */
  public List<String> lastKey() {
    if (keyCount == 0 || tuples == 0) {
      return null;
    }
    if (lastKey == null) {
      lastKey = inBand != null ? lastKeyBytes.print(inBand) : lastKeyBytes.decode();
    }
    return lastKey;
  }

  /**
   * Reads the pending big-endian integer (a tuple's int16 count or a field's int32 length) from the block:
   * whole when the block holds all of it — the common case, a few times per row — else one byte, so an
   * integer cut between two blocks is assembled across calls. Returns the bytes taken.
   *
   * @param size the integer's width (2 or 4): it is read at once only when none of it was read yet
   */
  private int takeInt(byte[] data, int i, int end, int size) {
    if (need == size && end - i >= size) {
      acc = size == 4
          ? ((data[i] & 0xff) << 24) | ((data[i + 1] & 0xff) << 16) | ((data[i + 2] & 0xff) << 8) | (data[i + 3] & 0xff)
          : ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
      need = 0;
      return size;
    }
    acc = (acc << 8) | (data[i] & 0xff);
    need--;
    return 1;
  }

  private void expectInt(State next, int bytes) {
    state = next;
    need = bytes;
    acc = 0;
  }

  private void startTuple(short count, Handler handler) throws IOException, SQLException {
    int expectedCount = expectedFields < 0 ? -1 : expectedFields + keyFields;
    if (count < keyFields || (expectedCount >= 0 && count != expectedCount)) {
      throw new IOException("binary COPY tuple " + (tuples + 1) + " has " + count + " fields, expected "
          + (expectedCount >= 0 ? expectedCount : "at least " + keyFields)
          + (keyFields > 0 ? " (" + expectedFields + " copied and " + keyFields + " key fields)" : ""));
    }
    fieldCount = count;
    dataFields = count - keyFields;
    fieldIndex = 0;
    readingKey.reset();
    tupleSize = 2;
    handingOn = true;
    // The count handed on is the target's: the key fields are taken off.
    countBytes[0] = (byte) (dataFields >> 8);
    countBytes[1] = (byte) dataFields;
    handler.tupleBytes(countBytes, 0, 2);
  }

  /**
   * After the tuple's count or one of its fields: ends the tuple after its last field, or stops handing
   * on bytes where the key fields begin, else expects the next field. Returns the new run start.
   */
  private int nextField(byte[] data, int runStart, int i, Handler handler) throws SQLException {
    if (fieldIndex == dataFields && handingOn) {
      if (runStart >= 0 && i > runStart) {
        handler.tupleBytes(data, runStart, i - runStart);
      }
      runStart = -1;
      handingOn = false;
    }
    if (fieldIndex == fieldCount) {
      endTuple(handler);
      return -1;
    }
    expectInt(State.FIELD_LENGTH, 4);
    return runStart;
  }

  /** The key slot of the tuple's field {@code field}, or -1. */
  private int keySlot(int field) {
    return field < slots.length ? slots[field] : -1;
  }

  /**
   * The common case, taken when no field count needs rewriting (no trailing key fields): the block holds
   * a whole tuple from {@code i}, as it does when the server sends one tuple per message. Its fields are
   * walked without the state machine and the tuple is handed on in one run, count included. Returns
   * the index after the tuple, or -1 to leave it to the state machine (a tuple cut by the block's end,
   * the trailer, or anything to report).
   */
  private int wholeTuple(byte[] data, int i, int end, Handler handler) throws IOException, SQLException {
    if (end - i < 2) {
      return -1;
    }
    int count = (short) (((data[i] & 0xff) << 8) | (data[i + 1] & 0xff));
    if (count < 0 || (expectedFields >= 0 && count != expectedFields)) {
      return -1;
    }
    int p = i + 2;
    readingKey.reset();
    for (int f = 0; f < count; f++) {
      if (end - p < 4) {
        return -1;
      }
      int len = ((data[p] & 0xff) << 24) | ((data[p + 1] & 0xff) << 16) | ((data[p + 2] & 0xff) << 8) | (data[p + 3] & 0xff);
      p += 4;
      if (len < -1 || (len > 0 && end - p < len)) {
        return -1;
      }
      capturing = keySlot(f);
      if (capturing >= 0) {
        keyField(len);
        if (len > 0) {
          readingKey.append(data, p, len, tuples + 1);
        }
      }
      if (len > 0) {
        p += len;
      }
    }
    capturing = -1;
    handler.tupleBytes(data, i, p - i);
    tupleSize = p - i;
    endTuple(handler);
    return p;
  }

  /** A key field of {@code length} bytes begins (-1: NULL). */
  private void keyField(int length) throws IOException {
    int fixed = inBand == null || length < 0 ? -1 : inBand.fixedLength(capturing);
    if (fixed >= 0 && length != fixed) {
      throw new IOException("key field " + (capturing + 1) + " of binary COPY tuple " + (tuples + 1) + " has " + length
          + " bytes; its type has " + fixed);
    }
    readingKey.start(capturing, length);
  }

  private void endTuple(Handler handler) throws SQLException {
    tuples++;
    if (keyCount > 0) {
      KeyBytes done = readingKey;
      readingKey = lastKeyBytes;
      lastKeyBytes = done;
      lastKey = null;
    }
    expectInt(State.FIELD_COUNT, 2);
    handler.tupleEnd(tupleSize);
  }

  /** The raw key fields of one tuple: one growing buffer, and each field's offset and length (-1: NULL). */
  private static final class KeyBytes {
    private byte[] bytes = new byte[64];
    private int size;
    private final int[] offsets;
    private final int[] lengths;

    KeyBytes(int fields) {
      offsets = new int[fields];
      lengths = new int[fields];
    }

    void reset() {
      size = 0;
    }

    void start(int field, int length) {
      offsets[field] = size;
      lengths[field] = length;
    }

    void append(byte[] data, int from, int n, long tuple) throws IOException {
      if ((long) size + n > MAX_KEY_BYTES) {
        throw new IOException("the key fields of binary COPY tuple " + tuple + " exceed " + MAX_KEY_BYTES + " bytes");
      }
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size + n, bytes.length * 2));
      }
      System.arraycopy(data, from, bytes, size, n);
      size += n;
    }

    List<String> decode() {
      List<String> out = new ArrayList<>(offsets.length);
      for (int f = 0; f < offsets.length; f++) {
        out.add(lengths[f] < 0 ? null : new String(bytes, offsets[f], lengths[f], StandardCharsets.UTF_8));
      }
      return Collections.unmodifiableList(out);
    }

    List<String> print(BinaryKey key) {
      return Collections.unmodifiableList(key.print(bytes, offsets, lengths));
    }
  }
}
