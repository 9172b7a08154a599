package io.ferry.worker.sqlserver;

/** A SQL Server table of every type the PostgreSQL mapping covers. */
final class SqlServerFixtures {

  /**
   * Babelfish refuses {@code rowversion} unless the session accepts it; SQL Server has no such procedure,
   * so the call is skipped there.
   */
  static final String ROWVERSION_ON_BABELFISH = "IF @@VERSION LIKE 'Babelfish%'"
      + " EXEC sys.sp_babelfish_configure 'babelfishpg_tsql.escape_hatch_rowversion', 'ignore'";

  /** Schema {@code sales}, alias type {@code dbo.ssn}, table {@code sales.everything}. */
  static final String[] EVERYTHING = {ROWVERSION_ON_BABELFISH, "CREATE SCHEMA sales", "CREATE TYPE dbo.ssn FROM varchar(11)", """
      CREATE TABLE sales.everything (
        id int IDENTITY(10,5) NOT NULL CONSTRAINT pk_everything PRIMARY KEY,
        code varchar(20) COLLATE Latin1_General_CS_AS NOT NULL CONSTRAINT uq_code UNIQUE,
        c_guid uniqueidentifier NULL DEFAULT NEWID(),
        c_tinyint tinyint, c_smallint smallint CONSTRAINT ck_small CHECK (c_smallint >= 0), c_bigint bigint,
        c_bit bit DEFAULT 1, c_dec decimal(18,4), c_num numeric(38,0), c_money money, c_smallmoney smallmoney,
        c_float float, c_real real, c_date date, c_time time(3), c_dt datetime, c_dt2 datetime2(7),
        c_sdt smalldatetime, c_dto datetimeoffset(7), c_char char(10), c_nchar nchar(5), c_vc varchar(max),
        c_nvc nvarchar(50), c_nvcmax nvarchar(max), c_text text, c_ntext ntext, c_bin binary(4),
        c_vbin varbinary(100), c_vbinmax varbinary(max), c_image image, c_xml xml, c_rv rowversion,
        c_ssn dbo.ssn, c_sv sql_variant, c_total AS (c_dec * 2) PERSISTED, c_virt AS (c_smallint + 1))"""};

  private SqlServerFixtures() {
  }
}
