/**
 * The outcome of configuration reloads, served as Prometheus serves its own:
 * `hostprobe_config_last_reload_successful` (1 at start, then whether the last SIGHUP
 * reload was applied) and `hostprobe_config_last_reload_success_timestamp_seconds` (the
 * start, then the last applied reload).
 */
import { CATALOG as C } from '../sinks/prometheus/catalog.js';
import type { RuntimeFamily } from '../contract/snapshot.js';

export class ReloadStatus {
  private successful = true;
  private successSeconds: number;

  /** `clock`: unix ms (the poll clock, so the test-only frozen clock applies here too). */
  constructor(private readonly clock: () => number) {
    this.successSeconds = clock() / 1000;
  }

  succeeded(): void {
    this.successful = true;
    this.successSeconds = this.clock() / 1000;
  }

  failed(): void {
    this.successful = false;
  }

  get lastSuccessful(): boolean {
    return this.successful;
  }

  families(): RuntimeFamily[] {
    const fam = (d: { name: string; help: string }, value: number): RuntimeFamily => ({
      name: d.name,
      help: d.help,
      type: 'gauge',
      values: [{ labels: {}, value }],
    });
    return [fam(C.configLastReloadSuccessful, this.successful ? 1 : 0), fam(C.configLastReloadSuccessTimestamp, this.successSeconds)];
  }
}
