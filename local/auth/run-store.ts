/**
 * Where the local sign-in provider keeps its state (sessions, interactions, codes, grants, tokens,
 * the site's client): in this process, for one run of the twin. That is all the twin needs: one
 * process, and a restart means a new run with a new signing key, so every earlier session is void
 * anyway. Given to oidc-provider explicitly, the store is a decision rather than its quick-start
 * default, which it warns must be changed (on AWS, Cognito keeps this state).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** ms since the epoch; undefined never expires. */
  expiresAt?: number;
}

/** A fresh store per provider start: oidc-provider constructs one adapter per model name ("Session", "Grant", …). */
export const runStore = (now: () => number = Date.now) => {
  const entries = new Map<string, Entry>();
  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  const findWhere = (name: string, match: (p: AdapterPayload) => boolean) => {
    for (const key of entries.keys()) {
      if (!key.startsWith(`${name}:`)) continue;
      const payload = live(key);
      if (payload && match(payload)) return payload;
    }
    return undefined;
  };

  return class RunStore implements Adapter {
    constructor(private readonly name: string) {}
    private key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      entries.set(this.key(id), { payload, expiresAt: expiresIn === undefined ? undefined : now() + expiresIn * 1000 });
    }
    async find(id: string) {
      return live(this.key(id));
    }
    async findByUid(uid: string) {
      return findWhere(this.name, (p) => p.uid === uid);
    }
    async findByUserCode(userCode: string) {
      return findWhere(this.name, (p) => p.userCode === userCode);
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(now() / 1000);
    }
    async destroy(id: string) {
      entries.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
    }
  };
};
