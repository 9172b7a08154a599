package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Secret;
import io.ferry.protocol.spec.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

  @Test
  void resolvesEnvironmentAndFileReferences(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
    assertThat(Secret.resolve("${env:DB_PW}", Map.of("DB_PW", "from-env"))).isEqualTo("from-env");
    assertThat(Secret.resolve("${file:" + file + "}", Map.of())).isEqualTo("from-file");
    assertThat(Secret.resolve("literal", Map.of())).isEqualTo("literal");
    assertThat(Secret.resolve(null, Map.of())).isNull();
  }

  @Test
  void namesAMissingReferenceButNeverItsValue() {
    assertThatThrownBy(() -> Secret.resolve("${env:NOPE}", Map.of())).hasMessageContaining("NOPE");
    assertThatThrownBy(() -> Secret.resolve("${file:/no/such/file}", Map.of())).hasMessageContaining("/no/such/file");
  }

  @Test
  void saysWhyAPasswordFileCannotBeReadInPlainWords(@TempDir Path dir) {
    assertThatThrownBy(() -> Secret.resolve("${file:/no/such/file}", Map.of()))
        .hasMessage("password file /no/such/file does not exist on this machine");
    assertThatThrownBy(() -> Secret.resolve("${file:" + dir + "}", Map.of()))
        .hasMessage("password file " + dir + " is a directory");
  }

  @Test
  void redactsLiteralsAndKeepsReferences() {
    assertThat(Secret.redact("hunter2")).isEqualTo(Secret.REDACTED);
    assertThat(Secret.redact("${env:PW}")).isEqualTo("${env:PW}");
    assertThat(Secret.redact(null)).isNull();
  }

  @Test
  void aSpecWithoutSecretsHoldsNoLiteralPassword() {
    JobSpec spec = SpecReader.read("""
        name: x
        source: { engine: postgresql, tenants: [ { id: a, url: u, user: u, password: hunter2 }, { id: b, url: u, user: u, password: "${env:B}" } ] }
        target: { engine: postgresql, url: u, user: u, password: s3cret }
        mode: create
        """, true).spec();
    String json = Json.encode(spec.withoutSecrets());
    assertThat(json).doesNotContain("hunter2").doesNotContain("s3cret").contains("${env:B}").contains(Secret.REDACTED);
  }
}
