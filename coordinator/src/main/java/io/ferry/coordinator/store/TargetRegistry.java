package io.ferry.coordinator.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ferry.protocol.Json;
import io.ferry.protocol.spec.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which target database holds each job's record, so that a coordinator restarted after the whole
 * cluster went down knows where to look. Persisted as {@code targets.json} in the state directory.
 *
 * <p>The file holds password <em>references</em> ({@code ${env:…}}, {@code ${file:…}}) only, never a
 * secret. A literal password is kept in this process's memory: after a restart such a job's target
 * cannot be reached (its record is not loaded) until the job is resubmitted. Use references for jobs
 * that must survive a coordinator restart.
 *
 * <p>Read from Hazelcast partition threads (map store) and written from blocking threads: the map is
 * concurrent and file writes are serialized.
 */
public final class TargetRegistry {

  public static final String FILE_NAME = "targets.json";
  private static final Logger LOG = LoggerFactory.getLogger(TargetRegistry.class);

  /**
   * One entry of {@code targets.json}. {@code literalPassword}: the password was not written down. An
   * entry without an engine is a PostgreSQL target (see {@link Target}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(String engine, String url, String user, String password, boolean literalPassword) {
  }

  record FileBody(Map<String, Entry> jobs) {
  }

  private final Path file;
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  /** Jobs whose literal password was lost in a restart: known, but unreachable. */
  private final Map<String, Target> unreachable = new ConcurrentHashMap<>();

  private TargetRegistry(Path file) {
    this.file = file;
  }

  public static TargetRegistry load(Path stateDir) {
    TargetRegistry registry = new TargetRegistry(stateDir.resolve(FILE_NAME));
    if (!Files.exists(registry.file)) {
      return registry;
    }
    try {
      FileBody body = Json.decode(Files.readString(registry.file), FileBody.class);
      if (body.jobs() != null) {
        body.jobs().forEach((jobId, e) -> {
          Target target = new Target(e.engine(), e.url(), e.user(), e.password());
          if (e.literalPassword()) {
            LOG.warn("job {}: its target password was written literally in the spec and is lost after a coordinator"
                + " restart: the job cannot reach its target until it is resubmitted (use ${env:…} or ${file:…})", jobId);
            registry.unreachable.put(jobId, target);
          } else {
            registry.targets.put(jobId, target);
          }
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the target registry " + registry.file, e);
    }
    return registry;
  }

  public Target target(String jobId) {
    return targets.get(jobId);
  }

  /** Every reachable job, grouped by target connection. */
  public Map<Target, List<String>> jobsByTarget() {
    Map<String, Target> byKey = new TreeMap<>();
    Map<String, java.util.ArrayList<String>> jobs = new TreeMap<>();
    targets.forEach((jobId, t) -> {
      byKey.putIfAbsent(t.connectionKey(), t);
      jobs.computeIfAbsent(t.connectionKey(), k -> new java.util.ArrayList<>()).add(jobId);
    });
    Map<Target, List<String>> result = new java.util.LinkedHashMap<>();
    byKey.forEach((key, t) -> result.put(t, List.copyOf(jobs.get(key))));
    return result;
  }

  public synchronized void put(String jobId, Target target) {
    targets.put(jobId, target);
    write();
  }

  public synchronized void remove(String jobId) {
    targets.remove(jobId);
    unreachable.remove(jobId);
    write();
  }

  private void write() {
    Map<String, Entry> entries = new TreeMap<>();
    unreachable.forEach((id, t) -> entries.put(id, new Entry(t.engine(), t.url(), t.user(), null, true)));
    targets.forEach((id, t) -> {
      boolean literal = t.password() != null && !Secret.isReference(t.password());
      entries.put(id, new Entry(t.engine(), t.url(), t.user(), literal ? null : t.password(), literal));
    });
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
      Files.writeString(tmp, Json.encode(new FileBody(entries)));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the target registry " + file, e);
    }
  }
}
