package io.ferry.worker.sqlserver;

import io.ferry.worker.dialect.SourceCheck;
import io.ferry.worker.dialect.SourceColumn;
import io.ferry.worker.dialect.SourceIndex;
import io.ferry.worker.dialect.SourceTable;
import io.ferry.worker.postgres.PgSql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates a T-SQL expression as SQL Server's catalog prints it ({@code ([qty]>(0))}, {@code (getdate())},
 * {@code (N'abc')}) into PostgreSQL text (the table in {@code docs/sqlserver.md}). It reads a small
 * grammar on purpose: literals, the table's columns, operators, {@code CASE}, and a closed list of
 * functions; anything else, and any {@code +} whose operands' types are not known, makes
 * {@link #translate} return null so the caller leaves the expression out rather than carry one that
 * would fail, or mean something else, on the target.
 */
public final class SqlServerExpressions {

  /** What {@code newid()} becomes: built into PostgreSQL from version 13 (pgcrypto's before). */
  static final String RANDOM_UUID = "gen_random_uuid()";

  /** What an operand is known to hold, as far as the translation needs to know. */
  enum Kind { TEXT, NUMBER, BIT, TIME, TIMETZ, BOOL, OTHER }

  /** A translated expression; {@code immutable}: PostgreSQL may compute a generated column from it. */
  record Translation(String text, boolean immutable) {
  }

  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "is", "null", "like", "in", "between",
      "case", "when", "then", "else", "end");
  /** Functions with the same name, arguments and meaning on both sides (all immutable). */
  private static final Set<String> SAME = Set.of("coalesce", "nullif", "upper", "lower", "ltrim", "rtrim", "abs",
      "floor", "round", "sign", "power", "sqrt");
  private static final Map<String, String> DATE_PARTS = Map.ofEntries(Map.entry("year", "year"),
      Map.entry("yy", "year"), Map.entry("yyyy", "year"), Map.entry("quarter", "quarter"), Map.entry("qq", "quarter"),
      Map.entry("q", "quarter"), Map.entry("month", "month"), Map.entry("mm", "month"), Map.entry("m", "month"),
      Map.entry("day", "day"), Map.entry("dd", "day"), Map.entry("d", "day"), Map.entry("dayofyear", "doy"),
      Map.entry("dy", "doy"), Map.entry("y", "doy"), Map.entry("hour", "hour"), Map.entry("hh", "hour"),
      Map.entry("minute", "minute"), Map.entry("mi", "minute"), Map.entry("n", "minute"));

  /** Why an expression is not carried; internal to one translation. */
  private static final class Untranslatable extends RuntimeException {
    Untranslatable(String why) {
      super(why, null, false, false);
    }
  }

  private record Tok(char type, String text) {
    // type: s string, n number, i quoted identifier, w word, o operator, ( ) ,
  }

  private record Item(String text, Kind kind, boolean operator, String number) {
    static Item op(String text) {
      return new Item(text, null, true, null);
    }
  }

  private final Map<String, String> columnTypes;
  private List<Tok> toks;
  private int pos;
  private boolean immutable;
  /** What {@code getdate()} becomes: the local time, or now() for a default of a {@code datetimeoffset} column. */
  private String localNow;

  /** @param columnTypes every column of the table → its SQL Server type */
  SqlServerExpressions(Map<String, String> columnTypes) {
    this.columnTypes = columnTypes;
  }

  /**
   * The PostgreSQL form of {@code tsql}, or null when it cannot be translated with certainty.
   *
   * @param columnType the SQL Server type of the column whose default this is (the value takes its type:
   *                   {@code getdate()} of a {@code datetimeoffset} column is {@code now()}, {@code 1} of a
   *                   {@code bit} column is {@code true}); null for other expressions
   */
  Translation translate(String tsql, String columnType) {
    try {
      Kind column = columnType == null ? null : kindOf(columnType);
      toks = tokens(tsql);
      pos = 0;
      immutable = true;
      localNow = column == Kind.TIMETZ ? "now()" : "LOCALTIMESTAMP";
      Item out = sequence(false);
      if (pos < toks.size()) {
        throw new Untranslatable("unexpected " + toks.get(pos).text());
      }
      String text = out.text();
      if (column == Kind.BIT && out.number() != null) {
        text = bool(out.number());
      } else if (column == Kind.BIT && out.kind() == Kind.NUMBER) {
        throw new Untranslatable("a number for a bit");
      } else if ((column == Kind.TIME || column == Kind.TIMETZ) && out.kind() == Kind.NUMBER) {
        throw new Untranslatable("a number for a date"); // SQL Server counts days from 1900-01-01
      }
      return new Translation(text, immutable);
    } catch (Untranslatable e) {
      return null;
    }
  }

  /**
   * The table with its expressions in PostgreSQL's dialect. What cannot be translated is left out, each
   * named in {@code warnings}: a default or CHECK constraint is dropped, a filtered index is dropped (without
   * its filter a unique one would refuse rows the source holds), and a computed column whose expression is
   * not translated or not immutable (PostgreSQL computes a generated column only from immutable functions)
   * becomes a plain column whose values are copied.
   */
  public static SourceTable forPostgres(SourceTable table, List<String> warnings) {
    Map<String, String> types = new LinkedHashMap<>();
    table.columns().forEach(c -> types.put(c.name(), c.type()));
    SqlServerExpressions expressions = new SqlServerExpressions(types);
    String prefix = "table " + table.name() + ": ";
    List<SourceColumn> columns = new ArrayList<>();
    for (SourceColumn c : table.columns()) {
      String defaultExpr = null;
      if (c.defaultExpr() != null) {
        Translation t = expressions.translate(c.defaultExpr(), c.type());
        if (t == null) {
          warnings.add(prefix + "the default of column " + c.name() + " (" + c.defaultExpr() + ") is not carried:"
              + " Ferry cannot translate it to PostgreSQL");
        } else {
          defaultExpr = t.text();
        }
      }
      String generated = null;
      if (c.generatedExpr() != null) {
        Translation t = expressions.translate(c.generatedExpr(), null);
        boolean readsGenerated = t != null && table.columns().stream()
            .anyMatch(o -> o.generated() && o != c && t.text().contains(PgSql.ident(o.name())));
        if (t == null || !t.immutable() || readsGenerated) {
          warnings.add(prefix + "computed column " + c.name() + " (" + c.generatedExpr() + ") lands as a plain column"
              + " holding the copied values: " + (t == null ? "Ferry cannot translate its expression to PostgreSQL"
              : readsGenerated ? "it reads another computed column, which PostgreSQL does not allow"
              : "its PostgreSQL form " + t.text() + " is not immutable"));
        } else {
          generated = t.text();
        }
      }
      columns.add(new SourceColumn(c.name(), c.type(), c.nullable(), defaultExpr, generated, c.identity(), c.sequence(),
          c.collation(), c.sequenceNext()));
    }
    List<SourceCheck> checks = new ArrayList<>();
    for (SourceCheck check : table.checks()) {
      String body = check.definition().replaceFirst("(?i)^CHECK\\s*", "");
      Translation t = expressions.translate(body, null);
      if (t == null) {
        warnings.add(prefix + "CHECK constraint " + check.name() + " (" + body + ") is not carried: Ferry cannot"
            + " translate it to PostgreSQL");
      } else {
        checks.add(new SourceCheck(check.name(), "CHECK " + t.text()));
      }
    }
    List<SourceIndex> indexes = new ArrayList<>();
    for (SourceIndex index : table.indexes()) {
      Translation t = index.predicate() == null ? null : expressions.translate(index.predicate(), null);
      if (index.predicate() != null && t == null) {
        warnings.add(prefix + "index " + index.name() + " is not carried: Ferry cannot translate its filter ("
            + index.predicate() + ") to PostgreSQL");
        continue;
      }
      indexes.add(t == null ? index : new SourceIndex(index.name(), index.unique(), index.constraint(), index.method(),
          index.keys(), index.include(), t.text()));
    }
    return new SourceTable(table.name(), table.partitioned(), columns, table.primaryKey(), indexes, table.foreignKeys(),
        table.estimatedRows(), table.estimatedBytes(), table.partitionKey(), table.partitions(), checks);
  }

  // ---- tokens

  static List<Tok> tokens(String s) {
    List<Tok> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || ((c == 'N' || c == 'n') && i + 1 < n && s.charAt(i + 1) == '\'')) {
        int start = c == '\'' ? i : i + 1;
        int end = closing(s, start, '\'');
        out.add(new Tok('s', s.substring(start + 1, end).replace("''", "'")));
        i = end + 1;
      } else if (c == '[' || c == '"') {
        char close = c == '[' ? ']' : '"';
        int end = closing(s, i, close);
        out.add(new Tok('i', s.substring(i + 1, end).replace("" + close + close, "" + close)));
        i = end + 1;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
        int end = i;
        while (end < n && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
          end++;
        }
        if (end < n && (Character.isLetter(s.charAt(end)) || s.charAt(end) == '_')) {
          throw new Untranslatable("number " + s.substring(i, end + 1)); // 1e5, 0x1F, $-money
        }
        out.add(new Tok('n', s.substring(i, end)));
        i = end;
      } else if (Character.isLetter(c) || c == '_' || c == '@' || c == '#') {
        int end = i;
        while (end < n && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_' || s.charAt(end) == '@'
            || s.charAt(end) == '#' || s.charAt(end) == '$')) {
          end++;
        }
        out.add(new Tok('w', s.substring(i, end)));
        i = end;
      } else if (c == '(' || c == ')' || c == ',') {
        out.add(new Tok(c, String.valueOf(c)));
        i++;
      } else if ("<>!=".indexOf(c) >= 0) {
        int end = i + 1;
        if (end < n && "<>=".indexOf(s.charAt(end)) >= 0) {
          end++;
        }
        String op = s.substring(i, end);
        if (!Set.of("=", "<", ">", "<=", ">=", "<>", "!=").contains(op)) {
          throw new Untranslatable("operator " + op);
        }
        out.add(new Tok('o', op.equals("!=") ? "<>" : op));
        i = end;
      } else if ("+-*/%".indexOf(c) >= 0) {
        if ((c == '-' && i + 1 < n && s.charAt(i + 1) == '-') || (c == '/' && i + 1 < n && s.charAt(i + 1) == '*')) {
          throw new Untranslatable("comment");
        }
        out.add(new Tok('o', String.valueOf(c)));
        i++;
      } else {
        throw new Untranslatable("character " + c);
      }
    }
    return out;
  }

  private static int closing(String s, int open, char close) {
    int i = open + 1;
    while (i < s.length()) {
      if (s.charAt(i) == close) {
        if (i + 1 < s.length() && s.charAt(i + 1) == close) {
          i += 2;
          continue;
        }
        return i;
      }
      i++;
    }
    throw new Untranslatable("unterminated quote");
  }

  // ---- parsing and translation

  private Tok peek() {
    return pos < toks.size() ? toks.get(pos) : null;
  }

  private boolean peekWord(String word) {
    Tok t = peek();
    return t != null && t.type() == 'w' && t.text().equalsIgnoreCase(word);
  }

  private void expect(char type) {
    Tok t = peek();
    if (t == null || t.type() != type) {
      throw new Untranslatable("expected " + type);
    }
    pos++;
  }

  /** Operands and operators up to a closing parenthesis, a comma, the end, or ({@code inCast}) {@code AS}. */
  private Item sequence(boolean inCast) {
    List<Item> items = new ArrayList<>();
    while (pos < toks.size()) {
      Tok t = peek();
      if (t.type() == ')' || t.type() == ',' || (inCast && peekWord("as"))) {
        break;
      }
      pos++;
      switch (t.type()) {
        case 's' -> items.add(new Item(PgSql.literal(t.text()), Kind.TEXT, false, null));
        case 'n' -> items.add(new Item(t.text(), Kind.NUMBER, false, t.text()));
        case 'i' -> items.add(column(t.text(), true));
        case 'o' -> items.add(Item.op(t.text()));
        case '(' -> {
          List<Item> list = list();
          if (list.size() == 1) {
            Item inner = list.get(0);
            items.add(new Item("(" + inner.text() + ")", inner.kind(), false, inner.number()));
          } else {
            items.add(new Item("(" + String.join(", ", list.stream().map(Item::text).toList()) + ")", Kind.OTHER, false, null));
          }
        }
        case 'w' -> items.add(word(t.text()));
        default -> throw new Untranslatable("unexpected " + t.text());
      }
    }
    if (items.isEmpty()) {
      throw new Untranslatable("empty expression");
    }
    return combine(items);
  }

  /** Comma-separated sequences after an opening parenthesis, through the closing one. */
  private List<Item> list() {
    List<Item> out = new ArrayList<>();
    out.add(sequence(false));
    while (peek() != null && peek().type() == ',') {
      pos++;
      out.add(sequence(false));
    }
    expect(')');
    return out;
  }

  private Item word(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    boolean call = peek() != null && peek().type() == '(' && !KEYWORDS.contains(w);
    if (call) {
      pos++;
      return call(w);
    }
    if (KEYWORDS.contains(w)) {
      if (w.equals("like")) {
        Tok pattern = peek();
        if (pattern == null || pattern.type() != 's' || pattern.text().contains("[") || pattern.text().contains("\\")) {
          throw new Untranslatable("LIKE pattern");
        }
      }
      return Item.op(w.toUpperCase(Locale.ROOT));
    }
    if (w.equals("current_timestamp")) {
      immutable = false;
      return new Item(localNow, Kind.TIME, false, null);
    }
    return column(word, false);
  }

  private Item column(String name, boolean quoted) {
    String exact = null;
    if (columnTypes.containsKey(name)) {
      exact = name;
    } else {
      List<String> matches = columnTypes.keySet().stream().filter(c -> c.equalsIgnoreCase(name)).toList();
      if (matches.size() == 1) {
        exact = matches.get(0);
      }
    }
    if (exact == null) {
      throw new Untranslatable((quoted ? "name " : "word ") + name);
    }
    return new Item(PgSql.ident(exact), kindOf(columnTypes.get(exact)), false, null);
  }

  private Item call(String name) {
    switch (name) {
      case "getdate", "sysdatetime", "getutcdate", "sysutcdatetime", "sysdatetimeoffset", "newid" -> {
        expect(')');
        immutable = false;
        return switch (name) {
          case "getdate", "sysdatetime" -> new Item(localNow, Kind.TIME, false, null);
          case "getutcdate", "sysutcdatetime" -> new Item("(now() AT TIME ZONE 'utc')", Kind.TIME, false, null);
          case "sysdatetimeoffset" -> new Item("now()", Kind.TIMETZ, false, null);
          default -> new Item(RANDOM_UUID, Kind.OTHER, false, null);
        };
      }
      case "cast" -> {
        Item value = sequence(true);
        if (!peekWord("as")) {
          throw new Untranslatable("CAST without AS");
        }
        pos++;
        String type = type();
        expect(')');
        return cast(value, type);
      }
      case "convert" -> {
        String type = type();
        expect(',');
        Item value = sequence(false);
        expect(')'); // a style argument is not translated
        return cast(value, type);
      }
      case "datepart" -> {
        Tok part = peek();
        String field = part == null || (part.type() != 'w' && part.type() != 's') ? null
            : DATE_PARTS.get(part.text().toLowerCase(Locale.ROOT));
        if (field == null) {
          throw new Untranslatable("datepart");
        }
        pos++;
        expect(',');
        Item value = noBits(List.of(sequence(false))).get(0);
        expect(')');
        if (value.kind() != Kind.TIME) {
          immutable = false; // extract from timestamptz depends on the session's time zone
        }
        return new Item("CAST(extract(" + field + " from " + value.text() + ") AS integer)", Kind.NUMBER, false, null);
      }
      default -> {
        List<Item> args = peek() != null && peek().type() == ')' ? List.of() : null;
        if (args == null) {
          args = noBits(list());
        } else {
          pos++;
        }
        String joined = String.join(", ", args.stream().map(Item::text).toList());
        return switch (name) {
          case "isnull" -> {
            if (args.size() != 2) {
              throw new Untranslatable("isnull");
            }
            yield new Item("coalesce(" + joined + ")", args.get(0).kind(), false, null);
          }
          case "len" -> {
            if (args.size() != 1) {
              throw new Untranslatable("len");
            }
            yield new Item("length(rtrim(" + joined + "))", Kind.NUMBER, false, null);
          }
          case "ceiling" -> new Item("ceil(" + joined + ")", Kind.NUMBER, false, null);
          default -> {
            if (!SAME.contains(name) || args.isEmpty()) {
              throw new Untranslatable("function " + name);
            }
            Kind kind = Set.of("upper", "lower", "ltrim", "rtrim").contains(name) ? Kind.TEXT
                : Set.of("coalesce", "nullif").contains(name) ? args.get(0).kind() : Kind.NUMBER;
            yield new Item(name + "(" + joined + ")", kind, false, null);
          }
        };
      }
    }
  }

  /** A SQL Server type name with its arguments, e.g. {@code nvarchar(20)}, {@code decimal(10, 2)}, {@code varchar(max)}. */
  private String type() {
    Tok name = peek();
    if (name == null || (name.type() != 'w' && name.type() != 'i')) {
      throw new Untranslatable("type");
    }
    pos++;
    StringBuilder type = new StringBuilder(name.text().toLowerCase(Locale.ROOT));
    if (peek() != null && peek().type() == '(') {
      pos++;
      List<String> args = new ArrayList<>();
      while (peek() != null && (peek().type() == 'n' || peek().type() == 'w')) {
        args.add(peek().text().toLowerCase(Locale.ROOT));
        pos++;
        if (peek() != null && peek().type() == ',') {
          pos++;
        }
      }
      expect(')');
      type.append('(').append(String.join(",", args)).append(')');
    }
    return type.toString();
  }

  private Item cast(Item value, String sqlServerType) {
    String target;
    try {
      target = SqlServerTypes.targetType(sqlServerType);
    } catch (RuntimeException e) {
      throw new Untranslatable("type " + sqlServerType);
    }
    Kind kind = kindOf(sqlServerType);
    // Casts to and from dates and times read the session's settings: PostgreSQL marks them stable.
    if (kind == Kind.TIME || kind == Kind.TIMETZ || kind == Kind.OTHER
        || (value.kind() != Kind.NUMBER && value.kind() != Kind.TEXT)) {
      immutable = false;
    }
    String text = kind == Kind.BIT && value.number() != null ? bool(value.number()) : "CAST(" + value.text() + " AS " + target + ")";
    return new Item(text, kind == Kind.BIT ? Kind.BOOL : kind, false, null);
  }

  /**
   * Joins a sequence: {@code +} between two texts becomes {@code ||} and stays between two numbers (any
   * other pair is not translated); a {@code bit} column compared with 0 or 1 is compared with false or true.
   */
  private static Item combine(List<Item> items) {
    if (items.size() == 1) {
      return items.get(0);
    }
    List<String> out = new ArrayList<>(items.size());
    boolean comparison = false;
    boolean concatenation = false;
    boolean arithmetic = false;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Item before = i > 0 ? items.get(i - 1) : null;
      Item after = i + 1 < items.size() ? items.get(i + 1) : null;
      if (item.operator() && item.text().equals("+") && before != null && !before.operator()) {
        if (after == null || after.operator()) {
          throw new Untranslatable("+");
        }
        if (before.kind() == Kind.TEXT && after.kind() == Kind.TEXT) {
          out.add("||");
          concatenation = true;
        } else if (before.kind() == Kind.NUMBER && after.kind() == Kind.NUMBER) {
          out.add("+");
          arithmetic = true;
        } else {
          throw new Untranslatable("+ of " + before.kind() + " and " + after.kind());
        }
        continue;
      }
      if (item.operator() && Set.of("-", "*", "/", "%").contains(item.text())) {
        arithmetic = true;
      }
      if (item.operator() && Set.of("=", "<>", "<", ">", "<=", ">=", "AND", "OR", "NOT", "IS", "IN", "LIKE",
          "BETWEEN").contains(item.text())) {
        comparison = true;
      }
      if (!item.operator() && item.number() != null && bitComparison(before, items, i, -1)
          || !item.operator() && item.number() != null && bitComparison(after, items, i, 1)) {
        out.add(bool(item.number()));
        continue;
      }
      if (!item.operator() && item.kind() == Kind.BIT && !comparedAsBit(items, i)) {
        throw new Untranslatable("bit used other than compared with 0, 1 or another bit");
      }
      out.add(item.text());
    }
    Kind kind = comparison ? Kind.BOOL : concatenation ? Kind.TEXT : arithmetic ? Kind.NUMBER : Kind.OTHER;
    return new Item(String.join(" ", out), kind, false, null);
  }

  /** True when {@code op} (the neighbour of items[i]) is = or &lt;&gt; with a bit column on its far side. */
  private static boolean bitComparison(Item op, List<Item> items, int i, int direction) {
    if (op == null || !op.operator() || !(op.text().equals("=") || op.text().equals("<>"))) {
      return false;
    }
    int far = i + 2 * direction;
    return far >= 0 && far < items.size() && items.get(far).kind() == Kind.BIT;
  }

  /**
   * A bit column lands as boolean, which PostgreSQL neither computes with nor compares with numbers: it is
   * carried only when compared (= or &lt;&gt;) with 0, 1 or another bit, or tested with IS.
   */
  private static boolean comparedAsBit(List<Item> items, int i) {
    Item after = i + 1 < items.size() ? items.get(i + 1) : null;
    if (after != null && after.operator() && after.text().equals("IS")) {
      return true;
    }
    for (int direction : new int[] {-1, 1}) {
      int op = i + direction;
      int far = i + 2 * direction;
      if (op >= 0 && op < items.size() && far >= 0 && far < items.size() && items.get(op).operator()
          && (items.get(op).text().equals("=") || items.get(op).text().equals("<>"))) {
        Item other = items.get(far);
        if (other.kind() == Kind.BIT || other.kind() == Kind.BOOL
            || (other.number() != null && other.number().matches("0*[01]"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Functions other than CAST get no bit argument: PostgreSQL's have none for boolean. */
  private static List<Item> noBits(List<Item> args) {
    if (args.stream().anyMatch(a -> a.kind() == Kind.BIT)) {
      throw new Untranslatable("bit argument");
    }
    return args;
  }

  private static String bool(String number) {
    return switch (number.replaceAll("^0+(?=\\d)", "")) {
      case "0" -> "false";
      case "1" -> "true";
      default -> throw new Untranslatable("bit value " + number);
    };
  }

  static Kind kindOf(String sqlServerType) {
    return switch (SqlServerType.parse(sqlServerType).name()) {
      case "char", "nchar", "varchar", "nvarchar", "text", "ntext", "sysname" -> Kind.TEXT;
      case "int", "bigint", "smallint", "tinyint", "decimal", "numeric", "money", "smallmoney", "float", "real" -> Kind.NUMBER;
      case "bit" -> Kind.BIT;
      case "date", "datetime", "datetime2", "smalldatetime", "time" -> Kind.TIME;
      case "datetimeoffset" -> Kind.TIMETZ;
      default -> Kind.OTHER;
    };
  }
}
