package io.ferry.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCacheTest {

  @TempDir
  Path dir;

  @Test
  void aRolesCacheIsUsedOnlyWhereTheJvmSupportsItAndOneExists() throws Exception {
    AotCache cache = new AotCache(dir);
    assertThat(cache.useFlags("worker")).as("no cache yet").isEmpty();
    Files.writeString(cache.file("worker"), "cache");
    if (AotCache.supported()) {
      assertThat(cache.useFlags("worker")).contains("-XX:AOTCache=" + dir.resolve("ferry-worker.aot"), "-Xlog:aot=off");
    } else {
      assertThat(cache.useFlags("worker")).as("before JDK 25 no flag at all").isEmpty();
    }
    assertThat(cache.useFlags("coordinator")).as("each role its own cache").isEmpty();
  }

  @Test
  void aTrainingRunWritesBesideTheCacheInUseUntilInstalled() throws Exception {
    AotCache cache = new AotCache(dir);
    Files.writeString(cache.file("coordinator"), "old");
    if (AotCache.supported()) {
      assertThat(cache.trainFlags("coordinator")).contains("-XX:AOTCacheOutput=" + dir.resolve("ferry-coordinator.aot.training"));
    } else {
      assertThat(cache.trainFlags("coordinator")).isEmpty();
    }
    // What the JVM writes on its way out:
    Files.writeString(dir.resolve("ferry-coordinator.aot.training"), "new");
    assertThat(cache.install()).containsExactly("coordinator");
    assertThat(Files.readString(cache.file("coordinator"))).isEqualTo("new");
    assertThat(dir.resolve("ferry-coordinator.aot.training")).doesNotExist();
    assertThat(cache.install()).as("nothing left to install").isEmpty();
  }

  @Test
  void aCacheOlderThanTheJarIsNotCurrent() throws Exception {
    AotCache cache = new AotCache(dir);
    Path jar = Files.writeString(dir.resolve("ferry.jar"), "jar");
    Files.writeString(cache.file("worker"), "cache");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Files.setLastModifiedTime(cache.file("worker"), FileTime.from(Instant.parse("2026-01-02T00:00:00Z")));
    assertThat(cache.current("worker", jar)).isTrue();
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
    assertThat(cache.current("worker", jar)).as("the jar was rebuilt since").isFalse();
    assertThat(cache.current("coordinator", jar)).isFalse();
  }
}
