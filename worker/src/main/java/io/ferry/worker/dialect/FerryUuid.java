package io.ferry.worker.dialect;

import io.ferry.protocol.plan.KeyText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * The key of a row under {@code target.keys: uuid}: a UUID version 5 (RFC 9562, section 5.5: SHA-1 of a
 * namespace and a name) under {@link #NAMESPACE}, of the name
 * {@code tenant 0x00 table 0x00 key1 [0x00 key2 …]}, every part UTF-8, where {@code table} is the source
 * table as {@code schema.table} and each key value is its canonical text: what PostgreSQL prints for the
 * target column's value cast to {@code text}, text then made canonical by the rule of the referenced key
 * column's collation ({@link KeyCanon}: trailing spaces, and case or accents where it ignores them). A 0x00
 * byte separates the parts because no part can hold one (PostgreSQL text cannot), so two different rows
 * never share a name.
 *
 * <p>One instance computes UUIDs one after another ({@link #start}, {@link #key}…, {@link #finish}) with
 * one reused digest and buffers, so a copy computing several per row allocates nothing per row for
 * numeric keys. Not thread-safe.
 */
public final class FerryUuid {

  /** Ferry's namespace: the UUID v5 of the URL {@code https://ferry.io/keys/uuid} in RFC 9562's URL namespace. */
  public static final UUID NAMESPACE = UUID.fromString("9a203afc-5dda-5b5b-9d8c-2047bfe838b2");

  private static final byte[] NAMESPACE_BYTES = bytes(NAMESPACE);

  private final MessageDigest sha1;
  private final byte[] digest = new byte[20];
  private byte[] scratch = new byte[64];

  public FerryUuid() {
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  /** The UUID of a tenant's row of {@code table} (schema.table) whose key's canonical text is {@code key}. */
  public static UUID of(String tenant, String table, List<String> key) {
    FerryUuid f = new FerryUuid();
    f.start(prefix(tenant, table));
    key.forEach(f::key);
    return uuid(f.finish());
  }

  /** The same of a key given as the values' text, each made canonical by its column's rule ({@link KeyCanon}). */
  public static UUID of(String tenant, String table, List<String> key, List<KeyText> rules) {
    FerryUuid f = new FerryUuid();
    f.start(prefix(tenant, table));
    for (int i = 0; i < key.size(); i++) {
      f.key(key.get(i), rules.get(i));
    }
    return uuid(f.finish());
  }

  /** The name's constant start for one tenant and table: {@code tenant 0x00 table}, to pass to {@link #start}. */
  public static byte[] prefix(String tenant, String table) {
    byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
    byte[] n = table.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length + 1 + n.length];
    System.arraycopy(t, 0, out, 0, t.length);
    System.arraycopy(n, 0, out, t.length + 1, n.length);
    return out;
  }

  /** Starts a UUID: the namespace, then the name's prefix. */
  public void start(byte[] prefix) {
    sha1.reset();
    sha1.update(NAMESPACE_BYTES);
    sha1.update(prefix);
  }

  /** The next key value, as canonical text. */
  public void key(String text) {
    sha1.update((byte) 0);
    int n = text.length();
    if (scratch.length < n) {
      scratch = new byte[n];
    }
    // UTF-8 by hand: plain ASCII keys (the usual case) cost no allocation.
    int size = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        sha1.update(text.getBytes(StandardCharsets.UTF_8));
        return;
      }
      scratch[size++] = (byte) c;
    }
    sha1.update(scratch, 0, size);
  }

  /**
   * The next key value as its text before {@link KeyCanon}'s rule: an ASCII value (the usual case) is
   * trimmed and folded straight into the digest, without allocating.
   */
  public void key(String text, KeyText rule) {
    if (rule == KeyText.EXACT) {
      key(text);
      return;
    }
    int n = KeyCanon.trimmedLength(text);
    if (scratch.length < n) {
      scratch = new byte[n];
    }
    boolean fold = rule.foldsCase();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        key(KeyCanon.canonical(text, rule));
        return;
      }
      // Accents: an ASCII text has none to strip (its NFD is itself).
      scratch[i] = (byte) (fold ? KeyCanon.foldAscii(c) : c);
    }
    sha1.update((byte) 0);
    sha1.update(scratch, 0, n);
  }

  /** The next key value, a whole number (its canonical text is its decimal digits). */
  public void key(long value) {
    if (value == Long.MIN_VALUE) {
      key(Long.toString(value)); // cannot be negated below; a rare key, so the allocation is fine
      return;
    }
    sha1.update((byte) 0);
    int end = 20;
    long v = Math.abs(value);
    do {
      scratch[--end] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (value < 0) {
      scratch[--end] = '-';
    }
    sha1.update(scratch, end, 20 - end);
  }

  /**
   * Ends the UUID: its 16 bytes (the first of the SHA-1 digest, version 5 and the RFC 9562 variant set)
   * in the returned array's first 16, valid until the next {@code finish}.
   */
  public byte[] finish() {
    try {
      sha1.digest(digest, 0, digest.length);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    return versioned(digest);
  }

  /** A UUID v5 of any namespace and name, as RFC 9562 defines it. */
  static UUID v5(UUID namespace, byte[] name) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(bytes(namespace));
      return uuid(versioned(md.digest(name)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets version 5 and the RFC 9562 variant in a digest's first 16 bytes. */
  private static byte[] versioned(byte[] hash) {
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    return hash;
  }

  /** The UUID held in the first 16 bytes of {@code b}. */
  public static UUID uuid(byte[] b) {
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (b[i] & 0xff);
      lsb = (lsb << 8) | (b[i + 8] & 0xff);
    }
    return new UUID(msb, lsb);
  }

  private static byte[] bytes(UUID u) {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
      out[i + 8] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
    }
    return out;
  }
}
