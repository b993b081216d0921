/** What a run has started, stopped in reverse order on success, failure or Ctrl-C. */
export class Resources {
  private readonly stack: { name: string; stop: () => Promise<void> }[] = [];
  private closing: Promise<void> | null = null;

  add(name: string, stop: () => Promise<void>): void {
    this.stack.push({ name, stop });
  }

  /** Stops one resource early (e.g. the broker once the lake is complete). */
  async release(name: string): Promise<void> {
    const index = this.stack.findIndex((r) => r.name === name);
    if (index < 0) return;
    const [resource] = this.stack.splice(index, 1);
    await resource.stop();
  }

  /** Stops everything; every stop runs even if an earlier one fails. */
  closeAll(log: (line: string) => void = () => {}): Promise<void> {
    this.closing ??= (async () => {
      while (this.stack.length > 0) {
        const { name, stop } = this.stack.pop()!;
        try {
          await stop();
          log(`stopped ${name}`);
        } catch (error) {
          log(`stopping ${name} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.closing;
  }
}
