/**
 * The lake in the Glue Data Catalog (issue 25): a database and a table per dataset of contract/catalog.ts,
 * over the lake bucket's prefixes. No crawler: the columns come from the contract, and the month partitions
 * of the curated purchases are projected (Athena computes them from the table's `projection.*` parameters,
 * so a month is queryable as soon as the clean job writes its folder, with no MSCK REPAIR or AddPartition).
 *
 * Facts checked against the AWS docs:
 * - projection parameters `projection.enabled`, `projection.<col>.type` = date, `.format` (Java date pattern),
 *   `.range` (`<start>,NOW+1MONTH`: relative ends `NOW[+-]<n><unit>`), `.interval`, `.interval.unit` (MONTHS) and `storage.location.template`:
 *   https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html and
 *   https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html
 * - Parquet through ParquetHiveSerDe (https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html); JSON lines
 *   through the Hive JSON SerDe, not the OpenX one, whose results Athena's docs say "can be non-deterministic"
 *   (more or fewer rows, unexpected nulls): https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html,
 *   https://docs.aws.amazon.com/athena/latest/ug/hive-json-serde.html. A key missing from a line reads as null.
 * - Athena database names hold lowercase letters, digits and underscores only (config names may hold hyphens).
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_TABLES, type LakeTable } from '../contract/catalog';
import type { RecstreamConfig } from './config';

const FORMATS = {
  parquet: {
    classification: 'parquet',
    inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
  json: {
    classification: 'json',
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe',
  },
} as const;

export const catalogDatabaseName = (config: RecstreamConfig): string => config.name.replace(/-/g, '_');

/** A date projection over `<prefix><column>=<value>/` folders, months from the contract's first to its last (relative to now). */
const projection = (table: LakeTable, location: string): Record<string, string> => {
  const partition = table.partition;
  if (!partition) return {};
  const column = partition.column;
  return {
    'projection.enabled': 'true',
    [`projection.${column}.type`]: 'date',
    [`projection.${column}.format`]: partition.format,
    [`projection.${column}.range`]: `${partition.firstMonth},${partition.lastMonth}`,
    [`projection.${column}.interval`]: '1',
    [`projection.${column}.interval.unit`]: 'MONTHS',
    'storage.location.template': `${location}${column}=\${${column}}/`,
  };
};

export class LakeCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly tables: glue.CfnTable[];

  constructor(scope: Construct, id: string, props: { config: RecstreamConfig; lake: s3.IBucket }) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.databaseName = catalogDatabaseName(props.config);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: this.databaseName, description: 'recstream lake: curated purchases and events, sessions, quarantine, served snapshots (contract/catalog.ts)' },
    });
    this.tables = LAKE_TABLES.map((table) => {
      const format = FORMATS[table.format];
      const location = `s3://${props.lake.bucketName}/${table.prefix}`;
      const cfn = new glue.CfnTable(this, `Table-${table.name}`, {
        catalogId: account,
        databaseName: this.databaseName,
        tableInput: {
          name: table.name,
          description: table.comment,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: format.classification, EXTERNAL: 'TRUE', ...projection(table, location) },
          partitionKeys: table.partition ? [{ name: table.partition.column, type: 'string', comment: `${table.partition.format} of the event time` }] : [],
          storageDescriptor: {
            location,
            columns: table.columns.map(({ name, type, comment }) => ({ name, type, comment })),
            inputFormat: format.inputFormat,
            outputFormat: format.outputFormat,
            serdeInfo: { serializationLibrary: format.serializationLibrary },
          },
        },
      });
      cfn.addResourceDependency(this.database);
      return cfn;
    });
  }
}
