package io.ferry.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code deploy/bin/ferry} run against a stand-in {@code java} that reports a JDK version and prints the
 * arguments it was started with: each role must get {@link JvmFlags}' flags for that JDK, and a JDK older
 * than 25 no flag it lacks. The flags themselves are checked on the JVM running this test.
 */
class LauncherTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(ints = {21, 24, 25})
  void eachRoleGetsTheFlagsOfTheJdkItRunsOn(int jdk) throws Exception {
    for (String role : List.of("coordinator", "worker", "status")) {
      List<String> expected = new ArrayList<>(JvmFlags.of(role, jdk));
      expected.addAll(List.of("-Xmx300m", "-jar", jar().toString(), role, "--help"));
      assertThat(launch(jdk, Map.of("FERRY_AOT", "off", "FERRY_JAVA_OPTS", "-Xmx300m"), role, "--help"))
          .as("%s on JDK %d", role, jdk).isEqualTo(expected);
    }
  }

  @Test
  void jdk21GetsOnlyFlagsHotSpotHasHadForYears() {
    assertThat(JvmFlags.of("coordinator", 21)).containsExactly("-XX:TieredStopAtLevel=1");
    assertThat(JvmFlags.of("worker", 21)).containsExactly("-XX:+UseSerialGC");
    assertThat(JvmFlags.of("status", 21)).isEmpty();
    assertThat(JvmFlags.of("worker", 25)).containsExactly("--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC");
  }

  @Test
  void theRolesAheadOfTimeCacheIsAddedOnJdk25AndNeverBefore() throws Exception {
    Files.writeString(dir.resolve("ferry-worker.aot"), "cache");
    Files.setLastModifiedTime(jar(), FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    String cache = "-XX:AOTCache=" + dir.resolve("ferry-worker.aot");
    assertThat(launch(25, Map.of(), "worker")).contains(cache).containsSubsequence("-XX:+UseSerialGC", cache, "-jar");
    assertThat(launch(21, Map.of(), "worker")).doesNotContain(cache).noneMatch(arg -> arg.startsWith("-XX:AOT"));
    assertThat(launch(25, Map.of("FERRY_AOT", "off"), "worker")).doesNotContain(cache);
  }

  @Test
  void aTrainingRunRecordsWithTheRolesOwnFlags() throws Exception {
    assertThat(launch(25, Map.of("FERRY_AOT", "train"), "coordinator"))
        .containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:AOTMode=record", "-jar");
    assertThat(launch(21, Map.of("FERRY_AOT", "train"), "coordinator")).noneMatch(arg -> arg.startsWith("-XX:AOT"));
  }

  @Test
  void theFlagsAreOnesThisJvmAccepts() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    for (String role : List.of("coordinator", "worker")) {
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(JvmFlags.of(role));
      command.add("-version");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as("%s: %s", role, output).isZero();
      assertThat(output).as(role).doesNotContainIgnoringCase("warning");
    }
  }

  private Path jar() throws IOException {
    Path jar = dir.resolve("ferry.jar");
    return Files.exists(jar) ? jar : Files.writeString(jar, "not a jar");
  }

  /** The arguments the launcher starts {@code java} with, one per line of the stand-in's output. */
  private List<String> launch(int jdk, Map<String, String> environment, String... args) throws Exception {
    Path home = dir.resolve("jdk-" + jdk);
    Path java = home.resolve("bin/java");
    if (!Files.exists(java)) {
      Files.createDirectories(java.getParent());
      Files.writeString(java, """
          #!/bin/sh
          for a in "$@"; do
            [ "$a" = -XshowSettings:properties ] && { echo "    java.specification.version = %d"; exit 0; }
          done
          printf '%%s\\n' "$@"
          """.formatted(jdk));
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    List<String> command = new ArrayList<>(List.of("bash", Path.of("bin/ferry").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(name -> name.startsWith("FERRY_"));
    builder.environment().putAll(Map.of("JAVA_HOME", home.toString(), "FERRY_JAR", jar().toString(),
        "FERRY_AOT_DIR", dir.toString()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return output.lines().toList();
  }
}
