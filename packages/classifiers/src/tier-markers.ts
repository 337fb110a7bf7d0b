import type { Level } from './tier-scores.ts';

/**
 * Words and phrases that say how hard a request is, whatever its topic. Used by the keywords
 * strategy; matched as whole words, case-insensitively, plurals included (see term-matcher.ts).
 * They name the *kind of work asked for*, never a particular prompt; the rules strategy covers
 * the same ground with patterns, and this list lets the keywords strategy stand on its own.
 */
export const tierMarkers: Readonly<Record<Level, readonly string[]>> = {
  simple: [
    // Small talk: answering it with a premium model buys nothing.
    'hi', 'hello', 'hey', 'hiya', 'thanks', 'thank you', 'good morning', 'good evening', 'good night', 'how are you',
    // Look-ups of one fact or one term.
    'define', 'definition', 'meaning of', 'stand for', 'stands for', 'acronym', 'abbreviation', 'capital of',
    'population of', 'chemical symbol', 'atomic number', 'currency of', 'official language', 'who invented',
    'who wrote', 'who discovered', 'who painted', 'what year', 'how many',
    // One-step transformations and single words.
    'translate', 'convert', 'format', 'indent', 'rename', 'capitalize', 'spell', 'spelling', 'synonym', 'antonym',
    'rhyme', 'plural of', 'one word', 'in one sentence', 'yes or no', 'fix the typo',
  ],
  medium: [
    // Ordinary work products: more than a look-up, less than an analysis.
    'explain', 'explaining', 'summarize', 'summarise', 'summary', 'describe', 'draft', 'write', 'rewrite', 'compose',
    'outline', 'difference between', 'differences between', 'how does', 'how do i', 'why does', 'why do', 'tips',
    'advice', 'recommend', 'example', 'solve', 'calculate',
  ],
  complex: [
    // Reasoning that must hold end to end.
    'prove', 'proving', 'proof that', 'derive', 'derivation', 'counterexample', 'rigorous', 'rigorously',
    'by contradiction', 'by induction',
    // Designing something with many moving parts.
    'architecture', 'design a', 'design an', 'devise', 'invent', 'propose an', 'system design', 'distributed',
    'scalable', 'fault tolerant', 'high availability', 'multi-region', 'multi-tenant', 'sharding', 'consensus',
    'race condition', 'deadlock', 'lock-free', 'migration', 'roadmap',
    // Weighing options and evidence.
    'trade-offs', 'trade-off', 'pros and cons', 'compare', 'contrast', 'analyze', 'analyse', 'analysis', 'assess',
    'evaluate', 'critique', 'synthesize', 'reconcile', 'weigh', 'justify', 'evidence', 'research', 'studies',
    'literature',
    // Reviews where a miss is expensive.
    'security review', 'security audit', 'threat model', 'vulnerability', 'vulnerabilities', 'audit', 'risk',
    'risk analysis', 'liability', 'exposure', 'enforceability', 'root cause', 'postmortem',
    // Optimisation and depth.
    'optimize', 'optimise', 'optimizing', 'optimization', 'optimisation', 'bottleneck', 'in depth', 'comprehensive',
    'thorough', 'step by step',
  ],
};
