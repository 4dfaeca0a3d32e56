/**
 * Models and training: the Model base, Sequential, the functional graph, the trainer
 * (compile/fit/evaluate), callbacks and History. New model kinds extend `Model` (model.ts).
 */
export { Model, summaryLines, type PredictArgs } from './model.js';
export { Sequential, sequential, type SequentialArgs } from './sequential.js';
export { Functional, model, input, type InputArgs, type FunctionalArgs } from './functional.js';
export type { CompileArgs, FitArgs, EvaluateArgs } from './trainer.js';
export type { Dataset, DatasetElement } from './batches.js';
