export { boot, simulationNotice, type Boot, type CommonFlags } from './boot.ts';
export { classifierOptions, llmDeployment } from './classifier-options.ts';
export { installSignalHandlers, printLine, serveUntilStopped, stopRequested } from './signals.ts';
