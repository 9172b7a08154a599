package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.worker.dialect.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlServerRecordedForeignKeyTest {

  @Test
  void readsTheColumnsAndTheReferencedTableBackFromARecordedDefinition() {
    SqlServerRecordedForeignKey key = SqlServerRecordedForeignKey.parse(
        "FOREIGN KEY ([district], [manager]]id]) REFERENCES [hr REFERENCES].[staff] ([district], [id])"
            + " ON DELETE NO ACTION ON UPDATE CASCADE");
    assertThat(key).isEqualTo(new SqlServerRecordedForeignKey(List.of("district", "manager]id"),
        new TableName("hr REFERENCES", "staff"), List.of("district", "id")));
  }

  @Test
  void aDefinitionOfAnotherFormIsNotRead() {
    assertThat(SqlServerRecordedForeignKey.parse("CHECK ([n] > 0)")).isNull();
    assertThat(SqlServerRecordedForeignKey.parse("FOREIGN KEY ([a], [b]) REFERENCES [s].[t] ([x])")).isNull();
  }
}
