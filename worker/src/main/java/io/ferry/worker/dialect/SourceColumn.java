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
 */
public record SourceColumn(String name, String type, boolean nullable, String defaultExpr, String generatedExpr,
                           String identity, String sequence) {

  public boolean generated() {
    return generatedExpr != null;
  }

  public static SourceColumn plain(String name, String type, boolean nullable) {
    return new SourceColumn(name, type, nullable, null, null, null, null);
  }
}
