package io.ferry.worker.sqlserver;

import io.ferry.protocol.plan.KeyText;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a SQL Server collation compares, read from its name, and the PostgreSQL collation that compares
 * the same way (the table in {@code docs/sqlserver.md}). Names are read case-insensitively, so SQL
 * Server's ({@code SQL_Latin1_General_CP1_CI_AS}, {@code Latin1_General_100_CI_AI_SC_UTF8},
 * {@code Latin1_General_BIN2}) and Babelfish's ({@code bbf_unicode_cp1_ci_as}, {@code bbf_unicode_bin2})
 * read alike: only the sensitivity parts ({@code CI}/{@code CS}, {@code AI}/{@code AS}, {@code BIN}/{@code BIN2})
 * decide the comparison.
 */
final class SqlServerCollations {

  /** How two strings compare. */
  enum Comparison {
    /** By code point: {@code _BIN}, {@code _BIN2}. */
    BINARY(null),
    /** Case- and accent-sensitive: the target database's default collation. */
    CS_AS(null),
    /** ICU secondary strength: accents count, case and width do not. */
    CI_AS("und-u-ks-level2"),
    /** ICU primary strength: base letters only. */
    CI_AI("und-u-ks-level1"),
    /** ICU primary strength with the case level on: case counts, accents do not. */
    CS_AI("und-u-ks-level1-kc-true");

    /** The ICU locale of the nondeterministic collation Ferry creates, or null when none is needed. */
    final String icuLocale;

    Comparison(String icuLocale) {
      this.icuLocale = icuLocale;
    }

    /** The name of the collation Ferry creates for it: {@code ferry_ci_as}. */
    String collationName() {
      return "ferry_" + name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param comparison how the collation compares
   * @param language   the language part of the name when it is not Latin1_General (whose rules ICU's root
   *                   locale follows), e.g. {@code french}; null for Latin1_General
   * @param lost       sensitivities the target collation does not keep ({@code kana}, {@code width}), empty if none
   */
  record Parsed(Comparison comparison, String language, List<String> lost) {
  }

  /** Name parts that are not a language: prefixes, code pages, versions, Latin1_General itself. */
  private static final Pattern NOT_LANGUAGE = Pattern.compile("sql|bbf|unicode|latin1|general|pref|cp\\d+|\\d+");
  private static final Set<String> CASE = Set.of("ci", "cs");
  private static final Set<String> ACCENT = Set.of("ai", "as");

  private SqlServerCollations() {
  }

  /**
   * The canonical text rule of a key column with this collation: by its case and accent sensitivity; a binary
   * collation, or one this reading does not know, as case- and accent-sensitive (only trailing spaces go).
   */
  static KeyText keyText(String collation) {
    Parsed parsed = parse(collation);
    return parsed == null ? KeyText.CS_AS : switch (parsed.comparison()) {
      case BINARY, CS_AS -> KeyText.CS_AS;
      case CI_AS -> KeyText.CI_AS;
      case CS_AI -> KeyText.CS_AI;
      case CI_AI -> KeyText.CI_AI;
    };
  }

  /** The collation's comparison, or null when its name is not one this reading knows. */
  static Parsed parse(String collation) {
    if (collation == null || collation.isBlank()) {
      return null;
    }
    String[] parts = collation.toLowerCase(Locale.ROOT).split("_");
    StringBuilder language = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.equals("bin") || p.equals("bin2")) {
        return new Parsed(Comparison.BINARY, language(language), List.of());
      }
      if (CASE.contains(p) && i + 1 < parts.length && ACCENT.contains(parts[i + 1])) {
        boolean caseInsensitive = p.equals("ci");
        boolean accentInsensitive = parts[i + 1].equals("ai");
        Comparison comparison = caseInsensitive ? (accentInsensitive ? Comparison.CI_AI : Comparison.CI_AS)
            : (accentInsensitive ? Comparison.CS_AI : Comparison.CS_AS);
        return new Parsed(comparison, language(language), lost(parts, i + 2, comparison));
      }
      if (!NOT_LANGUAGE.matcher(p).matches()) {
        language.append(language.isEmpty() ? "" : "_").append(p);
      }
    }
    return null;
  }

  private static String language(StringBuilder language) {
    return language.isEmpty() ? null : language.toString();
  }

  /**
   * Kana and width sensitivity ({@code _KS}, {@code _WS}) are tertiary differences to ICU, which a
   * nondeterministic collation below the tertiary level ignores; a deterministic target keeps them.
   */
  private static List<String> lost(String[] parts, int from, Comparison comparison) {
    if (comparison.icuLocale == null) {
      return List.of();
    }
    List<String> lost = new java.util.ArrayList<>();
    for (int i = from; i < parts.length; i++) {
      if (parts[i].equals("ks")) {
        lost.add("kana");
      } else if (parts[i].equals("ws")) {
        lost.add("width");
      }
    }
    return List.copyOf(lost);
  }
}
