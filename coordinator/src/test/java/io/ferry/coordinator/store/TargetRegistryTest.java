package io.ferry.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** targets.json keeps each job's target engine, and reads the file an older coordinator wrote. */
class TargetRegistryTest {

  @TempDir
  Path stateDir;

  @Test
  void anEntryWrittenWithoutAnEngineIsAPostgresqlTarget() throws Exception {
    Files.writeString(stateDir.resolve(TargetRegistry.FILE_NAME), """
        {"jobs":{"old-job":{"url":"jdbc:postgresql://h/db","user":"u","password":"${env:PW}","literalPassword":false}}}""");
    Target target = TargetRegistry.load(stateDir).target("old-job");
    assertThat(target).isEqualTo(new Target("postgresql", "jdbc:postgresql://h/db", "u", "${env:PW}"));
  }

  @Test
  void aSqlServerTargetIsLoadedBackAsOne() {
    Target target = new Target("sqlserver", "jdbc:sqlserver://h:1433;databaseName=d", "u", "${file:/run/pw}");
    TargetRegistry.load(stateDir).put("job", target);
    assertThat(TargetRegistry.load(stateDir).target("job")).isEqualTo(target);
  }
}
