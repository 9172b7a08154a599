package io.ferry.deploy.it;

import io.ferry.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server a test may restart: embedded, on a port of its own, its data directory kept
 * across a {@link #stop()} and {@link #start()} (a start on an existing data directory skips initdb), and
 * deleted by {@link #close()}. The shared server of {@link TestPostgres} is never restarted.
 */
final class RestartablePostgres implements AutoCloseable {

  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres server;

  RestartablePostgres(Path dataDirectory) throws IOException {
    this.dataDirectory = Files.createDirectories(dataDirectory);
    try (ServerSocket free = new ServerSocket(0)) {
      this.port = free.getLocalPort();
    }
    start();
  }

  /** A client of this server, as the postgres superuser (trust authentication). */
  TestPostgres client() {
    return new TestPostgres("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  int port() {
    return port;
  }

  /** Starts the server on its port and data directory and waits until it accepts connections. */
  void start() throws IOException {
    if (server == null) {
      server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false)
          .setPort(port).start();
    }
  }

  /** A fast shutdown ({@code pg_ctl stop -m fast}): every session ends, and connections are refused until {@link #start()}. */
  void stop() throws IOException {
    if (server != null) {
      EmbeddedPostgres stopping = server;
      server = null;
      stopping.close();
    }
  }

  @Override
  public void close() throws IOException {
    stop();
    try (Stream<Path> files = Files.walk(dataDirectory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
