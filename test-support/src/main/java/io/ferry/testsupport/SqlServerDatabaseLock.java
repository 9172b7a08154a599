package io.ferry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The machine-wide turn for creating and dropping SQL Server test databases: Babelfish can fail a
 * {@code CREATE DATABASE} or {@code DROP DATABASE} that runs beside another, and the build runs the test
 * JVMs of several modules at once (a file lock between JVMs, a monitor between a JVM's threads).
 */
public final class SqlServerDatabaseLock {

  /** What runs holding the lock: SQL, or a process that creates databases. */
  @FunctionalInterface
  public interface Work<E extends Exception> {
    void run() throws E;
  }

  private SqlServerDatabaseLock() {
  }

  /** Runs {@code work} once no other test JVM of the machine creates or drops a SQL Server database. */
  public static <E extends Exception> void run(Work<E> work) throws E {
    synchronized (SqlServerDatabaseLock.class) {
      FileChannel channel = lockedChannel();
      try {
        work.run();
      } finally {
        // Closing the channel releases its lock.
        try {
          channel.close();
        } catch (IOException e) {
          throw new UncheckedIOException("could not release the test databases' lock file", e);
        }
      }
    }
  }

  private static FileChannel lockedChannel() {
    try {
      FileChannel channel = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "ferry-test-mssql-databases.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        channel.lock();
        return channel;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not lock the test databases' lock file", e);
    }
  }
}
