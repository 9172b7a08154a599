package io.ferry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void connectionResourceOperatorAndSerializationFailuresAreRetryable() {
    assertThat(Failures.retryable(new SQLException("refused", "08001"))).isTrue();
    assertThat(Failures.retryable(new SQLException("serialization", "40001"))).isTrue();
    assertThat(Failures.retryable(new SQLException("deadlock", "40P01"))).isTrue();
    assertThat(Failures.retryable(new SQLException("disk full", "53100"))).isTrue();
    assertThat(Failures.retryable(new SQLException("admin shutdown", "57P01"))).isTrue();
    assertThat(Failures.retryable(new SQLException("lock timeout", "55P03"))).isTrue();
    assertThat(Failures.retryable(new RuntimeException(new IOException("reset")))).isTrue();
  }

  @Test
  void dataAndSchemaErrorsAreNot() {
    assertThat(Failures.retryable(new SQLException("no relation", "42P01"))).isFalse();
    assertThat(Failures.retryable(new SQLException("bad value", "22P02"))).isFalse();
    assertThat(Failures.retryable(new SQLException("no state"))).isFalse();
    assertThat(Failures.retryable(new SQLException("object in use", "55006"))).isFalse();
    assertThat(Failures.retryable(new IllegalArgumentException("x"))).isFalse();
  }

  @Test
  void dataAndConstraintErrorsBlameTheRowsWhileConnectionAndSchemaErrorsDoNot() {
    assertThat(Failures.rowError(new SQLException("value too long for type character varying(5)", "22001"))).isTrue();
    assertThat(Failures.rowError(new SQLException("smallint out of range", "22003"))).isTrue();
    assertThat(Failures.rowError(new SQLException("violates check constraint", "23514"))).isTrue();
    assertThat(Failures.rowError(new SQLException("duplicate key", "23505"))).isTrue();
    assertThat(Failures.rowError(new SQLException("index row size exceeds maximum", "54000"))).isTrue();
    assertThat(Failures.rowError(new RuntimeException(new SQLException("null value in column", "23502")))).isTrue();
    assertThat(Failures.rowError(new SQLException("connection reset", "08006"))).isFalse();
    assertThat(Failures.rowError(new SQLException("admin shutdown", "57P01"))).isFalse();
    assertThat(Failures.rowError(new SQLException("too many columns", "54011"))).isFalse();
    assertThat(Failures.rowError(new SQLException("no relation", "42P01"))).isFalse();
    assertThat(Failures.rowError(new SQLException("no state"))).isFalse();
    assertThat(Failures.rowError(new IOException("reset"))).isFalse();
  }

  @Test
  void messagesAreOneLineWithoutPasswords() {
    String m = Failures.message(new SQLException("ERROR: bad\n  Detail: pw hunter22 in jdbc:postgresql://h/db?password=hunter22&ssl=true"),
        "hunter22");
    assertThat(m).doesNotContain("hunter22").doesNotContain("\n").contains("ssl=true").startsWith("ERROR: bad Detail:");
    assertThat(Failures.redactUrl("jdbc:postgresql://h/db?user=a&password=x1")).isEqualTo("jdbc:postgresql://h/db?user=a&password=********");
  }
}
