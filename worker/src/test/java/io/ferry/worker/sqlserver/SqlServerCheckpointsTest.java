package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The T-SQL of the SQL Server checkpoint store, as far as it can be judged without a server. */
class SqlServerCheckpointsTest {

  private static final List<String> BATCHES = List.of(SqlServerCheckpointSql.WRITE, SqlServerCheckpointSql.WRITE_AND_COMMIT,
      SqlServerCheckpointSql.TAKE_OVER, SqlServerCheckpointSql.TAKE_OVER_AND_COMMIT, SqlServerCheckpointSql.RESET,
      SqlServerCheckpointSql.REJECT);

  @Test
  void eachBatchTakesTheParametersItsCallerBinds() {
    assertThat(parameters(SqlServerCheckpointSql.READ)).isEqualTo(2);
    assertThat(parameters(SqlServerCheckpointSql.WRITE)).isEqualTo(9);
    assertThat(parameters(SqlServerCheckpointSql.WRITE_AND_COMMIT)).isEqualTo(9);
    assertThat(parameters(SqlServerCheckpointSql.TAKE_OVER)).isEqualTo(3);
    assertThat(parameters(SqlServerCheckpointSql.TAKE_OVER_AND_COMMIT)).isEqualTo(3);
    assertThat(parameters(SqlServerCheckpointSql.RESET)).isEqualTo(3);
    assertThat(parameters(SqlServerCheckpointSql.REJECT)).isEqualTo(10);
  }

  /** Without the hints, two sessions could both find no row and both insert, or change a row in between. */
  @Test
  void everyReadBeforeAWriteLocksTheRowOrTheRangeWhereItWouldBe() {
    Pattern access = Pattern.compile("(UPDATE|FROM) ferry\\.(checkpoints|rejects)( WITH \\(UPDLOCK, HOLDLOCK\\))?");
    for (String batch : BATCHES) {
      Matcher m = access.matcher(batch);
      int found = 0;
      while (m.find()) {
        boolean finalRead = m.group(1).equals("FROM") && batch.startsWith("SELECT", lineStart(batch, m.start()));
        boolean delete = batch.startsWith("DELETE", lineStart(batch, m.start()));
        if (!finalRead && !delete) {
          assertThat(m.group(3)).as("%s in%n%s", m.group(), batch).isNotNull();
        }
        found++;
      }
      assertThat(found).as(batch).isPositive();
    }
  }

  /** The connection is in implicit-transaction mode: an explicit BEGIN TRANSACTION would nest a second level. */
  @Test
  void noBatchOpensATransactionExplicitly() {
    for (String batch : BATCHES) {
      assertThat(batch).doesNotContainPattern("BEGIN\\s+TRAN");
    }
  }

  @Test
  void aChunkWriteAcceptsItsOwnEpochAndATakeOverOnlyANewerOne() {
    assertThat(SqlServerCheckpointSql.WRITE).contains("AND epoch <= @epoch");
    assertThat(SqlServerCheckpointSql.TAKE_OVER).contains("AND epoch < @epoch");
    assertThat(SqlServerCheckpointSql.RESET).contains("CASE WHEN epoch > @epoch THEN epoch ELSE @epoch END");
  }

  @Test
  void aChunkCommitsOnlyWhenItsCheckpointWasWrittenAndATakeOverCommitsAfterReadingTheProgress() {
    String batch = SqlServerCheckpointSql.WRITE_AND_COMMIT;
    String commit = batch.substring(batch.indexOf("SET @n = @@ROWCOUNT;\nEND;"));
    assertThat(commit).containsSubsequence("IF @n = 1", "COMMIT TRANSACTION", "ELSE", "ROLLBACK TRANSACTION", "SELECT @n");
    assertThat(SqlServerCheckpointSql.TAKE_OVER_AND_COMMIT)
        .containsSubsequence("UPDATE", "INSERT", "SELECT epoch", "COMMIT TRANSACTION");
  }

  /** The lock first, in a transaction a SELECT from a table opened; then each object only when it is missing. */
  @Test
  void theSchemaIsCreatedUnderALockAndOnlyWhereMissing() {
    List<String> create = SqlServerCheckpointSchema.CREATE;
    assertThat(create.getFirst()).containsSubsequence("SELECT @lock = COUNT(*) FROM sys.schemas", "sp_getapplock",
        "@LockOwner = N'Transaction'", "IF @lock < 0", "THROW");
    assertThat(create.get(1)).isEqualTo("IF SCHEMA_ID(N'ferry') IS NULL EXEC(N'CREATE SCHEMA ferry')");
    assertThat(create.get(2)).startsWith("IF OBJECT_ID(N'ferry.checkpoints', N'U') IS NULL\n  CREATE TABLE ferry.checkpoints (");
    assertThat(create.get(3)).startsWith("IF OBJECT_ID(N'ferry.rejects', N'U') IS NULL\n  CREATE TABLE ferry.rejects (");
  }

  /** nvarchar takes two bytes a character; a clustered key may have 900 bytes, a nonclustered one 1,700. */
  @Test
  void theIdsFitAnIndexKey() {
    int ids = 2 * (SqlServerCheckpointSchema.JOB_ID_LENGTH + SqlServerCheckpointSchema.UNIT_ID_LENGTH);
    assertThat(ids).isLessThanOrEqualTo(900);
    assertThat(ids + 32).isLessThanOrEqualTo(1700);
    assertThat(SqlServerCheckpointSchema.CREATE.get(2)).contains("PRIMARY KEY CLUSTERED (job_id, unit_id)");
    assertThat(SqlServerCheckpointSchema.CREATE.get(3)).contains("PRIMARY KEY NONCLUSTERED (job_id, unit_id, row_key_hash)");
  }

  /** A DECLAREd variable would cut a longer value short without a word. */
  @Test
  void anIdLongerThanItsColumnIsRefusedByName() {
    assertThat(SqlServerCheckpoints.fitting("unit id", "u".repeat(350), 350)).hasSize(350);
    assertThat(SqlServerCheckpoints.fitting("tenant id", null, 128)).isNull();
    assertThatThrownBy(() -> SqlServerCheckpoints.fitting("unit id", "u".repeat(351), 350))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unit id longer than the 350 characters");
  }

  private static long parameters(String sql) {
    return sql.chars().filter(ch -> ch == '?').count();
  }

  private static int lineStart(String text, int at) {
    int i = at;
    while (i > 0 && text.charAt(i - 1) != '\n') {
      i--;
    }
    while (i < at && text.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}
