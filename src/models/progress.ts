/**
 * `fit`'s progress output (Keras's ProgbarLogger), a callback put first in the list: with
 * `verbose: 1` on a TTY, a bar per epoch drawn by cli-progress (steps done/total, elapsed time,
 * ETA, running loss and metrics); `verbose: 1` elsewhere and `verbose: 2`, one plain line per
 * epoch; `verbose: 0`, nothing. Numbers print as Keras's: 4 decimals, or 4-digit exponent
 * form at or below 1e-3.
 */
import type { SingleBar } from 'cli-progress';
import { Callback, type Logs } from './callbacks.js';

type Write = (text: string) => void;

export function formatLogs(logs: Logs): string {
  return Object.entries(logs).map(([k, v]) => ` - ${k}: ${formatValue(v)}`).join('');
}

function formatValue(v: number): string {
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatSeconds(s: number): string {
  if (s < 1e-3) return `${Math.round(s * 1e6)}us`;
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 60) return `${Math.round(s)}s`;
  return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

export class ProgressLogger extends Callback {
  private bar: SingleBar | null = null;
  private epochStart = 0;
  private steps = 0;
  private lastLogs: Logs = {};

  /**
   * `steps` is the number of batches per epoch (null for a dataset of unknown length: the
   * first epoch's count is used for the later ones). `tty` and `write` default to stdout's.
   */
  constructor(
    readonly verbose: number,
    readonly epochs: number,
    private stepsPerEpoch: number | null,
    private readonly barClass: (typeof SingleBar) | null,
    private readonly write: Write = (t) => { process.stdout.write(t); },
  ) {
    super();
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.steps = 0;
    this.lastLogs = {};
    if (this.verbose === 1 && this.barClass !== null) {
      this.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
      this.bar = new this.barClass({
        format: ' {value}/{total} {bar} {elapsed} {remaining}{metrics}',
        barCompleteChar: '\u2501',
        barIncompleteChar: '\u2500',
        barsize: 20,
        stream: process.stdout,
        hideCursor: false,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 10,
        formatValue: (v, _o, type) => (type === 'total' && v === 0 ? '?' : String(v)),
      });
      this.bar.start(this.stepsPerEpoch ?? 0, 0, { elapsed: '0s', remaining: '', metrics: '' });
    }
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    this.steps++;
    this.lastLogs = logs;
    if (this.bar === null) return;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const total = this.stepsPerEpoch;
    const eta = total !== null && this.steps < total ? `ETA ${formatSeconds((elapsed / this.steps) * (total - this.steps))}` : '';
    if (total === null) this.bar.setTotal(this.steps);
    this.bar.update(this.steps, { elapsed: formatSeconds(elapsed), remaining: eta, metrics: formatLogs(logs) });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const perStep = this.steps > 0 ? ` ${formatSeconds(elapsed / this.steps)}/step` : '';
    if (this.stepsPerEpoch === null) this.stepsPerEpoch = this.steps;
    if (this.bar !== null) {
      this.bar.update(this.steps, { elapsed: formatSeconds(elapsed), remaining: perStep.trimStart(), metrics: formatLogs(logs) });
      this.bar.stop();
      this.bar = null;
    } else if (this.verbose > 0) {
      this.write(`Epoch ${epoch + 1}/${this.epochs} - ${this.steps}/${this.stepsPerEpoch} - ${formatSeconds(elapsed)}${perStep}${formatLogs(logs)}\n`);
    }
  }
}

/** The bar class when stdout is a TTY (cli-progress loaded only then), else null. */
export async function ttyBarClass(): Promise<(typeof SingleBar) | null> {
  if (!process.stdout.isTTY) return null;
  const cliProgress = await import('cli-progress');
  return (cliProgress.default ?? cliProgress).SingleBar;
}
