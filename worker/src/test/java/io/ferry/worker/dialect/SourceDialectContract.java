package io.ferry.worker.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.SplitMethod;
import io.ferry.protocol.unit.KeyRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link SourceDialect} must do, whatever its engine: describe the catalog, choose the key of
 * every key shape, sample it in the source's own order, and read exactly the rows of a range (bounds,
 * resumes, NULL keys). An engine runs it by providing a database and the DDL of each {@link KeyShape}; the
 * contract fills the tables itself and checks the dialect only through the interface.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SourceDialectContract {

  /** Rows of every shape's table. */
  protected static final int ROWS = 240;

  /**
   * The tables the engine creates (in {@link #schema()}), each with a text column {@code v} naming its row
   * ({@code r1} … {@code r240}) and the key columns below.
   */
  protected enum KeyShape {
    /** {@code int_key (id integer PRIMARY KEY, v text)}. */
    INT("int_key", "id"),
    /** {@code bigint_key (id bigint PRIMARY KEY, v text)}: keys from -4.5e18 to 4.5e18. */
    BIGINT("bigint_key", "id"),
    /** {@code text_key (code varchar(60) PRIMARY KEY, v text)}: quotes, backslashes and unicode. */
    TEXT("text_key", "code"),
    /** {@code uuid_key (id uuid PRIMARY KEY, v text)}: the engine's uuid type. */
    UUID("uuid_key", "id"),
    /** {@code composite_key (region integer, code varchar(60), v text, PRIMARY KEY (region, code))}. */
    COMPOSITE("composite_key", "region", "code"),
    /** {@code nullable_unique (a varchar(60) NULL, b integer NULL, v text, UNIQUE (a, b))}, no primary key; NULLs in both. */
    NULLABLE_UNIQUE("nullable_unique", "a", "b"),
    /** {@code no_key (x integer, v text)}: no primary key, no unique index, duplicate values. */
    NO_KEY("no_key", "x");

    final String table;
    final List<String> columns;

    KeyShape(String table, String... columns) {
      this.table = table;
      this.columns = List.of(columns);
    }
  }

  private static final String HOSTILE = "O'Brien \\ \"q\" ünï ✓ 日本 ";

  // ---- what an engine provides

  protected abstract SourceDialect dialect();

  /** Creates the empty database the contract's tables go into. */
  protected abstract void createDatabase() throws SQLException;

  /** Drops what {@link #createDatabase()} created. */
  protected abstract void dropDatabases() throws SQLException;

  /** A connection to that database, opened by {@link SourceDialect#connect}; a pool may lend it again, as the worker's do. */
  protected abstract Connection connect() throws SQLException;

  /** The schema the tables are created in (the engine's default one). */
  protected abstract String schema();

  /** The engine's {@code CREATE TABLE} for the shape, as its javadoc describes it. */
  protected abstract String createTable(KeyShape shape);

  /** A uuid as the engine's driver takes it as a statement parameter. */
  protected Object uuidParameter(UUID id) {
    return id;
  }

  // ---- the fixture

  @BeforeAll
  void createShapes() throws SQLException {
    createDatabase();
    try (Connection c = connect()) {
      c.setAutoCommit(true);
      for (KeyShape shape : KeyShape.values()) {
        try (Statement st = c.createStatement()) {
          st.execute(createTable(shape));
        }
        insert(c, shape);
      }
      try (Statement st = c.createStatement()) {
        // Ferry's own schema, as a source that was once a target holds it: never a table to copy.
        st.execute("CREATE SCHEMA ferry");
        st.execute("CREATE TABLE ferry.checkpoints (id integer)");
      }
    }
  }

  @AfterAll
  void drop() throws SQLException {
    dropDatabases();
  }

  private void insert(Connection c, KeyShape shape) throws SQLException {
    List<String> columns = new ArrayList<>(shape.columns);
    columns.add("v");
    String sql = "INSERT INTO " + shape.table + " (" + String.join(", ", columns) + ") VALUES ("
        + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int g = 1; g <= ROWS; g++) {
        List<Object> key = keyOf(shape, g);
        for (int i = 0; i < key.size(); i++) {
          ps.setObject(i + 1, key.get(i));
        }
        ps.setString(key.size() + 1, "r" + g);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private List<Object> keyOf(KeyShape shape, int g) {
    return switch (shape) {
      case INT -> List.of(g);
      case BIGINT -> List.of((g - ROWS / 2) * 38_000_000_000_000_000L);
      case TEXT -> List.of(HOSTILE.substring(g % 7) + g);
      case UUID -> List.of(uuidParameter(UUID.nameUUIDFromBytes(("u" + g).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      case COMPOSITE -> List.of(g % 5, HOSTILE.substring(g % 3) + g);
      case NULLABLE_UNIQUE -> java.util.Arrays.asList(g % 10 == 0 ? null : "a" + g % 20, g % 13 == 0 ? null : g);
      case NO_KEY -> List.of(g % 7);
    };
  }

  /** Rows of NULLABLE_UNIQUE with a NULL in its key. */
  private static long nullKeyRows() {
    return IntStream.rangeClosed(1, ROWS).filter(g -> g % 10 == 0 || g % 13 == 0).count();
  }

  private TableName name(KeyShape shape) {
    return new TableName(schema(), shape.table);
  }

  // ---- catalog

  @Test
  void listsEveryTableButFerrysOwn() throws SQLException {
    try (Connection c = connect()) {
      List<TableName> tables = dialect().listTables(c);
      assertThat(tables).containsAll(List.of(KeyShape.values()).stream().map(this::name).toList());
      assertThat(tables).extracting(TableName::schema).doesNotContain("ferry");
    }
  }

  @Test
  void describesColumnsInOrderWithTheirKeyAndNullability() throws SQLException {
    try (Connection c = connect()) {
      SourceTable composite = dialect().describe(c, name(KeyShape.COMPOSITE), new ArrayList<>());
      assertThat(composite.name()).isEqualTo(name(KeyShape.COMPOSITE));
      assertThat(composite.partitioned()).isFalse();
      assertThat(composite.columns()).extracting(SourceColumn::name).containsExactly("region", "code", "v");
      assertThat(composite.primaryKey()).containsExactly("region", "code");
      assertThat(composite.column("region").nullable()).isFalse();
      assertThat(composite.column("v").nullable()).isTrue();
      assertThat(composite.copiedColumns()).hasSize(3);

      SourceTable unique = dialect().describe(c, name(KeyShape.NULLABLE_UNIQUE), new ArrayList<>());
      assertThat(unique.primaryKey()).isEmpty();
      assertThat(unique.column("a").nullable()).isTrue();
      assertThat(dialect().describe(c, name(KeyShape.NO_KEY), new ArrayList<>()).primaryKey()).isEmpty();
    }
  }

  // ---- keys

  @ParameterizedTest
  @EnumSource(value = KeyShape.class, names = {"INT", "BIGINT", "TEXT", "UUID", "COMPOSITE"})
  void aPrimaryKeyIsTheSplitKey(KeyShape shape) throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, shape, new ArrayList<>());
      assertThat(key.method()).isEqualTo(SplitMethod.PRIMARY_KEY);
      assertThat(key.columns()).isEqualTo(shape.columns);
      assertThat(key.types()).hasSize(shape.columns.size()).doesNotContainNull();
      assertThat(key.nullable()).isFalse();
    }
  }

  @Test
  void aNullableUniqueIndexIsTheSplitKeyWhenThereIsNoPrimaryKeyAndSaysSo() throws SQLException {
    try (Connection c = connect()) {
      List<String> warnings = new ArrayList<>();
      SplitKey key = splitKey(c, KeyShape.NULLABLE_UNIQUE, warnings);
      assertThat(key.method()).isEqualTo(SplitMethod.UNIQUE_INDEX);
      assertThat(key.columns()).containsExactly("a", "b");
      assertThat(key.nullable()).isTrue();
      assertThat(warnings).as("why the primary key was passed over").isNotEmpty();
    }
  }

  @Test
  void aTableWithoutKeyFallsBackToTheDialectsOwnSplit() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.NO_KEY, new ArrayList<>());
      assertThat(key.method()).isIn(SplitMethod.CTID, SplitMethod.SINGLE_UNIT);
      assertThat(key.columns()).doesNotContain("x", "v");
    }
  }

  /**
   * The sample's points are in the source's order, from the smallest key on: the ranges between them (open
   * at both ends) hold every row with a whole key exactly once, none of them empty but the last (a last
   * point may be the end of the table rather than a key, as block ranges have it), each in key order and
   * resumable after any of its keys.
   */
  @ParameterizedTest
  @EnumSource(KeyShape.class)
  void sampledPointsCutTheTableIntoRangesThatHoldEveryRowOnce(KeyShape shape) throws SQLException {
    try (Connection c = connect()) {
      SourceTable table = dialect().describe(c, name(shape), new ArrayList<>());
      SplitKey key = dialect().splitKey(c, table, new ArrayList<>());
      KeySample sample = dialect().sampleKey(c, table, key, 8, 2);
      long expected = shape == KeyShape.NULLABLE_UNIQUE ? ROWS - nullKeyRows() : ROWS;
      if (!key.ordered()) {
        assertThat(sample.quantiles()).isEmpty();
        assertThat(read(c, shape, key, KeyRange.ALL, null)).hasSize(ROWS);
        return;
      }
      assertThat(sample.quantiles()).as(sample.method()).hasSizeBetween(2, 8)
          .allSatisfy(point -> assertThat(point).hasSize(key.columns().size()).doesNotContainNull());
      // The first point is at the smallest key (fraction 0), as the splitter reads them: the cuts are the rest.
      List<List<String>> bounds = new ArrayList<>();
      bounds.add(null);
      bounds.addAll(sample.quantiles().subList(1, sample.quantiles().size()));
      bounds.add(null);
      Set<String> seen = new HashSet<>();
      for (int i = 0; i + 1 < bounds.size(); i++) {
        KeyRange range = new KeyRange(bounds.get(i), bounds.get(i + 1));
        List<List<String>> rows = read(c, shape, key, range, null);
        if (i + 2 < bounds.size()) {
          assertThat(rows).as("range %s", range).isNotEmpty();
        }
        rows.forEach(r -> assertThat(seen.add(r.get(0))).as("%s read twice", r.get(0)).isTrue());
        if (rows.size() > 2) {
          List<String> resumeKey = rows.get(1).subList(1, 1 + key.columns().size());
          assertThat(read(c, shape, key, range, resumeKey)).as("resumed after %s", resumeKey)
              .isEqualTo(rows.subList(2, rows.size()));
        }
      }
      assertThat(seen).hasSize((int) expected);
    }
  }

  // ---- range reads

  @Test
  void aRangeHoldsItsLowerBoundAndStopsBeforeItsUpperBound() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.INT, new ArrayList<>());
      assertThat(values(read(c, KeyShape.INT, key, new KeyRange(List.of("10"), List.of("20")), null)))
          .containsExactlyElementsOf(names(10, 19));
      assertThat(values(read(c, KeyShape.INT, key, new KeyRange(null, List.of("4")), null))).containsExactlyElementsOf(names(1, 3));
      assertThat(values(read(c, KeyShape.INT, key, new KeyRange(List.of("237"), null), null)))
          .containsExactlyElementsOf(names(237, ROWS));
      assertThat(read(c, KeyShape.INT, key, new KeyRange(List.of("500"), null), null)).isEmpty();
    }
  }

  @Test
  void aResumedReadStartsStrictlyAfterItsKeyAndCarriesEachRowsKey() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.INT, new ArrayList<>());
      List<List<String>> rows = read(c, KeyShape.INT, key, new KeyRange(List.of("10"), List.of("20")), List.of("14"));
      assertThat(values(rows)).containsExactlyElementsOf(names(15, 19));
      assertThat(rows).extracting(r -> r.get(1)).containsExactly("15", "16", "17", "18", "19");
    }
  }

  @Test
  void boundsBetweenKeysOfAWideIntegerKeyReadTheRowsBetween() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.BIGINT, new ArrayList<>());
      // Keys are (g - 120) * 3.8e16: g = 121 (3.8e16) up to g = 130 (3.8e17) lie in [1, 3.8e17 + 1).
      KeyRange range = new KeyRange(List.of("1"), List.of(Long.toString(380_000_000_000_000_001L)));
      assertThat(values(read(c, KeyShape.BIGINT, key, range, null))).containsExactlyElementsOf(names(121, 130));
      KeyRange negative = new KeyRange(null, List.of(Long.toString(-118 * 38_000_000_000_000_000L)));
      assertThat(values(read(c, KeyShape.BIGINT, key, negative, null))).containsExactlyElementsOf(names(1, 1));
    }
  }

  @Test
  void theNullKeyRangeHoldsExactlyTheRowsWithANullInTheirKey() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.NULLABLE_UNIQUE, new ArrayList<>());
      List<String> expected = IntStream.rangeClosed(1, ROWS).filter(g -> g % 10 == 0 || g % 13 == 0).mapToObj(g -> "r" + g).toList();
      List<List<String>> nullRows = read(c, KeyShape.NULLABLE_UNIQUE, key, KeyRange.NULL_KEYS, null);
      assertThat(values(nullRows)).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(nullRows).as("a NULL-key read is not resumable: no key fields").allSatisfy(r -> assertThat(r).hasSize(1));
      assertThat(values(read(c, KeyShape.NULLABLE_UNIQUE, key, new KeyRange(null, null), null)))
          .as("an open range holds only whole keys").hasSize(ROWS - expected.size()).doesNotContainAnyElementsOf(expected);
    }
  }

  @Test
  void aTenantIdLeadsEveryRow() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.INT, new ArrayList<>());
      RangeRead read = new RangeRead(name(KeyShape.INT), List.of("v"), key, new KeyRange(List.of("1"), List.of("3")), null, "t-1");
      assertThat(CopyRows.decodeText(dialect().openCopy(c, read))).containsExactly(List.of("t-1", "r1", "1"), List.of("t-1", "r2", "2"));
    }
  }

  @Test
  void theFirstRowAfterAResumeKeyReadsBackAsText() throws SQLException {
    try (Connection c = connect()) {
      SplitKey key = splitKey(c, KeyShape.TEXT, new ArrayList<>());
      List<List<String>> rows = read(c, KeyShape.TEXT, key, KeyRange.ALL, null);
      RangeRead read = new RangeRead(name(KeyShape.TEXT), List.of("code", "v"), key, KeyRange.ALL, rows.get(4).subList(1, 2), null);
      String line = CopyRows.text(dialect().openFirstRow(c, read));
      // A line is code, v and the key: v stands between tabs.
      assertThat(line).as("the row after %s", rows.get(4)).contains("\t" + rows.get(5).get(0) + "\t")
          .doesNotContain("\t" + rows.get(4).get(0) + "\t");
      assertThat(line.strip().lines()).hasSize(1);
    }
  }

  // ---- helpers

  private SplitKey splitKey(Connection c, KeyShape shape, List<String> warnings) throws SQLException {
    return dialect().splitKey(c, dialect().describe(c, name(shape), new ArrayList<>()), warnings);
  }

  /** The rows of a range: {@code v}, then the key fields the read appends. */
  private List<List<String>> read(Connection c, KeyShape shape, SplitKey key, KeyRange range, List<String> resumeAfter)
      throws SQLException {
    RangeRead read = new RangeRead(name(shape), List.of("v"), key.ordered() ? key : null, range, resumeAfter, null);
    List<List<String>> rows = CopyRows.decodeText(dialect().openCopy(c, read));
    rows.forEach(r -> assertThat(r).hasSize(1 + read.keyFields()));
    return rows;
  }

  private static List<String> values(List<List<String>> rows) {
    return rows.stream().map(r -> r.get(0)).toList();
  }

  private static List<String> names(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(g -> "r" + g).toList();
  }
}
