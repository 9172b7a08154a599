package io.ferry.worker.dialect;

import java.util.List;

/**
 * A secondary index or unique constraint of a source table (primary keys are described separately).
 *
 * @param constraint true when the index backs a {@code UNIQUE} constraint (recreated as a constraint)
 * @param method     access method ({@code btree}, {@code gin}, …)
 * @param keys       key parts in order
 * @param include    non-key ({@code INCLUDE}) column names
 * @param predicate  the partial-index predicate as SQL text, or null
 */
public record SourceIndex(String name, boolean unique, boolean constraint, String method, List<Key> keys,
                          List<String> include, String predicate) {

  /**
   * One key part: a column name, or (when {@code column} is null) an expression as SQL text.
   * {@code options} is what follows it in the index definition: a collation and operator class that are
   * not the default, then the ordering, e.g. {@code COLLATE pg_catalog."C" text_pattern_ops DESC}, or empty.
   */
  public record Key(String column, String expression, String options) {

    public static Key column(String name) {
      return new Key(name, null, "");
    }
  }
}
