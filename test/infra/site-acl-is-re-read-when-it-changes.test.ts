// Issue 12.6: the main stack reads the us-east-1 web ACL's ARN with a custom resource, which CloudFormation runs
// again only when its properties change. They must change whenever the ACL's definition does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG } from '../../lib/config';
import { siteAclProps } from '../../lib/edge';
import { synthesize } from './synth';

/** The reader's Create/Update properties and the edge stack's ACL, for one config. */
function synthReaderAndAcl(context: Record<string, unknown>): { reader: string; acl: unknown } {
  const s = synthesize({ context });
  const [reader] = Object.entries(s.resources)
    .filter(([id, r]) => r.Type === 'Custom::AWS' && id.startsWith('EdgeWebAclArn'))
    .map(([, r]) => JSON.stringify([r.Properties!.Create, r.Properties!.Update]));
  const [acl] = Object.values(Template.fromStack(s.edge).findResources('AWS::WAFv2::WebACL'));
  return { reader, acl };
}

const base = synthReaderAndAcl({});

test('the edge stack deploys exactly the definition the reader fingerprints', () => {
  assert.equal((base.acl as any).Properties.Name, siteAclProps(DEFAULT_CONFIG).name);
  assert.equal((base.acl as any).Properties.Rules[0].Statement.RateBasedStatement.Limit, DEFAULT_CONFIG.auth.requestsPer5MinutesPerIp);
});

test("a changed ACL definition changes the reader's properties, so the new ARN is read", () => {
  const changed = synthReaderAndAcl({ auth: { requestsPer5MinutesPerIp: DEFAULT_CONFIG.auth.requestsPer5MinutesPerIp * 2 } });
  assert.notDeepEqual(changed.acl, base.acl);
  assert.notEqual(changed.reader, base.reader);
});

test("an unchanged ACL leaves the reader's properties unchanged (no needless re-read)", () => {
  assert.equal(synthReaderAndAcl({}).reader, base.reader);
});
