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
  void aTrainingRunRecordsAConfigurationThatInstallTurnsIntoTheCache() throws Exception {
    AotCache cache = new AotCache(dir);
    Path jar = Files.writeString(dir.resolve("ferry.jar"), "not a jar");
    if (AotCache.supported()) {
      assertThat(cache.trainFlags("coordinator")).contains("-XX:AOTMode=record",
          "-XX:AOTConfiguration=" + dir.resolve("ferry-coordinator.aotconf"));
    } else {
      assertThat(cache.trainFlags("coordinator")).isEmpty();
    }
    assertThat(cache.install(jar)).as("no training run recorded anything").isEmpty();
    // A configuration the JVM cannot read (as after a training run killed while writing it) builds nothing
    // and is cleared away; the cache in use stays.
    Files.writeString(cache.file("coordinator"), "old");
    Files.writeString(dir.resolve("ferry-coordinator.aotconf"), "garbage");
    assertThat(cache.install(jar)).isEmpty();
    assertThat(dir.resolve("ferry-coordinator.aotconf")).doesNotExist();
    assertThat(Files.readString(cache.file("coordinator"))).isEqualTo("old");
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
