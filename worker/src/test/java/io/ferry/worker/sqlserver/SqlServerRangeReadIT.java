package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.unit.KeyRange;
import io.ferry.worker.copy.BinaryCopyParser;
import io.ferry.worker.dialect.RangeRead;
import io.ferry.worker.dialect.SplitKey;
import io.ferry.worker.dialect.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keyset range reads are decided by the server, in its ordering and collation: each test reads ranges
 * whose rows a comparison in Java would get wrong, and checks the keys of the rows that came.
 */
class SqlServerRangeReadIT {

  private static final SqlServerDatabases MSSQL = new SqlServerDatabases();
  private static String url;
  /** One connection for all reads: opening one takes seconds on the test server. */
  private static Connection c;

  @BeforeAll
  static void createTables() throws SQLException {
    url = MSSQL.create("range");
    MSSQL.execute(url,
        "CREATE TABLE dbo.ci (k varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS PRIMARY KEY, n int)",
        "INSERT INTO dbo.ci VALUES ('a', 1), ('B', 2), ('c', 3), ('D', 4), ('e', 5)",
        "CREATE TABLE dbo.pair (a int NOT NULL, b nvarchar(10) NOT NULL, PRIMARY KEY (a, b))",
        "INSERT INTO dbo.pair VALUES (1, N'x'), (1, N'ÿ'), (2, N'a'), (2, N'b'), (3, N'a')",
        "CREATE TABLE dbo.stamps (at datetime PRIMARY KEY, n int)",
        "INSERT INTO dbo.stamps VALUES ('2024-01-01T00:00:00.003', 1), ('2024-01-01T00:00:00.007', 2),"
            + " ('2024-01-01T00:00:00.010', 3)",
        "CREATE TABLE dbo.nullable (id int NOT NULL, u int NULL)",
        "CREATE UNIQUE INDEX ux_u ON dbo.nullable (u)",
        "INSERT INTO dbo.nullable VALUES (1, 10), (2, NULL), (3, 30)",
        "CREATE TABLE dbo.guids (g uniqueidentifier PRIMARY KEY)",
        "INSERT INTO dbo.guids VALUES ('00000000-0000-0000-0000-000000000002'), ('00000000-0000-0000-0000-010000000000'),"
            + " ('02000000-0000-0000-0000-000000000000'), ('00000000-0000-0000-0300-000000000000')",
        "CREATE TABLE dbo.ai (k varchar(10) COLLATE Latin1_General_CI_AI PRIMARY KEY)",
        "INSERT INTO dbo.ai VALUES ('Äa'), ('ab'), ('AC')",
        "CREATE TABLE dbo.words (k varchar(10) COLLATE SQL_Latin1_General_CP1_CI_AS PRIMARY KEY)",
        "INSERT INTO dbo.words VALUES ('a-c'), ('ab'), ('co-op'), ('coop'), ('Co_p'), ('b''c'), ('bc')",
        "CREATE TABLE dbo.bins (b varbinary(8) PRIMARY KEY)",
        "INSERT INTO dbo.bins VALUES (0x00), (0x0001), (0xFF), (0x7F00)");
    c = MSSQL.open(url);
  }

  @AfterAll
  static void dropDatabases() throws SQLException {
    c.close();
    MSSQL.close();
  }

  @Test
  void caseInsensitiveKeysFollowTheColumnsCollation() throws Exception {
    SplitKey key = key(List.of("k"), List.of("varchar(10)"), false);
    // In Java's ordering 'B' < 'D' < 'a' < 'b': the range ['b', 'd') would hold 'c' alone.
    assertThat(keys("ci", key, new KeyRange(List.of("b"), List.of("d")), null))
        .containsExactly(List.of("B"), List.of("c"));
    assertThat(keys("ci", key, new KeyRange(List.of("b"), List.of("d")), List.of("B"))).containsExactly(List.of("c"));
    assertThat(keys("ci", key, KeyRange.ALL, null)).extracting(k -> k.get(0)).containsExactly("a", "B", "c", "D", "e");
  }

  @Test
  void accentInsensitiveKeysFollowTheColumnsCollation() throws Exception {
    SplitKey key = key(List.of("k"), List.of("varchar(10)"), false);
    // Java orders "AC" < "ab" < "Äa"; under Latin1_General_CI_AI "Äa" sorts as "aa", first.
    assertThat(keys("ai", key, KeyRange.ALL, null)).extracting(k -> k.get(0)).containsExactly("Äa", "ab", "AC");
    assertThat(keys("ai", key, new KeyRange(null, List.of("AB")), null)).containsExactly(List.of("Äa"));
    assertThat(keys("ai", key, new KeyRange(List.of("aa"), List.of("ac")), null))
        .as("'aa' equals 'Äa' accent-insensitively; 'ac' equals 'AC'").containsExactly(List.of("Äa"), List.of("ab"));
    assertThat(keys("ai", key, KeyRange.ALL, List.of("Äa"))).containsExactly(List.of("ab"), List.of("AC"));
  }

  /**
   * A SQL collation orders a varchar's hyphens and apostrophes unlike its Unicode form, which an nvarchar
   * bound would compare in: bounds are cast to the column's type, so each range holds what the server's
   * ORDER BY puts there, whichever order that is.
   */
  @Test
  void varcharKeysInASqlCollationResumeInTheServersOrder() throws Exception {
    SplitKey key = key(List.of("k"), List.of("varchar(10)"), false);
    List<List<String>> all = keys("words", key, KeyRange.ALL, null);
    assertThat(all).hasSize(7).doesNotHaveDuplicates();
    for (int i = 0; i < all.size(); i++) {
      assertThat(keys("words", key, KeyRange.ALL, all.get(i))).as("after " + all.get(i)).isEqualTo(all.subList(i + 1, all.size()));
      assertThat(keys("words", key, new KeyRange(null, all.get(i)), null)).as("before " + all.get(i))
          .isEqualTo(all.subList(0, i));
    }
  }

  @Test
  void compositeKeysCompareLexicographically() throws Exception {
    SplitKey key = key(List.of("a", "b"), List.of("int", "nvarchar(10)"), false);
    assertThat(keys("pair", key, new KeyRange(List.of("1", "ÿ"), List.of("2", "b")), null))
        .containsExactly(List.of("1", "ÿ"), List.of("2", "a"));
    assertThat(keys("pair", key, KeyRange.ALL, List.of("1", "ÿ")))
        .containsExactly(List.of("2", "a"), List.of("2", "b"), List.of("3", "a"));
  }

  @Test
  void aResumeAfterADatetimeKeyNeitherRepeatsNorSkipsARow() throws Exception {
    SplitKey key = key(List.of("at"), List.of("datetime"), false);
    List<List<String>> all = keys("stamps", key, KeyRange.ALL, null);
    assertThat(all).hasSize(3);
    assertThat(keys("stamps", key, KeyRange.ALL, all.get(0))).containsExactly(all.get(1), all.get(2));
    assertThat(keys("stamps", key, new KeyRange(all.get(1), null), null)).containsExactly(all.get(1), all.get(2));
    assertThat(keys("stamps", key, new KeyRange(null, all.get(1)), null)).containsExactly(all.get(0));
  }

  @Test
  void guidAndBinaryKeysResumeInTheServersOrder() throws Exception {
    for (SplitKey key : List.of(key(List.of("g"), List.of("uniqueidentifier"), false),
        key(List.of("b"), List.of("varbinary(8)"), false))) {
      String table = key.columns().get(0).equals("g") ? "guids" : "bins";
      List<List<String>> all = keys(table, key, KeyRange.ALL, null);
      assertThat(all).as(table).hasSize(4).doesNotHaveDuplicates();
      for (int i = 0; i < all.size(); i++) {
        assertThat(keys(table, key, KeyRange.ALL, all.get(i))).as(table + " after " + all.get(i))
            .isEqualTo(all.subList(i + 1, all.size()));
        assertThat(keys(table, key, new KeyRange(all.get(i), null), null)).isEqualTo(all.subList(i, all.size()));
      }
    }
  }

  @Test
  void rowsWithANullKeyAreARangeOfTheirOwn() throws Exception {
    SplitKey key = new SplitKey(List.of("u"), List.of("int"), true, List.of(true), SplitMethod.UNIQUE_INDEX, "unique index ux_u");
    assertThat(keys("nullable", key, KeyRange.ALL, null)).containsExactly(List.of("10"), List.of("30"));
    RangeRead read = new RangeRead(new TableName("dbo", "nullable"), List.of("id"), key, KeyRange.NULL_KEYS, null, "t1");
    // The NULL-key range is read whole and unordered: no key fields, the tenant id leading.
    BinaryCopyParser parser = new BinaryCopyParser(2, 0);
    feed(SqlServerCopySource.open(c, read), parser, () -> { });
    assertThat(parser.tuples()).isEqualTo(1);
  }

  private static SplitKey key(List<String> columns, List<String> types, boolean nullable) {
    return new SplitKey(columns, types, nullable, java.util.Collections.nCopies(columns.size(), true), SplitMethod.PRIMARY_KEY, "primary key");
  }

  /** The key of every row the range read returns, in order, as its trailing key fields print it. */
  private static List<List<String>> keys(String table, SplitKey key, KeyRange range, List<String> resumeAfter)
      throws Exception {
    RangeRead read = new RangeRead(new TableName("dbo", table), key.columns(), key, range, resumeAfter, null);
    List<List<String>> keys = new ArrayList<>();
    BinaryCopyParser parser = new BinaryCopyParser(key.columns().size(), key.columns().size());
    feed(SqlServerCopySource.open(c, read), parser, () -> keys.add(parser.lastKey()));
    return keys;
  }

  private static void feed(SqlServerCopySource source, BinaryCopyParser parser, Runnable onTuple) throws Exception {
    try (source) {
      for (byte[] block = source.read(); block != null; block = source.read()) {
        parser.feed(block, 0, block.length, new BinaryCopyParser.Handler() {
          @Override
          public void tupleBytes(byte[] data, int offset, int length) {
          }

          @Override
          public void tupleEnd(long framedBytes) {
            onTuple.run();
          }
        });
      }
    }
    assertThat(parser.finished()).isTrue();
  }
}
