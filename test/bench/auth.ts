/**
 * What the token check costs the local API: the recommendations route with a
 * real access token (RS256 verification per request) side by side with the
 * same route on the same seeded data without sign-in, measured in the same
 * run with autocannon. `npm run bench:auth [seconds]`
 */
import autocannon from 'autocannon';
import { API_ROUTES } from '../../contract';
import { SEED_USERS } from '../api/seed';
import { startSeededSite } from '../web/site';
import { signInOverHttp } from '../auth/sign-in';
import { startSignedInSite } from '../auth/signed-in-site';

const SECONDS = Number(process.argv[2] ?? 8);
const PATH = API_ROUTES.recommendations.replace('{userId}', SEED_USERS[0].user_id);

const measure = async (name: string, url: string, headers: Record<string, string> = {}) => {
  console.error(`bench: ${name}, ${SECONDS} s, 10 connections ...`);
  const r = await autocannon({ url, connections: 10, duration: SECONDS, headers });
  return { name, rps: r.requests.average, p99: r.latency.p99, status: r.non2xx ? `${r.non2xx} non-2xx` : 'all 2xx' };
};

const main = async () => {
  const open = await startSeededSite();
  const anchor = await measure('without sign-in (anchor)', `${open.url}${PATH}`);
  await open.close();

  const site = await startSignedInSite();
  const { accessToken } = await signInOverHttp(site.provider, site.url);
  const checked = await measure('valid token, verified per request', `${site.url}${PATH}`, { authorization: `Bearer ${accessToken}` });
  const refused = await measure('no token (401 before the API)', `${site.url}${PATH}`);
  await site.close();

  for (const r of [anchor, checked, refused]) {
    console.log(`${r.name.padEnd(36)} ${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s  p99 ${String(r.p99).padStart(3)} ms  ${r.status}  ratio ${(r.rps / anchor.rps).toFixed(2)}`);
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
