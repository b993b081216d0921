/**
 * Hive column types (what contract/catalog.ts declares and Glue stores) as DuckDB types, so the twin's views
 * give each column the type Athena gives it: `string` -> VARCHAR, `array<struct<a:string>>` -> STRUCT(a VARCHAR)[].
 */
const PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  // Spark writes UTC instants (Parquet isAdjustedToUTC); Athena reads them as timestamps in UTC: the twin's
  // session time zone is UTC and the views cast to a plain TIMESTAMP, so hour() and dates agree.
  timestamp: 'TIMESTAMP',
};

/** Splits `a:x,b:struct<c:y,d:z>` at its top-level commas. */
const topLevel = (text: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<' || text[i] === '(') depth++;
    else if (text[i] === '>' || text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
};

export const duckdbType = (hive: string): string => {
  const type = hive.trim();
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const array = /^array<(.*)>$/.exec(type);
  if (array) return `${duckdbType(array[1])}[]`;
  const struct = /^struct<(.*)>$/.exec(type);
  if (struct) {
    const fields = topLevel(struct[1]).map((field) => {
      const colon = field.indexOf(':');
      return `"${field.slice(0, colon)}" ${duckdbType(field.slice(colon + 1))}`;
    });
    return `STRUCT(${fields.join(', ')})`;
  }
  const primitive = PRIMITIVES[type];
  if (!primitive) throw new Error(`no DuckDB type for the Hive type '${hive}'`);
  return primitive;
};
