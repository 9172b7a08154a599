package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SqlServerTextRowTest {

  @Test
  void aLineIsTextCopyEscapedWithNullAsBackslashN() {
    assertThat(SqlServerTextRow.line("t-1", Arrays.asList("a\tb", null, "c\\d\r\n", "\\x0aff")))
        .isEqualTo("t-1\ta\\tb\t\\N\tc\\\\d\\r\\n\t\\\\x0aff\n");
    assertThat(SqlServerTextRow.line(null, Arrays.asList("1", "x"))).isEqualTo("1\tx\n");
  }
}
