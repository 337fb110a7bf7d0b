import type { SwitchyardConfig } from '@switchyard/core';
import { ApiError } from '../api-errors.ts';

/** What a chat completion's `model` asks for: routing, or a pinned tier. */
export type ModelChoice = { kind: 'auto' } | { kind: 'tier'; tier: string };

export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

const autoNames = ['auto', 'switchyard/auto'];

/**
 * The names a client may put in `model`: `auto` (or `switchyard/auto`) routes; a tier name (or
 * `switchyard/<tier>`) pins the tier; a configured deployment's model (or `provider/model`) pins
 * that deployment's tier, so the request runs on the tier that serves it and escalates from there
 * as any other. A name that is both a tier and a model means the tier.
 */
export class ModelCatalog {
  private readonly choices = new Map<string, ModelChoice>();
  /** Every name, listed or alias, to the one listed entry it names. */
  private readonly named = new Map<string, ModelEntry>();
  readonly entries: ModelEntry[] = [];

  constructor(config: Pick<SwitchyardConfig, 'tiers'>, created = Math.floor(Date.now() / 1_000)) {
    // An alias (`listedAs`) answers with the entry of the listed name it stands for.
    const add = (id: string, ownedBy: string, choice: ModelChoice, listedAs?: string) => {
      if (this.choices.has(id)) return;
      this.choices.set(id, choice);
      if (listedAs === undefined) {
        const entry: ModelEntry = { id, object: 'model', created, owned_by: ownedBy };
        this.entries.push(entry);
        this.named.set(id, entry);
        return;
      }
      const entry = this.named.get(listedAs);
      if (entry !== undefined) this.named.set(id, entry);
    };
    add('auto', 'switchyard', { kind: 'auto' });
    for (const name of autoNames.slice(1)) add(name, 'switchyard', { kind: 'auto' }, 'auto');
    for (const tier of config.tiers) add(tier.name, 'switchyard', { kind: 'tier', tier: tier.name });
    for (const tier of config.tiers)
      add(`switchyard/${tier.name}`, 'switchyard', { kind: 'tier', tier: tier.name }, tier.name);
    for (const tier of config.tiers) {
      for (const deployment of tier.deployments) {
        const choice: ModelChoice = { kind: 'tier', tier: tier.name };
        add(deployment.model, deployment.provider, choice);
        add(`${deployment.provider}/${deployment.model}`, deployment.provider, choice, deployment.model);
      }
    }
  }

  /** 404 `model_not_found` (OpenAI's code) for a name that is none of the above. */
  resolve(model: string): ModelChoice {
    const choice = this.choices.get(model);
    if (choice === undefined) {
      throw new ApiError(
        'model_not_found',
        `The model "${model}" does not exist here: ` +
          'use "auto", a tier or a configured model (GET /v1/models lists them)',
        'model',
      );
    }
    return choice;
  }

  /** The entry a name stands for, by its listed name or an alias; undefined for an unknown name. */
  find(id: string): ModelEntry | undefined {
    return this.named.get(id);
  }

  /** `GET /v1/models/:id`: the entry, or the same 404 as `resolve`. */
  entry(id: string): ModelEntry {
    const entry = this.find(id);
    if (entry !== undefined) return entry;
    this.resolve(id);
    throw new ApiError('model_not_found', `The model "${id}" is not listed (GET /v1/models lists them)`, 'model');
  }
}
