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
  readonly entries: ModelEntry[] = [];

  constructor(config: Pick<SwitchyardConfig, 'tiers'>, created = Math.floor(Date.now() / 1_000)) {
    const add = (id: string, ownedBy: string, choice: ModelChoice, listed: boolean) => {
      if (this.choices.has(id)) return;
      this.choices.set(id, choice);
      if (listed) this.entries.push({ id, object: 'model', created, owned_by: ownedBy });
    };
    for (const name of autoNames) add(name, 'switchyard', { kind: 'auto' }, name === 'auto');
    for (const tier of config.tiers) add(tier.name, 'switchyard', { kind: 'tier', tier: tier.name }, true);
    for (const tier of config.tiers)
      add(`switchyard/${tier.name}`, 'switchyard', { kind: 'tier', tier: tier.name }, false);
    for (const tier of config.tiers) {
      for (const deployment of tier.deployments) {
        const choice: ModelChoice = { kind: 'tier', tier: tier.name };
        add(deployment.model, deployment.provider, choice, true);
        add(`${deployment.provider}/${deployment.model}`, deployment.provider, choice, false);
      }
    }
  }

  /** 404 `model_not_found` (OpenAI's code) for a name that is none of the above. */
  resolve(model: string): ModelChoice {
    const choice = this.choices.get(model);
    if (choice === undefined) {
      throw new ApiError(
        'model_not_found',
        `The model "${model}" does not exist here: use "auto", a tier or a configured model (GET /v1/models lists them)`,
        'model',
      );
    }
    return choice;
  }

  find(id: string): ModelEntry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }
}
