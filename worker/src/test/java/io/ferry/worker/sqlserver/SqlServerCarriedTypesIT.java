package io.ferry.worker.sqlserver;

import java.util.List;

/**
 * {@code sql_variant} to SQL Server on the test server (Babelfish), with the base types it keeps right: it has
 * no {@code hierarchyid}, {@code geography} or {@code geometry}, reports every character and binary length as
 * 65,535, keeps 6 fractional digits, converts money and binary variants to text wrongly and drops a variant's
 * collation (see {@code docs/sqlserver.md}). {@code SqlServer2022CarriedTypesIT} covers the rest on SQL Server.
 */
class SqlServerCarriedTypesIT extends SqlServerCarriedTypesContract {

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases();
  }

  @Override
  protected List<String> variants() {
    return List.of("CAST(42 AS int)", "CAST(-9223372036854775808 AS bigint)", "CAST(7 AS smallint)", "CAST(255 AS tinyint)",
        "CAST(1 AS bit)", "CAST(1.50 AS decimal(5,2))", "CAST(-12345678901234.5678 AS numeric(18,4))",
        "CAST(0.1 AS float)", "CAST(N'héllo ✓' AS nvarchar(20))", "CAST('plain' AS varchar(10))",
        "CAST('2020-01-02' AS date)", "CAST('2020-01-02 03:04:05.123456' AS datetime2(6))",
        "CAST('1999-12-31 23:59:59.997' AS datetime)");
  }
}
