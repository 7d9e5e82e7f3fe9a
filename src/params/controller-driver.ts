import type { Subscription } from 'rxjs';
import type { Controller } from '../controllers/controller.js';
import { ControllerRunner } from '../controllers/runner.js';
import { HyperscheduleError } from '../errors.js';
import type { TrainingSignals } from '../signals/hub.js';
import type { Driver, DriverHost } from './driver.js';

/**
 * The driver of a controller-driven parameter: runs the controller (resumed from `state` when
 * given) on the hub the parameter is bound to. Inputs holding NaN/±Infinity are skipped and
 * reported on `nonFinite$`; a new controller state is committed only when the parameter accepts
 * its value.
 *
 * @example
 * ```ts
 * import { param, reduceOnPlateau } from 'hyperschedule';
 * param('factor', { controller: reduceOnPlateau() }, { domain: 'positive' }).kind; // 'controller'
 * ```
 */
export function controllerDriver(host: DriverHost, controller: Controller, state: unknown): Driver {
  const runner = new ControllerRunner(controller, state, `${host.name}.state`);
  let bound: { signals: TrainingSignals; subscription: Subscription } | undefined;
  const unbind = (): void => {
    bound?.subscription.unsubscribe();
    bound = undefined;
  };
  return {
    kind: 'controller',
    origin: 'controller',
    advice: `the new ${controller.name} state was not committed; bound the controller (its min/initial) or use a wider domain`,
    controller,
    get controllerState() {
      return runner.state;
    },
    initial: () => runner.value,
    bind(binding) {
      if (bound?.signals === binding.signals) return;
      unbind();
      const subscription = runner.connect(
        binding.signals,
        (value) => host.propose(value, binding.now().step),
        (values) => binding.signals.reportNonFinite({ source: `controller:${host.name}`, values, action: 'kept-value', clock: binding.now() }),
        binding.fail && ((error) => binding.fail?.(controllerFailure(controller.name, host.name, binding.now().step, error))),
      );
      bound = { signals: binding.signals, subscription };
    },
    unbind,
    ...(controller.valueFor ? { valueFor: (variableName: string) => runner.valueFor(variableName) } : {}),
    state: () => ({ controller: runner.state }),
    prepareRestore(saved, field) {
      if (saved.controller === undefined) throw new HyperscheduleError(`${field}.controller`, undefined, `the state of controller ${controller.name}`);
      return runner.prepareRestore(saved.controller, `${field}.controller`);
    },
    describe: () => ({ controller: controller.name }),
    dispose: unbind,
  };
}

/** The error a session rethrows for a controller's exception: names the controller, its parameter and the update. */
function controllerFailure(controller: string, parameter: string, step: number, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`controller ${controller} of parameter "${parameter}" threw at update ${step}: ${reason}`, { cause: error });
}
