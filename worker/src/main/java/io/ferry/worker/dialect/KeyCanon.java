package io.ferry.worker.dialect;

import io.ferry.protocol.plan.KeyText;
import java.text.Normalizer;

/**
 * The canonical text of a key value under its column's {@link KeyText} rule, so that values the source's
 * collation compares equal feed the same Ferry UUID. For every rule but {@code EXACT}, in this order:
 *
 * <ol>
 *   <li>trailing spaces (U+0020 only) are dropped: SQL Server compares {@code 'a'} and {@code 'a '} as equal
 *       under every collation;</li>
 *   <li>accent-insensitive rules: Unicode NFD, then every combining diacritical mark (U+0300–U+036F) removed,
 *       then NFC ({@code 'Émile'} → {@code 'Emile'});</li>
 *   <li>case-insensitive rules: each code point below U+0530 (Latin, Greek, Cyrillic) replaced by its
 *       {@link #FOLD} ({@code 'ΣΟΦΊΑ'} → {@code 'σοφία'}); others stay.</li>
 * </ol>
 *
 * The rules use only fixed tables (no locale), so {@code ferry.uuid_key_text} on the target computes the
 * same text ({@link #foldFrom()} and {@link #foldTo()} for its {@code translate}).
 */
public final class KeyCanon {

  /** Case folding covers the code points below this: Basic Latin to Cyrillic Supplement. */
  static final int FOLDED_BELOW = 0x0530;
  /** Combining diacritical marks, which accent-insensitive rules remove after NFD. */
  static final char MARKS_FROM = '\u0300';
  static final char MARKS_TO = '\u036f';

  /**
   * The case fold of each code point below {@link #FOLDED_BELOW}: {@code toLowerCase(toUpperCase(c))} (so
   * {@code ς}, {@code Σ} and {@code σ} fold alike), except the Turkish {@code İ} and {@code ı}, which are
   * other letters than {@code i} to a case-insensitive collation and stay.
   */
  private static final char[] FOLD = new char[FOLDED_BELOW];

  static {
    for (int c = 0; c < FOLDED_BELOW; c++) {
      int f = Character.toLowerCase(Character.toUpperCase(c));
      boolean kept = c == 0x130 || c == 0x131 || (c >= MARKS_FROM && c <= MARKS_TO) || f >= FOLDED_BELOW;
      FOLD[c] = kept ? (char) c : (char) f;
    }
  }

  private KeyCanon() {
  }

  /** The canonical text of {@code value} under {@code rule}. */
  public static String canonical(String value, KeyText rule) {
    if (rule == KeyText.EXACT) {
      return value;
    }
    String v = value.substring(0, trimmedLength(value));
    if (rule.stripsAccents()) {
      v = stripAccents(v);
    }
    if (rule.foldsCase()) {
      v = fold(v);
    }
    return v;
  }

  /** The length of {@code value} without its trailing spaces. */
  static int trimmedLength(String value) {
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == ' ') {
      end--;
    }
    return end;
  }

  /** The case fold of an ASCII character (what {@link #FOLD} gives for it). */
  static char foldAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  private static String stripAccents(String v) {
    String nfd = Normalizer.normalize(v, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(nfd.length());
    for (int i = 0; i < nfd.length(); i++) {
      char c = nfd.charAt(i);
      if (c < MARKS_FROM || c > MARKS_TO) {
        out.append(c);
      }
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  private static String fold(String v) {
    char[] out = v.toCharArray();
    for (int i = 0; i < out.length; i++) {
      // Surrogates are above the table, so a code point outside it is left whole.
      if (out[i] < FOLDED_BELOW) {
        out[i] = FOLD[out[i]];
      }
    }
    return new String(out);
  }

  /** The characters the case fold changes, in code point order: {@code translate}'s {@code from}. */
  public static String foldFrom() {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < FOLDED_BELOW; c++) {
      if (FOLD[c] != c) {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /** What each character of {@link #foldFrom()} folds to, in the same order: {@code translate}'s {@code to}. */
  public static String foldTo() {
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < FOLDED_BELOW; c++) {
      if (FOLD[c] != c) {
        out.append(FOLD[c]);
      }
    }
    return out.toString();
  }

  /** The combining diacritical marks, for {@code translate} to remove. */
  public static String marks() {
    StringBuilder out = new StringBuilder();
    for (char c = MARKS_FROM; c <= MARKS_TO; c++) {
      out.append(c);
    }
    return out.toString();
  }
}
