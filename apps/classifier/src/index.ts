export { startClassifierWorker, type ClassifierWorkerOptions, type RunningClassifier } from './classifier-worker.ts';
export { createClassifyProcessor, type ClassifyProcessorDeps } from './classify-processor.ts';
export { runClassifierProcess, startClassifier } from './main.ts';
