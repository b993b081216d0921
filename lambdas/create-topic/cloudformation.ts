/** The custom-resource protocol: parse the request, PUT the outcome to its presigned S3 URL. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TopicRequestProperties {
  BootstrapBrokers: string;
  TopicName: string;
  Partitions: string | number;
}

export interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: TopicRequestProperties & { ServiceToken: string };
}

export interface CustomResourceOutcome {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

export const responseBody = (event: CustomResourceEvent, outcome: CustomResourceOutcome): string =>
  JSON.stringify({ ...outcome, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });

/**
 * Reaches S3 through the VPC's gateway endpoint; the URL is presigned, so no
 * credentials are involved. (CloudFormation's URLs are https; http serves a
 * receiver on loopback in the tests.)
 */
export function sendResponse(responseUrl: string, body: string): Promise<void> {
  const request = new URL(responseUrl).protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      responseUrl,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`CloudFormation response rejected: HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
