package io.ferry.deploy.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The key shapes and types a district database brings, in schema {@code shapes}: a case-insensitive
 * {@code varchar} key, a composite key with a foreign key, a GUID key, a nullable unique key without primary
 * key, a heap without any key, a 5 MB {@code varbinary(max)} value and a table of the mapped types. Values
 * differ per district ({@code n}) while keys repeat, so a tenant mixed up with another shows. Times have at
 * most six fractional digits: PostgreSQL keeps microseconds (docs/sqlserver.md).
 */
final class SqlServerShapes {

  static final String[] TABLES = {"schools", "classes", "devices", "badges", "audit_log", "files", "measures"};

  private SqlServerShapes() {
  }

  static void create(Connection c, int n) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA shapes");
      for (String sql : new String[] {
          """
          CREATE TABLE shapes.schools (school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL PRIMARY KEY,
            name nvarchar(100) NOT NULL)""",
          """
          CREATE TABLE shapes.classes (school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL
            REFERENCES shapes.schools (school_code), class_no int NOT NULL, title nvarchar(60) NULL,
            PRIMARY KEY (school_code, class_no))""",
          """
          CREATE TABLE shapes.devices (device_id uniqueidentifier NOT NULL PRIMARY KEY,
            school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NULL REFERENCES shapes.schools (school_code),
            bought date NULL)""",
          "CREATE TABLE shapes.badges (badge_no int NULL UNIQUE, holder nvarchar(40) NOT NULL)",
          "CREATE TABLE shapes.audit_log (at datetime2(6) NOT NULL, message nvarchar(max) NULL)",
          "CREATE TABLE shapes.files (file_id int IDENTITY(1,1) PRIMARY KEY, name varchar(40) NOT NULL, content varbinary(max) NOT NULL)",
          "CREATE TABLE shapes.measures " + MEASURES,
          // Mixed-case codes: unique only case-insensitively, and ordered differently by a binary comparison.
          NUMBERS + """
          INSERT INTO shapes.schools (school_code, name)
          SELECT CASE WHEN i % 2 = 0 THEN 'sch-' ELSE 'SCH-' END + RIGHT('000' + CAST(i AS varchar(4)), 3),
            N'École ' + CAST(i AS nvarchar(4)) + N' of d""" + n + "' FROM s WHERE i <= 60",
          NUMBERS + """
          INSERT INTO shapes.classes (school_code, class_no, title)
          SELECT sc.school_code, s.i, CASE WHEN s.i % 5 = 0 THEN NULL ELSE N'Class ' + CAST(s.i AS nvarchar(6)) END
          FROM shapes.schools sc CROSS JOIN s WHERE s.i <= 20""",
          NUMBERS + """
          INSERT INTO shapes.devices (device_id, school_code, bought)
          SELECT CAST('""" + String.format("%08X", n) + """
          -0000-4000-8000-' + RIGHT('000000000000' + CAST(i AS varchar(12)), 12) AS uniqueidentifier),
            CASE WHEN i % 9 = 0 THEN NULL ELSE (SELECT school_code FROM shapes.schools ORDER BY school_code
              OFFSET (i % 60) ROWS FETCH NEXT 1 ROWS ONLY) END,
            CASE WHEN i % 4 = 0 THEN NULL ELSE DATEADD(day, i, CAST('2019-01-01' AS date)) END
          FROM s WHERE i <= 1500""",
          NUMBERS + """
          INSERT INTO shapes.badges (badge_no, holder)
          SELECT CASE WHEN i = 400 THEN NULL ELSE i * 3 END, N'holder ' + CAST(i AS nvarchar(6)) FROM s WHERE i <= 400""",
          NUMBERS + """
          INSERT INTO shapes.audit_log (at, message)
          SELECT DATEADD(second, i % 100, CAST('2024-05-06T07:08:09.123456' AS datetime2(6))),
            CASE WHEN i % 11 = 0 THEN NULL ELSE N'event ' + CAST(i % 37 AS nvarchar(6)) END FROM s WHERE i <= 2000""",
          // 5 MB: a value far larger than any chunk buffer, which the reader must stream.
          """
          INSERT INTO shapes.files (name, content)
          VALUES ('big.bin', CAST(REPLICATE(CAST('ferry-5mb-""" + n + """
          ' AS varchar(max)), 5 * 1024 * 1024 / 11) AS varbinary(max))),
            ('small.bin', 0x0102030405)""",
          NUMBERS + """
          INSERT INTO shapes.measures
          SELECT i, i % 256, i - 400, CAST(i AS money) / 7, CAST(i AS smallmoney) / 3, i / 7.0E0, CAST(i AS real) / 3,
            CASE WHEN i % 100 = 0 THEN CAST('0001-01-01' AS date) ELSE DATEADD(day, i, CAST('2000-01-01' AS date)) END, DATEADD(microsecond, i * 1001, CAST('12:34:56' AS time(6))),
            DATEADD(millisecond, i * 10, CAST('2000-01-01T00:00:00' AS datetime)),
            DATEADD(minute, i, CAST('2000-01-01T00:00:00' AS smalldatetime)),
            DATEADD(microsecond, i * 7, CAST('9999-12-30T23:59:59.000001' AS datetime2(6))),
            TODATETIMEOFFSET(DATEADD(second, i, CAST('2020-02-29T12:00:00.5' AS datetime2(6))), (i % 24 - 12) * 60),
            'c' + CAST(i % 10 AS varchar(2)), N'ñ' + CAST(i % 10 AS nvarchar(2)), 'v' + CAST(i AS varchar(10)),
            REPLICATE('t', i % 50), REPLICATE(N'ü', i % 40), CAST(i AS binary(4)), CAST(i * 65537 AS varbinary(16)),
            CASE WHEN i % 3 = 0 THEN NULL ELSE '<m n="' + CAST(i AS varchar(6)) + '"/>' END,
            CAST(i AS decimal(38,10)) / 3 * POWER(CAST(10 AS decimal(38,10)), i % 20)
          FROM s WHERE i <= 800"""}) {
        st.execute(sql);
      }
    }
  }

  /** The columns of {@code measures}: one of every mapped type. */
  static final String MEASURES = """
      (id bigint NOT NULL PRIMARY KEY, t tinyint, s smallint, m money, sm smallmoney,
        f float, r real, d date, tm time(6), dt datetime, sdt smalldatetime, dt2 datetime2(6), dto datetimeoffset(6),
        ch char(5), nch nchar(5), vc varchar(30), txt text, ntxt ntext, bin binary(4), vbin varbinary(16),
        x xml, big decimal(38,10))""";

  /**
   * Schema {@code modes}: small copies of the key shapes (identity, case-insensitive {@code varchar}, composite
   * with a foreign key, GUID with a nullable foreign key, a nullable unique key without primary key) and of
   * every mapped type, about a thousand rows in all, taken from the tables above. Tests that change rows use
   * these, leaving the others as the district has them.
   */
  static void createModes(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA modes");
      for (String sql : new String[] {
          """
          CREATE TABLE modes.people (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(100) NULL, balance decimal(18,4) NOT NULL,
            born datetime2(3) NOT NULL, active bit NOT NULL, ref uniqueidentifier NULL)""",
          """
          INSERT INTO modes.people (name, balance, born, active, ref)
          SELECT TOP (200) name, balance, born, active, ref FROM dbo.people ORDER BY id""",
          """
          CREATE TABLE modes.schools (school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL PRIMARY KEY,
            name nvarchar(100) NOT NULL)""",
          "INSERT INTO modes.schools SELECT school_code, name FROM shapes.schools",
          """
          CREATE TABLE modes.classes (school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NOT NULL
            REFERENCES modes.schools (school_code), class_no int NOT NULL, title nvarchar(60) NULL,
            PRIMARY KEY (school_code, class_no))""",
          "INSERT INTO modes.classes SELECT school_code, class_no, title FROM shapes.classes WHERE class_no <= 3",
          """
          CREATE TABLE modes.devices (device_id uniqueidentifier NOT NULL PRIMARY KEY,
            school_code varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS NULL REFERENCES modes.schools (school_code),
            bought date NULL)""",
          "INSERT INTO modes.devices SELECT TOP (200) device_id, school_code, bought FROM shapes.devices ORDER BY device_id",
          "CREATE TABLE modes.badges (badge_no int NULL UNIQUE, holder nvarchar(40) NOT NULL)",
          "INSERT INTO modes.badges SELECT badge_no, holder FROM shapes.badges WHERE badge_no IS NULL OR badge_no <= 300",
          "CREATE TABLE modes.measures " + MEASURES,
          "INSERT INTO modes.measures SELECT * FROM shapes.measures WHERE id <= 200"}) {
        st.execute(sql);
      }
    }
  }

  /** A CTE {@code s(i)} of the integers 1 to 10,000. */
  private static final String NUMBERS = """
        WITH d AS (SELECT 0 AS v UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
          UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9),
        s AS (SELECT a.v + 10 * b.v + 100 * c.v + 1000 * e.v + 1 AS i FROM d a, d b, d c, d e)
        """;
}
