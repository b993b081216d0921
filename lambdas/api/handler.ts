// Placeholder until issue 5 lands: the API helper replaces this file.
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
export const handler = async (_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => ({ statusCode: 503, body: '' });
