package io.ferry.worker.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.unit.KeyRange;
import io.ferry.testsupport.TestPostgres;
import io.ferry.worker.dialect.TableName;
import io.ferry.worker.verify.Canonical;
import io.ferry.worker.verify.Digest;
import io.ferry.worker.verify.VerifyRead;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The digest two PostgreSQL databases compute of a range ({@link PostgresVerify#digest}, hashing typed values
 * with {@link PostgresRowHash}): alike for identical rows of every kind of type, including those hashed as
 * text, and different after any one value changes, including the changes a type's own hash would not see
 * (-0, a numeric's scale or infinity, case under a case-insensitive collation, 1 day against 24 hours).
 */
class PostgresRowHashIT {

  private static final TestPostgres DBS = new TestPostgres();
  private static final String COLUMNS = "id bigint PRIMARY KEY, i2 smallint, i4 integer, i4b integer, num numeric(12,2),"
      + " n numeric, f4 real, f8 double precision, b boolean, t text, vc varchar(20), ch char(5), ci text COLLATE ci,"
      + " d date, ts timestamp(3), tstz timestamptz, tm time, ttz timetz, u uuid, by bytea, jb jsonb, js json,"
      + " iv interval, pt point, x xml, arr integer[]";
  private static final String ROWS = """
      (1, 1, 10, 20, 1.50, 1.0, 1.5, '-0', true, 'a', 'b', 'c', 'Case', '2024-02-29', '2024-01-01 10:00:00.123',
       '2024-01-01 10:00:00+02', '10:00', '10:00+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff', '{"a": 1.0}',
       '{"b": 2}', '1 day', '(1,2)', '<a>1</a>', '{1,2}'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (3, -1, 0, 0, 0, 'Infinity', 'Infinity', 'NaN', false, '', '', '', '', 'infinity', '-infinity', 'infinity', '24:00',
       '00:00+00', '00000000-0000-0000-0000-000000000000', '\\x', '{}', '[]', '0', '(0,0)', '', '{}'),
      (4, 2, 30, 40, 2.25, 123.456, 0, 0, true, 'same', 'same', 'same', 'same', '0001-01-01 BC', '1999-12-31 23:59:59.999',
       '1999-12-31 23:59:59.999999+00', '23:59:59.999999', '23:59:59-14', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
       '\\xdeadbeef', '[1, "x", null]', 'null', '-1 mon 2 days', '(-1.5,2.5)', '<b/>', '{NULL,3}')""";
  private static final List<String> NAMES = List.of("id", "i2", "i4", "i4b", "num", "n", "f4", "f8", "b", "t", "vc", "ch", "ci",
      "d", "ts", "tstz", "tm", "ttz", "u", "by", "jb", "js", "iv", "pt", "x", "arr");
  private static final List<String> TYPES = List.of("bigint", "smallint", "integer", "integer", "numeric(12,2)", "numeric",
      "real", "double precision", "boolean", "text", "character varying(20)", "character(5)", "text", "date",
      "timestamp(3) without time zone", "timestamp with time zone", "time without time zone", "time with time zone", "uuid",
      "bytea", "jsonb", "json", "interval", "point", "xml", "integer[]");

  private static String url;

  @BeforeAll
  static void tables() throws Exception {
    url = DBS.create("rowhash");
    try (Connection c = DBS.open(url); Statement st = c.createStatement()) {
      st.execute("CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
      for (String table : List.of("src", "dst")) {
        st.execute("CREATE TABLE " + table + " (" + COLUMNS + ")");
        st.execute("INSERT INTO " + table + " VALUES " + ROWS);
      }
      // The same rows in another order, on other pages.
      st.execute("CREATE TABLE shuffled (" + COLUMNS + ")");
      st.execute("INSERT INTO shuffled SELECT * FROM src ORDER BY id DESC");
      // Other types holding the same values, hashed as the target's types.
      st.execute("CREATE TABLE narrower (id integer, v integer, s varchar(10), a numeric(6,2), at timestamp)");
      st.execute("INSERT INTO narrower VALUES (1, 7, 'x', 1.50, '2024-01-01 08:00'), (2, NULL, NULL, NULL, NULL)");
      st.execute("CREATE TABLE wider (id bigint, v bigint, s text, a numeric, at timestamptz)");
      st.execute("INSERT INTO wider VALUES (1, 7, 'x', 1.5, '2024-01-01 08:00+00'), (2, NULL, NULL, NULL, NULL)");
    }
  }

  @AfterAll
  static void drop() throws Exception {
    DBS.close();
  }

  @Test
  void identicalRowsOfEveryKindOfTypeDigestAlikeInAnyOrder() throws Exception {
    try (Connection c = DBS.open(url)) {
      Digest src = digest(c, "src", NAMES, TYPES);
      assertThat(src.rows()).isEqualTo(4);
      assertThat(digest(c, "dst", NAMES, TYPES)).isEqualTo(src);
      assertThat(digest(c, "shuffled", NAMES, TYPES)).isEqualTo(src);
    }
  }

  @Test
  void aColumnOfAnotherTypeIsHashedAsItsTargetType() throws Exception {
    List<String> names = List.of("id", "v", "s", "a", "at");
    List<String> types = List.of("bigint", "bigint", "text", "numeric(12,2)", "timestamp with time zone");
    try (Connection c = DBS.open(url)) {
      assertThat(digest(c, "narrower", names, types)).isEqualTo(digest(c, "wider", names, types));
    }
  }

  @Test
  void everyChangedValueChangesTheDigest() throws Exception {
    List<String> changes = List.of(
        "UPDATE dst SET i2 = 2 WHERE id = 1", "UPDATE dst SET i4 = NULL WHERE id = 1", "UPDATE dst SET i4 = 1 WHERE id = 2",
        "UPDATE dst SET num = 1.51 WHERE id = 1",
        // A value's scale, which numeric's own hash does not see.
        "UPDATE dst SET n = 1.00 WHERE id = 1", "UPDATE dst SET n = 123.4560 WHERE id = 4",
        // NaN and the infinities, which numeric's own hash takes for one value.
        "UPDATE dst SET n = 'NaN' WHERE id = 3", "UPDATE dst SET n = '-Infinity' WHERE id = 3",
        "UPDATE dst SET num = 'NaN' WHERE id = 3", "UPDATE dst SET f4 = 1.5000001 WHERE id = 1",
        // -0 and 0, which the float hashes take for one value.
        "UPDATE dst SET f8 = 0 WHERE id = 1", "UPDATE dst SET f8 = '-0' WHERE id = 4", "UPDATE dst SET f8 = 0 WHERE id = 3",
        "UPDATE dst SET b = false WHERE id = 1", "UPDATE dst SET b = NULL WHERE id = 3",
        // The empty string is not NULL.
        "UPDATE dst SET t = NULL WHERE id = 3", "UPDATE dst SET t = 'A' WHERE id = 1", "UPDATE dst SET vc = 'b ' WHERE id = 1",
        "UPDATE dst SET ch = 'd' WHERE id = 1",
        // Equal under the column's collation, not the same text.
        "UPDATE dst SET ci = 'CASE' WHERE id = 1",
        "UPDATE dst SET d = '2024-03-01' WHERE id = 1", "UPDATE dst SET d = NULL WHERE id = 3",
        "UPDATE dst SET ts = '2024-01-01 10:00:00.124' WHERE id = 1",
        "UPDATE dst SET tstz = '2024-01-01 10:00:00.000001+02' WHERE id = 1", "UPDATE dst SET tm = '00:00' WHERE id = 3",
        "UPDATE dst SET ttz = '11:00+03' WHERE id = 1",
        "UPDATE dst SET u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12' WHERE id = 1", "UPDATE dst SET by = '\\x00' WHERE id = 1",
        "UPDATE dst SET by = NULL WHERE id = 3", "UPDATE dst SET jb = '{\"a\": 2}' WHERE id = 1",
        "UPDATE dst SET js = '{\"b\":2}' WHERE id = 1",
        // Equal intervals, printed differently.
        "UPDATE dst SET iv = '24 hours' WHERE id = 1", "UPDATE dst SET pt = '(1,3)' WHERE id = 1",
        "UPDATE dst SET x = '<a>2</a>' WHERE id = 1", "UPDATE dst SET arr = '{2,1}' WHERE id = 1",
        // Two values of one type swapped between columns, and between rows.
        "UPDATE dst SET i4 = i4b, i4b = i4 WHERE id = 1",
        "UPDATE dst SET t = CASE id WHEN 1 THEN 'same' ELSE 'a' END WHERE id IN (1, 4)",
        "DELETE FROM dst WHERE id = 2");
    try (Connection c = DBS.open(url)) {
      Digest clean = digest(c, "src", NAMES, TYPES);
      List<String> unseen = new ArrayList<>();
      c.setAutoCommit(false);
      for (String change : changes) {
        try (Statement st = c.createStatement()) {
          st.execute(change);
        }
        if (new PostgresVerify().digest(c, read("dst", NAMES, TYPES)).equals(clean)) {
          unseen.add(change);
        }
        c.rollback();
      }
      assertThat(unseen).as("changes the digest did not see").isEmpty();
    }
  }

  private static Digest digest(Connection c, String table, List<String> names, List<String> types) throws SQLException {
    PostgresVerify side = new PostgresVerify();
    side.begin(c);
    try {
      return side.digest(c, read(table, names, types));
    } finally {
      side.end(c);
      c.setAutoCommit(true);
    }
  }

  private static VerifyRead read(String table, List<String> names, List<String> types) {
    return new VerifyRead(TableName.parse("public." + table), names, Collections.nCopies(names.size(), Canonical.TEXT), types,
        true, null, new int[0], KeyRange.ALL, null, null, false);
  }
}
