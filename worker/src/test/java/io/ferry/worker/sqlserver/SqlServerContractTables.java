package io.ferry.worker.sqlserver;

/**
 * The source contract's tables in T-SQL. Text keys are {@code nvarchar}, so the contract's unicode keys are
 * kept whole; the nullable unique key's text column is {@code varchar}, bound as {@code varchar}, in the
 * server's case-insensitive collation.
 */
final class SqlServerContractTables {

  private SqlServerContractTables() {
  }

  /** The {@code CREATE TABLE} of the contract's key shape of this name. */
  static String create(String shape) {
    return switch (shape) {
      case "INT" -> "CREATE TABLE int_key (id int PRIMARY KEY, v nvarchar(100))";
      case "BIGINT" -> "CREATE TABLE bigint_key (id bigint PRIMARY KEY, v nvarchar(100))";
      case "TEXT" -> "CREATE TABLE text_key (code nvarchar(60) PRIMARY KEY, v nvarchar(100))";
      case "UUID" -> "CREATE TABLE uuid_key (id uniqueidentifier PRIMARY KEY, v nvarchar(100))";
      case "COMPOSITE" -> "CREATE TABLE composite_key (region int, code nvarchar(60), v nvarchar(100),"
          + " PRIMARY KEY (region, code))";
      case "NULLABLE_UNIQUE" -> "CREATE TABLE nullable_unique (a varchar(60) NULL, b int NULL, v nvarchar(100), UNIQUE (a, b))";
      case "NO_KEY" -> "CREATE TABLE no_key (x int, v nvarchar(100))";
      default -> throw new IllegalArgumentException("no table for key shape " + shape);
    };
  }
}
