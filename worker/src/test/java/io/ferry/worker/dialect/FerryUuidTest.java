package io.ferry.worker.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FerryUuidTest {

  /** RFC 9562's namespace for URLs and for DNS names (section 6.6). */
  private static final UUID NAMESPACE_URL = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  private static final UUID NAMESPACE_DNS = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

  @Test
  void computesRfc9562sVersion5Example() {
    // RFC 9562, appendix A.4: UUIDv5 of the DNS namespace and "www.example.com".
    assertThat(FerryUuid.v5(NAMESPACE_DNS, "www.example.com".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
  }

  @Test
  void namespaceIsTheVersion5UuidOfFerrysUrl() {
    assertThat(FerryUuid.v5(NAMESPACE_URL, "https://ferry.io/keys/uuid".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(FerryUuid.NAMESPACE);
  }

  @Test
  void matchesTheDocumentedVectors() {
    // Computed independently (Python: uuid.uuid5(namespace, "district_1\0dbo.schools\07")).
    assertThat(FerryUuid.of("district_1", "dbo.schools", List.of("7")))
        .isEqualTo(UUID.fromString("e1c0c456-12ae-56f7-80ac-09ed33c089bc"));
    assertThat(FerryUuid.of("district_2", "dbo.enrollments", List.of("-42", "Zoë")))
        .isEqualTo(UUID.fromString("9a346c52-5250-5418-86d5-6ce83b1ab47b"));
  }

  @Test
  void isVersion5OfTheRfcVariant() {
    UUID u = FerryUuid.of("t", "dbo.x", List.of("1"));
    assertThat(u.version()).isEqualTo(5);
    assertThat(u.variant()).isEqualTo(2);
  }

  @Test
  void aNumberHashesAsItsDecimalText() {
    FerryUuid f = new FerryUuid();
    for (long v : new long[] {0, 7, -42, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      f.start(FerryUuid.prefix("district_1", "dbo.schools"));
      f.key(v);
      f.key("x");
      assertThat(FerryUuid.uuid(f.finish())).as("key %d", v)
          .isEqualTo(FerryUuid.of("district_1", "dbo.schools", List.of(Long.toString(v), "x")));
    }
  }

  @Test
  void oneInstanceGivesTheSameUuidEveryTime() {
    FerryUuid f = new FerryUuid();
    UUID first = null;
    for (int i = 0; i < 3; i++) {
      f.start(FerryUuid.prefix("a", "dbo.t"));
      f.key("ü-非");
      UUID u = FerryUuid.uuid(f.finish());
      first = first == null ? u : first;
      assertThat(u).isEqualTo(first);
    }
    assertThat(first).isEqualTo(FerryUuid.of("a", "dbo.t", List.of("ü-非")));
  }

  @Test
  void tenantTableAndKeyAllTellRowsApart() {
    UUID base = FerryUuid.of("district_1", "dbo.schools", List.of("1"));
    assertThat(FerryUuid.of("district_2", "dbo.schools", List.of("1"))).isNotEqualTo(base);
    assertThat(FerryUuid.of("district_1", "dbo.students", List.of("1"))).isNotEqualTo(base);
    assertThat(FerryUuid.of("district_1", "dbo.schools", List.of("2"))).isNotEqualTo(base);
    // The separator keeps the parts apart: ("1", "23") is not ("12", "3").
    assertThat(FerryUuid.of("d", "dbo.t", List.of("1", "23"))).isNotEqualTo(FerryUuid.of("d", "dbo.t", List.of("12", "3")));
  }
}
