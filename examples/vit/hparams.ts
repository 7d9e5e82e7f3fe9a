/**
 * Turns a {@link VariantSpec} into live objects: one scheduled parameter per hyperparameter, the
 * session that drives them, and the variant's optimizer (AdamW, or SGD with `beta1` as its
 * momentum) reading them on every update, hooked to the session so the clock, signals and
 * controllers follow each applied update.
 */
import {
  AdamW,
  SGD,
  adaptiveMomentum,
  createSession,
  fromJSON,
  hook,
  param,
  scheduledWeightDecay,
  type ClockRun,
  type DomainLike,
  type HyperscheduleSession,
  type ScheduledParameter,
} from 'hyperschedule';
import { HPARAM_NAMES, type HParamName, type HParamSpec, type VariantSpec } from './variants.js';

/**
 * The live training objects of a run.
 *
 * @example
 * ```ts
 * import type { LiveHyperparameters } from './hparams.js';
 * const lrNow = (h: LiveHyperparameters) => h.params.lr.value;
 * ```
 */
export interface LiveHyperparameters {
  readonly session: HyperscheduleSession;
  readonly params: Readonly<Record<HParamName, ScheduledParameter>>;
  /** AdamW, or SGD (momentum = `beta1`) for the SGD variants. */
  readonly optimizer: AdamW | SGD;
  /** Current value of every hyperparameter. */
  values(): Record<HParamName, number>;
  dispose(): void;
}

const DOMAINS: Record<HParamName, DomainLike> = {
  lr: 'nonNegative',
  beta1: 'unitInterval',
  beta2: 'unitInterval',
  weightDecay: 'nonNegative',
  batchSize: 'positiveInteger',
};

function scheduleParam(name: HParamName, spec: HParamSpec, run: ClockRun): ScheduledParameter | undefined {
  return spec.kind === 'schedule' ? param(name, { schedule: fromJSON(spec.spec, { run }) }, { domain: DOMAINS[name] }) : undefined;
}

/**
 * Builds the session, parameters and optimizer of a variant. `run` is the run length the clock measures
 * progress against (epochs, samples per epoch).
 *
 * @example
 * ```ts
 * import { buildVariant } from './variants.js';
 * import { buildHyperparameters } from './hparams.js';
 * const spec = buildVariant('one-cycle', { peakLr: 5e-3, epochs: 4, stepping: 'step', stepsPerEpoch: 10, samplesPerEpoch: 640, baseBatch: 64 });
 * const h = buildHyperparameters(spec, { run: { epochs: 4, samplesPerEpoch: 640 } });
 * h.values(); // { lr: 0.0002, beta1: 0.95, beta2: 0.999, weightDecay: 0.0001, batchSize: 64 }
 * h.dispose();
 * ```
 */
export function buildHyperparameters(spec: VariantSpec, options: { run: ClockRun; epsilon?: number }): LiveHyperparameters {
  const { run } = options;
  const made: Partial<Record<HParamName, ScheduledParameter>> = {};
  for (const name of HPARAM_NAMES) {
    const p = scheduleParam(name, spec.hparams[name], run);
    if (p) made[name] = p;
  }
  const lr = made.lr;
  if (!lr) throw new Error('internal: the learning rate must be a schedule');
  const beta1Spec = spec.hparams.beta1;
  if (beta1Spec.kind === 'adaptiveMomentum') {
    made.beta1 = param('beta1', { controller: adaptiveMomentum({ lr, delta: beta1Spec.delta, initial: beta1Spec.initial }) }, { domain: DOMAINS.beta1 });
  }
  const wdSpec = spec.hparams.weightDecay;
  if (wdSpec.kind === 'scheduledWeightDecay') {
    const beta2 = made.beta2;
    made.weightDecay = param('weightDecay', { controller: scheduledWeightDecay({ lambda: wdSpec.lambda, ...(beta2 ? { beta2 } : {}) }) }, { domain: DOMAINS.weightDecay });
  }
  for (const name of HPARAM_NAMES) {
    if (!made[name]) throw new Error(`internal: no driver built for ${name} (${spec.hparams[name].kind})`);
  }
  const params = made as Record<HParamName, ScheduledParameter>;
  const session = createSession({ params: HPARAM_NAMES.map((n) => params[n]), run });
  // Results written before the optimizer became a choice have no `optimizer`: they ran AdamW.
  const optimizer = (spec.optimizer ?? 'adamw') === 'sgd'
    ? new SGD({ learningRate: params.lr, momentum: params.beta1, weightDecay: params.weightDecay })
    : new AdamW({ learningRate: params.lr, beta1: params.beta1, beta2: params.beta2, weightDecay: params.weightDecay, epsilon: options.epsilon ?? 1e-8 });
  hook(optimizer, session);
  return {
    session,
    params,
    optimizer,
    values: () => Object.fromEntries(HPARAM_NAMES.map((n) => [n, params[n].value])) as Record<HParamName, number>,
    dispose: () => {
      session.dispose();
      optimizer.dispose();
    },
  };
}
