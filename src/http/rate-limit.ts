/**
 * The web config's `rate_limit`: a token bucket like golang.org/x/time/rate's Limiter,
 * which exporter-toolkit uses. It holds at most `burst` tokens, earns one every `interval`
 * and each request spends one; a request that finds it empty is refused (429).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly intervalSeconds: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.tokens = burst;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) / this.intervalSeconds);
    this.last = t;
  }

  /** Spends a token when there is one. */
  allow(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until the next token (for Retry-After), at least 1. */
  retryAfterSeconds(): number {
    this.refill();
    return Math.max(1, Math.ceil((1 - this.tokens) * this.intervalSeconds));
  }

  /** Whether a new config describes this same bucket (then it keeps its state). */
  same(cfg: { intervalSeconds: number; burst: number } | undefined): boolean {
    return cfg !== undefined && cfg.intervalSeconds === this.intervalSeconds && cfg.burst === this.burst;
  }
}
