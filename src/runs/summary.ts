/** A run's outcome in numbers, from its events (the CLI's summary.json and end-of-run report). */
import {
  addFinding,
  foldExplained,
  type RunEvent,
  type RunEndEvent,
  type RunStartEvent,
  type FitStartEvent,
  type Finding,
} from '../protocol';
import { formatMetric } from '../protocol/format';

export interface RunSummary {
  runId: string;
  jobFile: string;
  backend: string;
  status: RunEndEvent['status'] | 'interrupted';
  error?: RunEndEvent['error'];
  startedAt: string;
  durationMs: number;
  steps: number;
  epochs: number;
  msPerStep: number | null;
  final: Record<string, number | null>;
  best: Record<string, { value: number; epoch: number }>;
  model?: { layers: number; params: number; optimizer: string; loss: string | null };
  findings: Finding[];
  logProblems: number;
  /** tf.memory() when the last fit ended (the runner's last memory sample): what the run still held */
  memory?: { tensors: number; bytes: number; step: number };
}

export function summarizeRun(events: RunEvent[], logProblems = 0): RunSummary | undefined {
  const start = events.find((e): e is RunStartEvent => e.kind === 'run-start');
  if (!start) return undefined;
  const end = events.find((e): e is RunEndEvent => e.kind === 'run-end');
  const fit = events.filter((e): e is FitStartEvent => e.kind === 'fit-start').at(-1);
  const final: Record<string, number | null> = {};
  const best: RunSummary['best'] = {};
  let epochs = 0,
    steps = 0,
    firstBatchT: number | undefined,
    lastBatchT = 0;
  const findings: Finding[] = [];
  let memory: RunSummary['memory'];
  for (const e of events) {
    if (e.kind === 'memory') memory = { tensors: e.tensors, bytes: e.bytes, step: e.step };
    if (e.kind === 'batch') {
      steps = e.step + 1;
      firstBatchT ??= e.t;
      lastBatchT = e.t;
    } else if (e.kind === 'epoch') {
      epochs++;
      for (const [k, v] of Object.entries(e.logs)) {
        final[k] = v;
        if (v == null) continue;
        const better = /loss|error/.test(k) ? (b: number) => v < b : (b: number) => v > b;
        if (!best[k] || better(best[k].value)) best[k] = { value: v, epoch: e.epoch + 1 };
      }
    } else if (e.kind === 'finding') addFinding(findings, e.finding);
    else if (e.kind === 'explained') foldExplained(findings, e);
  }
  const lastBatch = events.filter(e => e.kind === 'batch').at(-1);
  if (lastBatch?.kind === 'batch' && final.loss === undefined) final.loss = lastBatch.loss;
  return {
    runId: start.runId,
    jobFile: start.jobFile,
    backend: fit?.backend ?? start.backend,
    status: end?.status ?? 'interrupted',
    error: end?.error,
    startedAt: start.startedAt,
    durationMs: end?.durationMs ?? events.at(-1)?.t ?? 0,
    steps: end?.steps ?? steps,
    epochs,
    msPerStep: steps > 1 && firstBatchT !== undefined ? (lastBatchT - firstBatchT) / (steps - 1) : null,
    final,
    best,
    model: fit
      ? { layers: fit.layers.length, params: fit.totalParams, optimizer: fit.optimizer, loss: fit.loss }
      : undefined,
    findings,
    logProblems,
    ...(memory ? { memory } : {}),
  };
}

/** "loss 0.4321 · acc 0.8750 · val_loss 0.5012" */
export function formatLogs(logs: Record<string, number | null>): string {
  const rank = (k: string) => (k === 'loss' ? 0 : k.startsWith('val_') ? (k === 'val_loss' ? 2 : 3) : 1);
  return Object.entries(logs)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${k} ${v == null ? 'NaN' : formatMetric(v)}`)
    .join(' · ');
}
