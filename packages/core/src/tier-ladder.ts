import type { SwitchyardConfig, TierConfig } from './config-schema.ts';

/** The tiers in escalation order (cheapest first), with lookups by name. */
export class TierLadder {
  readonly tiers: readonly TierConfig[];
  readonly names: readonly string[];

  constructor(config: Pick<SwitchyardConfig, 'tiers'>) {
    this.tiers = config.tiers;
    this.names = config.tiers.map((tier) => tier.name);
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  /** Position on the ladder; throws for a name that is not a tier. */
  indexOf(name: string): number {
    const index = this.names.indexOf(name);
    if (index < 0) throw new RangeError(`unknown tier "${name}" (tiers: ${this.names.join(', ')})`);
    return index;
  }

  get(name: string): TierConfig {
    return this.tiers[this.indexOf(name)] as TierConfig;
  }

  get top(): TierConfig {
    return this.tiers[this.tiers.length - 1] as TierConfig;
  }

  /** The next tier up, or undefined at the top. */
  next(name: string): string | undefined {
    return this.names[this.indexOf(name) + 1];
  }

  /** `tier` raised to at least `min` and lowered to at most `max` (max wins a conflict: it is a budget cap). */
  clamp(tier: string, bounds: { min?: string | undefined; max?: string | undefined }): string {
    let index = this.indexOf(tier);
    if (bounds.min !== undefined) index = Math.max(index, this.indexOf(bounds.min));
    if (bounds.max !== undefined) index = Math.min(index, this.indexOf(bounds.max));
    return this.names[index] as string;
  }
}
