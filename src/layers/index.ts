/**
 * tf.layers: the layer classes and their camelCase factories (`tf.layers.dense({units})` is
 * `new tf.layers.Dense({units})`), as TF.js spells them. A new layer: its class in the file of
 * its family (registered in `LAYERS` there), its factory and export here.
 */
import { Activation, Dense, Dropout, Embedding, Flatten, InputLayer, Reshape, type DenseArgs, type DropoutArgs, type EmbeddingArgs } from './core.js';
import { BatchNormalization, LayerNormalization, type BatchNormalizationArgs, type LayerNormalizationArgs } from './normalization.js';
import { Add, Concatenate } from './merge.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, type GlobalPoolingArgs, type Pooling2DArgs } from './pooling.js';
import { Conv1D, Conv2D, type ConvArgs } from './convolutional.js';
import { LAYERS, Layer, type LayerArgs } from './layer.js';
import { Bidirectional, GRU, LSTM, SimpleRNN, TimeDistributed, type BidirectionalArgs, type GRUArgs, type LSTMArgs, type RNNArgs, type TimeDistributedArgs } from './recurrent.js';
import { MultiHeadAttention, type MultiHeadAttentionArgs } from './attention.js';
import type { ActivationIdentifier } from './activations.js';

export { Layer, SymbolicTensor, LAYERS, clearSession, type LayerArgs, type CallArgs, type Shape, type InputSpec, type AddWeightOptions } from './layer.js';
export { InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Embedding, type DenseArgs, type DropoutArgs, type EmbeddingArgs } from './core.js';
export { BatchNormalization, LayerNormalization, type BatchNormalizationArgs, type LayerNormalizationArgs } from './normalization.js';
export { Concatenate, Add } from './merge.js';
export { GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, AveragePooling2D, type GlobalPoolingArgs, type Pooling2DArgs } from './pooling.js';
export { Conv1D, Conv2D, type ConvArgs } from './convolutional.js';
export { RNN, SimpleRNN, LSTM, GRU, Bidirectional, TimeDistributed, type RNNArgs, type LSTMArgs, type GRUArgs, type BidirectionalArgs, type TimeDistributedArgs, type MergeMode } from './recurrent.js';
export { MultiHeadAttention, type MultiHeadAttentionArgs, type AttentionCallArgs } from './attention.js';
export { ACTIVATIONS, getActivation, type ActivationFn } from './activations.js';

/**
 * Registers a custom layer class under its class name (or `name`), so that saved models that
 * hold it can be loaded (`tf.loadModel`) and summaries name it.
 */
export function registerLayer(Cls: new (args: never) => Layer, name: string = Cls.name): void {
  if (typeof Cls !== 'function' || !(Cls.prototype instanceof Layer)) throw new TypeError('registerLayer: expected a class that extends tf.layers.Layer');
  LAYERS.register(name, Cls);
}

export const dense = (args: DenseArgs) => new Dense(args);
export const activation = (args: LayerArgs & { activation: ActivationIdentifier }) => new Activation(args);
export const dropout = (args: DropoutArgs) => new Dropout(args);
export const flatten = (args?: LayerArgs) => new Flatten(args);
export const reshape = (args: LayerArgs & { targetShape: number[] }) => new Reshape(args);
export const embedding = (args: EmbeddingArgs) => new Embedding(args);
export const batchNormalization = (args?: BatchNormalizationArgs) => new BatchNormalization(args);
export const layerNormalization = (args?: LayerNormalizationArgs) => new LayerNormalization(args);
export const concatenate = (args?: LayerArgs & { axis?: number }) => new Concatenate(args);
export const add = (args?: LayerArgs) => new Add(args);
export const conv2d = (args: ConvArgs) => new Conv2D(args);
export const conv1d = (args: ConvArgs) => new Conv1D(args);
export const maxPooling2d = (args?: Pooling2DArgs) => new MaxPooling2D(args);
export const averagePooling2d = (args?: Pooling2DArgs) => new AveragePooling2D(args);
export const globalAveragePooling2d = (args?: GlobalPoolingArgs) => new GlobalAveragePooling2D(args);
export const globalMaxPooling2d = (args?: GlobalPoolingArgs) => new GlobalMaxPooling2D(args);
export const inputLayer = (args: LayerArgs & { shape: (number | null)[] }) => new InputLayer(args);
export const simpleRNN = (args: RNNArgs) => new SimpleRNN(args);
export const lstm = (args: LSTMArgs) => new LSTM(args);
export const gru = (args: GRUArgs) => new GRU(args);
export const bidirectional = (args: BidirectionalArgs) => new Bidirectional(args);
export const timeDistributed = (args: TimeDistributedArgs) => new TimeDistributed(args);
export const multiHeadAttention = (args: MultiHeadAttentionArgs) => new MultiHeadAttention(args);
