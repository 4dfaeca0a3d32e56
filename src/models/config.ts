/**
 * Models to and from JSON (the architecture part of a model file, src/io/model-files.ts):
 * Sequential as its list of layer configs (and the input shape it was built for), functional
 * models as their layers plus the graph by names (Keras's `inbound_nodes`: for each node, where
 * each input comes from as [layer, node, output]). Subclassed models have no architecture to
 * write: save their weights instead. Layer configs are layers/serialization.ts's.
 */
import { InputLayer } from '../layers/core.js';
import { Layer, SymbolicTensor, type Shape } from '../layers/layer.js';
import { deserializeLayer, serializeLayer, type LayerConfig } from '../layers/serialization.js';
import { Functional, input } from './functional.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';

export interface ModelConfig {
  className: 'Sequential' | 'Functional';
  config: Record<string, unknown>;
}

export function modelToConfig(model: Model, op: string): ModelConfig {
  if (model instanceof Sequential) {
    return {
      className: 'Sequential',
      config: { name: model.name, layers: model.layers.map((l) => serializeLayer(l, op)), buildInputShape: model.built ? model.inputShape : null },
    };
  }
  if (model instanceof Functional) {
    const graph = model.graph();
    const layers = model.layers.map((l) => {
      if (l instanceof InputLayer) return { className: 'InputLayer', config: { name: l.name, batchInputShape: l.batchInputShape, dtype: model.inputs.find((t) => t.sourceLayer === l)?.dtype ?? 'float32' } };
      return serializeLayer(l, op);
    });
    return {
      className: 'Functional',
      config: {
        name: model.name,
        layers,
        inputs: graph.inputs,
        nodes: graph.nodes.map((n) => ({ layer: n.layer.name, inputs: n.inputs, callArgs: n.callArgs })),
        outputs: graph.outputs,
        listOutputs: model.listOutputs,
      },
    };
  }
  throw new Error(`${op}: model '${model.name}' is a subclassed ${model.className}, whose architecture is code; save its weights with model.saveWeights(path) and rebuild it in code`);
}

export function modelFromConfig(json: unknown, op: string): Model {
  const m = json as ModelConfig;
  if (m === null || typeof m !== 'object' || typeof m.config !== 'object' || m.config === null) throw new Error(`${op}: the architecture is not a {className, config} object`);
  const c = m.config as Record<string, unknown>;
  if (m.className === 'Sequential') {
    if (!Array.isArray(c.layers)) throw new Error(`${op}: a Sequential config needs a layers list`);
    const model = new Sequential({ name: c.name as string, layers: (c.layers as LayerConfig[]).map((l) => deserializeLayer(l, op)) });
    if (!model.built && Array.isArray(c.buildInputShape)) model.build(c.buildInputShape as Shape);
    return model;
  }
  if (m.className === 'Functional') {
    const configs = c.layers as (LayerConfig & { config: Record<string, unknown> })[];
    if (!Array.isArray(configs) || !Array.isArray(c.nodes) || !Array.isArray(c.inputs) || !Array.isArray(c.outputs)) throw new Error(`${op}: a Functional config needs layers, inputs, nodes and outputs`);
    const layers = new Map<string, Layer>();
    const tensors = new Map<string, SymbolicTensor>(); // "layer/node/output"
    for (const lc of configs) {
      if (lc.className === 'InputLayer') {
        const shape = (lc.config.batchInputShape as Shape).slice(1);
        const batch = (lc.config.batchInputShape as Shape)[0];
        const t = input({ shape, batchSize: batch ?? undefined, name: lc.config.name as string, dtype: lc.config.dtype as 'float32' });
        tensors.set(`${lc.config.name}/0/0`, t);
        layers.set(lc.config.name as string, t.sourceLayer);
      } else {
        const layer = deserializeLayer(lc, op);
        layers.set(layer.name, layer);
      }
    }
    const perLayer = new Map<string, number>();
    for (const node of c.nodes as { layer: string; inputs: [string, number, number][]; callArgs: Record<string, unknown> }[]) {
      const layer = layers.get(node.layer);
      if (layer === undefined) throw new Error(`${op}: the graph names a layer '${node.layer}' that the config does not define`);
      const ins = node.inputs.map(([l, n, o]) => {
        const t = tensors.get(`${l}/${n}/${o}`);
        if (t === undefined) throw new Error(`${op}: layer '${node.layer}' reads output ${o} of node ${n} of '${l}', which comes later or not at all`);
        return t;
      });
      const out = layer.apply(ins.length === 1 ? ins[0] : ins, node.callArgs ?? {});
      const k = perLayer.get(node.layer) ?? 0;
      perLayer.set(node.layer, k + 1);
      (Array.isArray(out) ? out : [out]).forEach((t, o) => tensors.set(`${node.layer}/${k}/${o}`, t));
    }
    const pick = ([l, n, o]: [string, number, number]) => tensors.get(`${l}/${n}/${o}`)!;
    const inputs = (c.inputs as string[]).map((name) => tensors.get(`${name}/0/0`)!);
    const outputs = (c.outputs as [string, number, number][]).map(pick);
    return new Functional({ name: c.name as string, inputs: inputs.length === 1 ? inputs[0] : inputs, outputs: c.listOutputs ? outputs : outputs[0] });
  }
  throw new Error(`${op}: unknown model class ${JSON.stringify(m.className)} (tapeflow model files hold Sequential and Functional models)`);
}
