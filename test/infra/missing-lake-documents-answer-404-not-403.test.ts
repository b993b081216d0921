// Issue 12.4: S3 answers GetObject on a missing key with 404 NoSuchKey only to a caller allowed s3:ListBucket on
// the bucket (403 otherwise: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). The API's
// "no analytics yet" path and the loader's optional fallback.json both rely on that 404.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionsOf, defaultStack, idStartingWith, statementsOfRole } from './synth';

const s = defaultStack();
const lakeId = idStartingWith(s, 'AWS::S3::Bucket', 'Lake');

for (const role of ['ServingApiFnServiceRole', 'ServingLoaderFnServiceRole']) {
  test(`${role} may list the lake bucket without a prefix condition, so a missing key is a 404`, () => {
    const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', role));
    const list = statements.filter(
      (st) => actionsOf(st).includes('s3:ListBucket') && JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [lakeId, 'Arn'] }),
    );
    assert.equal(list.length, 1, JSON.stringify(statements));
    assert.equal(list[0].Condition, undefined);
  });
}
