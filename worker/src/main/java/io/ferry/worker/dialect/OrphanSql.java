package io.ferry.worker.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one statement that finds a foreign key's orphans, in the SQL both engines share (window functions,
 * {@code NOT EXISTS}); a dialect gives it its quoting and its count function.
 *
 * <p>The anti-join is set-based: the database hashes or merges the two tables once, never a lookup per
 * row. A row with a NULL in any of the key's columns references nothing (both engines' default
 * {@code MATCH SIMPLE}), so it is no orphan. The equality is the columns' own, so a case-insensitive
 * collation matches as the key itself does. Per tenant (the child row's tenant column) the statement
 * counts every orphan, and lists the first {@code maxKeys} of all tenants, in tenant and key order, plus
 * the first row of each tenant beyond them so that its count is read too.
 *
 * <p>Columns of the result: the tenant (the empty string without a tenant column), the tenant's orphan
 * count, the row's number over all tenants, then the row's key columns (the tenant column left out).
 */
public final class OrphanSql {

  private OrphanSql() {
  }

  /**
   * @param ident  quotes an identifier
   * @param table  quotes a schema-qualified table
   * @param count  the engine's 64-bit count of rows ({@code count(*)}, {@code COUNT_BIG(*)})
   */
  public static String build(ForeignKey fk, String tenantColumn, int maxKeys, Function<String, String> ident,
      Function<TableName, String> table, String count) {
    List<String> keys = listed(fk, tenantColumn);
    String tenant = tenantColumn == null ? "''" : "c." + ident.apply(tenantColumn);
    String byTenant = tenantColumn == null ? "" : "PARTITION BY " + tenant + " ";
    List<String> keyColumns = keys.stream().map(k -> "c." + ident.apply(k)).toList();
    String keyOrder = String.join(", ", keyColumns);
    List<String> selected = new ArrayList<>();
    for (int i = 0; i < keyColumns.size(); i++) {
      selected.add(keyColumns.get(i) + " AS k" + (i + 1));
    }
    List<String> notNull = new ArrayList<>();
    List<String> matches = new ArrayList<>();
    for (int i = 0; i < fk.columns().size(); i++) {
      String column = "c." + ident.apply(fk.columns().get(i));
      notNull.add(column + " IS NOT NULL");
      matches.add("p." + ident.apply(fk.referencedColumns().get(i)) + " = " + column);
    }
    List<String> outer = new ArrayList<>(List.of("o.t", "o.n", "o.rn"));
    for (int i = 0; i < keyColumns.size(); i++) {
      outer.add("o.k" + (i + 1));
    }
    return "SELECT " + String.join(", ", outer) + " FROM (SELECT " + tenant + " AS t, " + count + " OVER (" + byTenant.strip()
        + ") AS n, row_number() OVER (" + byTenant + "ORDER BY " + keyOrder + ") AS rt, row_number() OVER (ORDER BY "
        + (tenantColumn == null ? "" : tenant + ", ") + keyOrder + ") AS rn, " + String.join(", ", selected)
        + " FROM " + table.apply(fk.table()) + " c WHERE " + String.join(" AND ", notNull)
        + " AND NOT EXISTS (SELECT 1 FROM " + table.apply(fk.referencedTable()) + " p WHERE "
        + String.join(" AND ", matches) + ")) o WHERE o.rn <= " + maxKeys + " OR o.rt = 1 ORDER BY o.rn";
  }

  /** The columns listed for an orphan: its row's key without the tenant column (its tenant is said apart). */
  public static List<String> listed(ForeignKey fk, String tenantColumn) {
    List<String> keys = fk.rowKey().stream().filter(c -> !c.equals(tenantColumn)).toList();
    if (keys.isEmpty()) {
      keys = fk.columns().stream().filter(c -> !c.equals(tenantColumn)).toList();
    }
    return keys.isEmpty() ? fk.columns() : keys;
  }
}
