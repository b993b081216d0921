/** Behaviour items in memory, for tests and benches of the server that need no DynamoDB server. */
import type { SessionMetrics } from '../../contract';
import type { BehaviourItem, BehaviourStore, BehaviourWriter, CustomerBehaviour } from '../../lambdas/shared/serving/behaviour-ports';

export class MemoryBehaviourStore implements BehaviourStore, BehaviourWriter {
  private readonly customers = new Map<string, CustomerBehaviour>();
  private metrics: SessionMetrics | undefined;

  async customer(userId: string): Promise<CustomerBehaviour | undefined> {
    return this.customers.get(userId);
  }

  async sessionMetrics(): Promise<SessionMetrics | undefined> {
    return this.metrics;
  }

  async write(batch: readonly BehaviourItem[]): Promise<void> {
    for (const item of batch) {
      if (item.kind === 'customer') this.customers.set(item.userId, item);
      else this.metrics = item.metrics;
    }
  }
}
