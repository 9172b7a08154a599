package io.ferry.worker.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.KeyText;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The canonical text of a key value per collation rule, and the UUIDs it gives. */
class KeyCanonTest {

  @ParameterizedTest(name = "{1}: [{0}] -> [{2}]")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      "ABC  "       | exact | "ABC  "
      "ABC  "       | cs_as | ABC
      " a b "       | cs_as | " a b"
      "a\t"         | cs_as | "a\t"
      "ABC  "       | ci_as | abc
      "Déjà Vu "    | ci_as | déjà vu
      "DÉJÀ"        | ci_as | déjà
      ΣΟΦΊΑ         | ci_as | σοφία
      σοφίας        | ci_as | σοφίασ
      МОСКВА        | ci_as | москва
      "Émile "      | cs_ai | Emile
      Ångström      | cs_ai | Angstrom
      "ÉMILE "      | ci_ai | emile
      Straße        | ci_ai | straße
      İıI           | ci_as | İıi
      İ             | ci_ai | i
      """)
  void foldsAsTheRuleSays(String value, String rule, String canonical) {
    assertThat(KeyCanon.canonical(value.replace("\\t", "\t"), KeyText.fromWire(rule)))
        .isEqualTo(canonical.replace("\\t", "\t"));
  }

  @Test
  void decomposedAccentsAreStrippedAndRecomposedOnesStayWhereAccentsCount() {
    assertThat(KeyCanon.canonical("E\u0301mile", KeyText.CS_AI)).isEqualTo("Emile");
    assertThat(KeyCanon.canonical("E\u0301MILE", KeyText.CI_AS)).isEqualTo("e\u0301mile");
    // Above the folded range (fullwidth, Deseret) nothing changes, surrogate pairs stay whole.
    assertThat(KeyCanon.canonical("ＡＢ\uD801\uDC00", KeyText.CI_AI)).isEqualTo("ＡＢ\uD801\uDC00");
    assertThat(KeyCanon.canonical("   ", KeyText.CI_AS)).isEmpty();
  }

  @Test
  void theFoldTableIsOneToOneAndLeavesTheMarksAlone() {
    assertThat(KeyCanon.foldFrom()).hasSameSizeAs(KeyCanon.foldTo()).contains("A", "Σ", "ς", "Я")
        .doesNotContain("a", "\u0345");
    assertThat(KeyCanon.foldFrom().chars().distinct().count()).isEqualTo(KeyCanon.foldFrom().length());
    assertThat(KeyCanon.marks()).hasSize(0x70).startsWith("\u0300").endsWith("\u036f");
  }

  /**
   * The fold is part of the stable UUID definition: a JDK whose Unicode data changed a case mapping below
   * U+0530 would change UUIDs, and fails here first.
   */
  @Test
  void theFoldTableIsPinned() throws Exception {
    byte[] table = (KeyCanon.foldFrom() + "\u0000" + KeyCanon.foldTo())
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(KeyCanon.foldFrom()).hasSize(438);
    assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(table)))
        .isEqualTo("69b01c7f496df8ffc1cffc1b25c1c8bab0a10563af6a0098fa4a7dd45928a21d");
  }

  @Test
  void theDigestTakesAsciiAndOtherTextAlikeAfterTheRule() {
    for (KeyText rule : KeyText.values()) {
      for (String v : List.of("Abc  ", "abc", "Déjà  ", "ΣΟΦΊΑ", "", "  ")) {
        assertThat(FerryUuid.of("d1", "dbo.t", List.of(v, "7"), List.of(rule, KeyText.EXACT))).as(rule + " " + v)
            .isEqualTo(FerryUuid.of("d1", "dbo.t", List.of(KeyCanon.canonical(v, rule), "7")));
      }
    }
  }

  /** Keys of case-sensitive (or binary) collations without trailing spaces keep the UUIDs they always had. */
  @Test
  void caseSensitiveKeysWithoutTrailingSpacesKeepTheirUuids() {
    UUID before = FerryUuid.of("district_1", "dbo.codes", List.of("ABC"));
    assertThat(FerryUuid.of("district_1", "dbo.codes", List.of("ABC"), List.of(KeyText.CS_AS))).isEqualTo(before);
    assertThat(FerryUuid.of("district_1", "dbo.codes", List.of("ABC  "), List.of(KeyText.CS_AS))).isEqualTo(before);
    assertThat(FerryUuid.of("district_1", "dbo.codes", List.of("abc "), List.of(KeyText.CI_AS)))
        .isEqualTo(FerryUuid.of("district_1", "dbo.codes", List.of("ABC"), List.of(KeyText.CI_AS)))
        .isEqualTo(FerryUuid.of("district_1", "dbo.codes", List.of("abc")));
  }
}
