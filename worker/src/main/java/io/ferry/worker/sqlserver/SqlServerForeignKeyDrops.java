package io.ferry.worker.sqlserver;

import io.ferry.protocol.CheckpointSchema;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The only way Ferry drops a foreign key on a SQL Server target: its definition is recorded in
 * {@code ferry.dropped_constraints} in the transaction that drops it, and the job's last finish
 * ({@link CheckpointSchema#JOB_FINISH_UNIT}), which adds back what is recorded, is marked to run again. The
 * definition is written with every name quoted and qualified, so it means the same in any session.
 *
 * <p>A definition's column lists are built one column at a time, in key order: {@code STRING_AGG … WITHIN
 * GROUP} needs SQL Server 2017 and compatibility level 110, {@code FOR XML PATH} the XML {@code value()}
 * method Babelfish lacks, and the batch is written before any connection tells which server runs it.
 *
 * <p>The drop is one T-SQL batch, so that a prepare statement (a string run by a statement unit) and a
 * rollback unit share it; a prepare names its job and unit in the session context ({@link #SESSION_JOB}),
 * set by {@code nameUnit}.
 */
final class SqlServerForeignKeyDrops {

  /** SQL Server's error number for a statement that conflicts with a constraint, and the SQLSTATE it is reported as. */
  private static final int CONSTRAINT_CONFLICT = 547;
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  static final String JOB_KEY = "ferry.job_id";
  static final String UNIT_KEY = "ferry.unit_id";
  static final String SESSION_JOB = "CONVERT(nvarchar(400), SESSION_CONTEXT(N'" + JOB_KEY + "'))";
  static final String SESSION_UNIT = "CONVERT(nvarchar(400), SESSION_CONTEXT(N'" + UNIT_KEY + "'))";

  /** Created on first use, under an application lock: two processes may get there at once. */
  private static final String RECORD_TABLE = """
      IF OBJECT_ID(N'ferry.dropped_constraints', N'U') IS NULL BEGIN
        EXEC sp_getapplock @Resource = N'ferry.dropped_constraints', @LockMode = N'Exclusive', @LockOwner = N'Transaction';
        IF SCHEMA_ID(N'ferry') IS NULL EXEC(N'CREATE SCHEMA ferry');
        IF OBJECT_ID(N'ferry.dropped_constraints', N'U') IS NULL
          CREATE TABLE ferry.dropped_constraints (
            job_id nvarchar(400) NOT NULL, table_schema nvarchar(128) NOT NULL, table_name nvarchar(128) NOT NULL,
            constraint_name nvarchar(128) NOT NULL, definition nvarchar(max) NOT NULL, dropped_by nvarchar(400) NOT NULL,
            dropped_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(),
            PRIMARY KEY (job_id, table_schema, table_name, constraint_name));
      END;
      """;

  private SqlServerForeignKeyDrops() {
  }

  /**
   * A batch that drops, recording each, the foreign keys of {@code tables} that reference {@code referenced}
   * (a table's references to itself too), and selects how many it dropped.
   *
   * @param job  T-SQL expression of the job id
   * @param unit T-SQL expression of the unit id
   */
  static String dropSql(List<TableName> tables, List<TableName> referenced, String job, String unit) {
    return RECORD_TABLE + """
        DECLARE @job nvarchar(400) = %s, @unit nvarchar(400) = %s;
        DECLARE @fk TABLE (n int IDENTITY(1,1), id int, s sysname, t sysname, c sysname, rs sysname, rt sysname,
          del nvarchar(60), upd nvarchar(60), def nvarchar(max));
        INSERT INTO @fk (id, s, t, c, rs, rt, del, upd)
        SELECT fk.object_id, ps.name, pt.name, fk.name, rs.name, rt.name, fk.delete_referential_action_desc,
            fk.update_referential_action_desc
        FROM sys.foreign_keys fk
        JOIN sys.tables pt ON pt.object_id = fk.parent_object_id JOIN sys.schemas ps ON ps.schema_id = pt.schema_id
        JOIN sys.tables rt ON rt.object_id = fk.referenced_object_id JOIN sys.schemas rs ON rs.schema_id = rt.schema_id
        WHERE fk.parent_object_id IN (%s) AND fk.referenced_object_id IN (%s)
        ORDER BY fk.name;
        DECLARE @i int = 1, @count int = (SELECT COUNT(*) FROM @fk), @sql nvarchar(max), @k int, @cols nvarchar(max),
          @refs nvarchar(max);
        IF @count > 0 AND @job IS NULL THROW 50000, N'a foreign key drop names no job (nameUnit was not called)', 1;
        WHILE @i <= @count BEGIN
          SELECT @k = 1, @cols = NULL, @refs = NULL;
          WHILE EXISTS (SELECT 1 FROM @fk f JOIN sys.foreign_key_columns k ON k.constraint_object_id = f.id
              WHERE f.n = @i AND k.constraint_column_id = @k) BEGIN
            SELECT @cols = COALESCE(@cols + N', ', N'') + QUOTENAME(COL_NAME(k.parent_object_id, k.parent_column_id)),
                @refs = COALESCE(@refs + N', ', N'') + QUOTENAME(COL_NAME(k.referenced_object_id, k.referenced_column_id))
              FROM @fk f JOIN sys.foreign_key_columns k ON k.constraint_object_id = f.id
              WHERE f.n = @i AND k.constraint_column_id = @k;
            SET @k = @k + 1;
          END;
          UPDATE @fk SET def = N'FOREIGN KEY (' + @cols + N') REFERENCES ' + QUOTENAME(rs) + N'.' + QUOTENAME(rt) + N' ('
            + @refs + N') ON DELETE ' + REPLACE(del, N'_', N' ') + N' ON UPDATE ' + REPLACE(upd, N'_', N' ') WHERE n = @i;
          INSERT INTO ferry.dropped_constraints (job_id, table_schema, table_name, constraint_name, definition, dropped_by)
            SELECT @job, f.s, f.t, f.c, f.def, @unit FROM @fk f WHERE f.n = @i AND NOT EXISTS (SELECT 1 FROM ferry.dropped_constraints d
              WHERE d.job_id = @job AND d.table_schema = f.s AND d.table_name = f.t AND d.constraint_name = f.c);
          SELECT @sql = N'ALTER TABLE ' + QUOTENAME(s) + N'.' + QUOTENAME(t) + N' DROP CONSTRAINT ' + QUOTENAME(c) FROM @fk WHERE n = @i;
          EXEC sp_executesql @sql;
          SET @i = @i + 1;
        END;
        IF @count > 0 AND OBJECT_ID(N'ferry.checkpoints', N'U') IS NOT NULL
          UPDATE ferry.checkpoints SET done = 0 WHERE job_id = @job AND unit_id = N'%s' AND done = 1;
        SELECT @count;"""
        .formatted(job, unit, objectIds(tables), objectIds(referenced), CheckpointSchema.JOB_FINISH_UNIT);
  }

  /** Runs {@link #dropSql} for the foreign keys among {@code tables}, in the connection's transaction. */
  static int dropAmong(Connection target, List<TableName> tables, String jobId, String unitId) throws SQLException {
    if (tables.isEmpty()) {
      return 0;
    }
    String sql = dropSql(tables, tables, "?", "?");
    try (PreparedStatement ps = target.prepareStatement(sql)) {
      ps.setNString(1, jobId);
      ps.setNString(2, unitId);
      return singleCount(ps, ps.execute());
    }
  }

  /**
   * Adds back every constraint recorded for the job whose name its table lacks, and clears the record, in
   * the connection's transaction. A table that is gone makes the statement fail.
   */
  static int restore(Connection target, String jobId) throws SQLException {
    try (Statement st = target.createStatement()) {
      st.execute(RECORD_TABLE);
    }
    List<String[]> recorded = new ArrayList<>();
    try (PreparedStatement ps = target.prepareStatement("SELECT table_schema, table_name, constraint_name, definition"
        + " FROM ferry.dropped_constraints WHERE job_id = ? ORDER BY table_schema, table_name, constraint_name")) {
      ps.setNString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          recorded.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        }
      }
    }
    int restored = 0;
    try (Statement st = target.createStatement()) {
      for (String[] c : recorded) {
        String constraint = SqlServerSql.ident(c[0]) + "." + SqlServerSql.ident(c[2]);
        boolean present;
        try (ResultSet rs = st.executeQuery("SELECT OBJECT_ID(" + SqlServerDdl.literal(constraint) + ")")) {
          present = rs.next() && rs.getObject(1) != null;
        }
        if (!present) {
          add(target, st, c);
          restored++;
        }
      }
    }
    try (PreparedStatement ps = target.prepareStatement("DELETE FROM ferry.dropped_constraints WHERE job_id = ?")) {
      ps.setNString(1, jobId);
      ps.executeUpdate();
    }
    return restored;
  }

  /**
   * Adds one recorded constraint back. A foreign key that rows written meanwhile violate fails naming the
   * key, its definition and such a row, as an integrity violation (23503), so the job fails saying why.
   */
  private static void add(Connection target, Statement st, String[] c) throws SQLException {
    try {
      st.execute("ALTER TABLE " + SqlServerSql.ident(c[0]) + "." + SqlServerSql.ident(c[1]) + " ADD CONSTRAINT "
          + SqlServerSql.ident(c[2]) + " " + c[3]);
    } catch (SQLException e) {
      if (e.getErrorCode() != CONSTRAINT_CONFLICT) {
        throw e;
      }
      SqlServerRecordedForeignKey key = SqlServerRecordedForeignKey.parse(c[3]);
      String row = null;
      try {
        row = key == null ? null : key.offendingRow(target, new TableName(c[0], c[1]));
      } catch (SQLException lookup) {
        e.addSuppressed(lookup); // the refusal is the error to report; the row would only have been its detail
      }
      throw new SQLException("cannot restore foreign key " + c[2] + " of " + c[0] + "." + c[1] + " (" + c[3]
          + "), dropped for the copy: " + e.getMessage() + " (" + (row == null ? "no detail" : "Key " + row
          + " is not present in " + key.referenced() + ")") + "; fix or delete those rows, then resume the job",
          FOREIGN_KEY_VIOLATION, CONSTRAINT_CONFLICT, e);
    }
  }

  private static String objectIds(List<TableName> tables) {
    return tables.stream().map(t -> "OBJECT_ID(" + SqlServerDdl.literal(SqlServerSql.table(t)) + ")")
        .collect(Collectors.joining(", "));
  }

  /** The count the batch selects last, past the update counts of its statements. */
  private static int singleCount(Statement st, boolean isResultSet) throws SQLException {
    for (boolean rs = isResultSet; ; rs = st.getMoreResults()) {
      if (rs) {
        try (ResultSet r = st.getResultSet()) {
          r.next();
          return r.getInt(1);
        }
      }
      if (st.getUpdateCount() == -1) {
        throw new SQLException("the foreign key drop returned no count");
      }
    }
  }
}
