/**
 * Layers to and from JSON configs (Keras's `serialize_keras_object` / `deserialize_keras_object`
 * for layers): `{className, config}`, the config being the layer's constructor options. Option
 * values that are objects become `{module, className, config}`: initializers, regularizers, and
 * layers inside layers (wrappers); activation functions become their registered names. A
 * value that cannot be written (an unregistered function) is an error naming the layer and
 * the option. Classes are found in `LAYERS`, so a custom layer loads once it is registered.
 */
import { LAYERS, Layer } from './layer.js';
import { ACTIVATIONS, type ActivationFn } from './activations.js';
import { Initializer } from './initializers.js';
import * as initializers from './initializers.js';
import { L1L2, Regularizer, l1l2 } from './regularizers.js';
import { show } from '../validate.js';

export interface LayerConfig {
  className: string;
  config: Record<string, unknown>;
}

interface ObjectConfig {
  module: 'layers' | 'initializers' | 'regularizers';
  className: string;
  config: Record<string, unknown>;
}

export function serializeLayer(layer: Layer, op: string): LayerConfig {
  const className = layer.className;
  if (LAYERS.lookup(className) !== layer.constructor) {
    throw new Error(`${op}: layer '${layer.name}' is a ${className}, which is not registered; register its class with tf.layers.registerLayer(${className}) to save it`);
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer.getConfig())) {
    if (value !== undefined) config[key] = serializeValue(value, `${op}: layer '${layer.name}' option ${key}`);
  }
  return { className, config };
}

function serializeValue(value: unknown, where: string): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => serializeValue(v, `${where}[${i}]`));
  if (value instanceof Layer) return { module: 'layers', ...serializeLayer(value, where) };
  if (value instanceof Initializer) return { module: 'initializers', className: value.constructor.name, config: value.getConfig() };
  if (value instanceof Regularizer) return { module: 'regularizers', className: value.constructor.name, config: value.getConfig() };
  if (typeof value === 'function') {
    const name = ACTIVATIONS.nameOf(value as ActivationFn);
    if (name !== undefined) return name;
    throw new Error(`${where} is a function, which cannot be saved; give its name, or register it (ACTIVATIONS.register) so the saved model can name it`);
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, serializeValue(v, `${where}.${k}`)]));
  }
  throw new Error(`${where} cannot be saved: ${show(value)}`);
}

export function deserializeLayer(config: unknown, op: string): Layer {
  if (config === null || typeof config !== 'object' || typeof (config as LayerConfig).className !== 'string') {
    throw new Error(`${op}: a layer config must be {className, config}, got ${show(config)}`);
  }
  const { className, config: options } = config as LayerConfig;
  const Cls = LAYERS.lookup(className);
  if (Cls === undefined) throw new Error(`${op}: unknown layer class ${JSON.stringify(className)}; register it with tf.layers.registerLayer(${className}) before loading (known: ${LAYERS.names().join(', ')})`);
  const args = Object.fromEntries(Object.entries(options ?? {}).map(([k, v]) => [k, deserializeValue(v, `${op}: layer option ${k}`)]));
  return new Cls(args as never);
}

function deserializeValue(value: unknown, op: string): unknown {
  if (Array.isArray(value)) return value.map((v) => deserializeValue(v, op));
  if (value === null || typeof value !== 'object') return value;
  const o = value as ObjectConfig;
  if (o.module === 'layers') return deserializeLayer(o, op);
  if (o.module === 'regularizers') {
    if (o.className !== L1L2.name) throw new Error(`${op}: unknown regularizer class ${JSON.stringify(o.className)}`);
    return l1l2(o.config);
  }
  if (o.module === 'initializers') {
    const factory = (initializers as unknown as Record<string, unknown>)[o.className.charAt(0).toLowerCase() + o.className.slice(1)];
    if (typeof factory !== 'function') throw new Error(`${op}: unknown initializer class ${JSON.stringify(o.className)}`);
    return (factory as (c: unknown) => Initializer)(o.config);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deserializeValue(v, op)]));
}
