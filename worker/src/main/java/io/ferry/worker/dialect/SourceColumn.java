package io.ferry.worker.dialect;

/**
 * One column of a source table as the catalog describes it.
 *
 * @param type         the full SQL type as the source prints it ({@code numeric(20,6)}, {@code integer[]})
 * @param defaultExpr  the default expression, or null; a default drawn from a sequence is described by
 *                     {@code sequence} instead
 * @param generatedExpr the expression of a generated (stored) column, or null; such columns are not copied
 * @param identity     {@code always}, {@code by_default} or null
 * @param sequence     for a serial-style column: the sequence its default draws from (unquoted, qualified), else null
 * @param collation    the column's collation as SQL ({@code pg_catalog."C"}) when it is not its type's, else null
 * @param sequenceNext for an identity or serial column: the value its sequence would issue next on the source,
 *                     or null when unknown (no sequence, or no right to read it)
 */
public record SourceColumn(String name, String type, boolean nullable, String defaultExpr, String generatedExpr,
                           String identity, String sequence, String collation, Long sequenceNext) {

  public SourceColumn(String name, String type, boolean nullable, String defaultExpr, String generatedExpr,
      String identity, String sequence) {
    this(name, type, nullable, defaultExpr, generatedExpr, identity, sequence, null, null);
  }

  /** The same column with another type and collation (as they land on the target). */
  public SourceColumn retyped(String newType, String newCollation) {
    return new SourceColumn(name, newType, nullable, defaultExpr, generatedExpr, identity, sequence, newCollation, sequenceNext);
  }

  public boolean generated() {
    return generatedExpr != null;
  }

  public static SourceColumn plain(String name, String type, boolean nullable) {
    return new SourceColumn(name, type, nullable, null, null, null, null);
  }
}
