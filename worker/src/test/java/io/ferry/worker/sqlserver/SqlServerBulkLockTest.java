package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Mode;
import org.junit.jupiter.api.Test;

/** When a unit's bulk loads lock the table, and the catalog query that decides it. */
class SqlServerBulkLockTest {

  @Test
  void aHeapWithoutIndexesIsLockedInTheModesThatFillTheTable() {
    for (Mode mode : new Mode[] {Mode.CREATE, Mode.DROP_RECREATE, Mode.TRUNCATE}) {
      assertThat(SqlServerBulkLock.tableLock(mode, 0)).as(mode.name()).isTrue();
      assertThat(SqlServerBulkLock.tableLock(mode, 1)).as(mode.name() + " with an index").isFalse();
      assertThat(SqlServerBulkLock.tableLock(mode, 3)).as(mode.name() + " with indexes").isFalse();
    }
  }

  @Test
  void theModesThatKeepRowsNeverLock() {
    for (Mode mode : new Mode[] {Mode.APPEND, Mode.PRESERVE_SCHEMA, Mode.UPSERT}) {
      assertThat(SqlServerBulkLock.tableLock(mode, 0)).as(mode.name()).isFalse();
    }
  }

  @Test
  void everyRealIndexCountsTheHeapRowDoesNot() {
    // index_id 0 is the heap itself; 1 a clustered index (rowstore or columnstore); above, the others.
    assertThat(SqlServerBulkLock.INDEXES)
        .isEqualTo("SELECT COUNT(*) FROM sys.indexes WHERE object_id = OBJECT_ID(?) AND index_id > 0 AND is_hypothetical = 0");
  }
}
