export { createClassifierChain, type ClassifierChain, type ClassifierChainOptions } from './classifier-chain.ts';
export { createKeywordsStrategy, type KeywordsStrategyConfig } from './keywords-strategy.ts';
export { createRulesStrategy, type RulesStrategyConfig } from './rules-strategy.ts';
export type { ClassificationStrategy } from './strategy.ts';
