// Placeholder until issue 3 lands: the ingest helper replaces this file.
import type { S3Event } from 'aws-lambda';
export const handler = async (event: S3Event): Promise<{ records: number }> => ({ records: event.Records.length });
