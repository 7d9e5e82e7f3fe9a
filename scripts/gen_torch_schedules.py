#!/usr/bin/python3
"""Reference LR (and momentum) trajectories of torch.optim.lr_scheduler for `fromTorch` parity.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 scripts/gen_torch_schedules.py
Writes test/fixtures/torch-schedules.json; CI only reads the JSON.

Every case is a PyTorch scheduler written the way `fromTorch` takes it: `type` is the class name,
arguments are PyTorch's in camelCase, `base` is the optimizer's initial LR, `momentum` (SGD) or
`beta1` (AdamW) the optimizer's initial momentum. The script builds the real optimizer and
scheduler from that JSON (children constructed in list order, as Python evaluates them), then
records param_groups[0]['lr'] (and momentum / betas[0]) after t = 0..steps calls of
scheduler.step(). A case whose scheduler raises part-way (OneCycleLR past total_steps) keeps the
values up to the last successful step and records the error.
"""
import json
import math
import os
import re
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.filterwarnings('ignore')  # step-before-optimizer and epoch-argument deprecation warnings

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch-schedules.json')

# camelCase -> PyTorch keyword where the plain snake_case conversion is not PyTorch's spelling.
SPECIAL = {'tMax': 'T_max', 't0': 'T_0', 'tMult': 'T_mult'}
NOT_ARGS = {'type', 'base', 'momentum', 'beta1', 'schedulers', 'milestones'}
FLOAT_ARGS = {'pct_start'}  # PyTorch checks isinstance(pct_start, float); JSON writes 0.0 as 0


def snake(name):
    return SPECIAL.get(name) or re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def kwargs(spec):
    out = {}
    for key, value in spec.items():
        if key in NOT_ARGS:
            continue
        name = snake(key)
        out[name] = float(value) if name in FLOAT_ARGS else value
    return out


def build(opt, spec):
    kind = spec['type']
    if kind == 'SequentialLR':
        children = [build(opt, child) for child in spec['schedulers']]
        return S.SequentialLR(opt, children, spec['milestones'])
    if kind == 'ChainedScheduler':
        return S.ChainedScheduler([build(opt, child) for child in spec['schedulers']])
    cls = getattr(S, kind)
    if kind == 'MultiStepLR':
        return cls(opt, spec['milestones'], **kwargs(spec))
    return cls(opt, **kwargs(spec))


def optimizer(spec):
    params = [torch.nn.Parameter(torch.zeros(2))]
    base = spec.get('base', 0.1)
    if 'beta1' in spec:
        return torch.optim.AdamW(params, lr=base, betas=(spec['beta1'], 0.999), weight_decay=1e-4)
    if 'momentum' in spec:
        return torch.optim.SGD(params, lr=base, momentum=spec['momentum'])
    return torch.optim.SGD(params, lr=base)


def momentum_of(opt, spec):
    group = opt.param_groups[0]
    return group['betas'][0] if 'beta1' in spec else group['momentum']


def record(name, spec, steps, note=None):
    opt = optimizer(spec)
    sched = build(opt, spec)
    with_momentum = 'beta1' in spec or 'momentum' in spec
    lrs = [opt.param_groups[0]['lr']]
    moms = [momentum_of(opt, spec)] if with_momentum else None
    error = None
    for _ in range(steps):
        opt.step()
        try:
            sched.step()
        except Exception as exc:  # noqa: BLE001 - the error text is part of the fixture
            error = f'{type(exc).__name__}: {exc}'
            break
        lrs.append(opt.param_groups[0]['lr'])
        if with_momentum:
            moms.append(momentum_of(opt, spec))
    case = {'name': name, 'spec': spec, 'lr': lrs}
    if moms is not None:
        case['momentum'] = moms
    if error:
        case['error'] = error
    if note:
        case['note'] = note
    return case


CASES = []


def case(name, spec, steps, note=None):
    CASES.append((name, spec, steps, note))


# ---- StepLR / MultiStepLR ------------------------------------------------------------------------
case('StepLR basic', {'type': 'StepLR', 'base': 0.1, 'stepSize': 3, 'gamma': 0.5}, 40)
case('StepLR default gamma', {'type': 'StepLR', 'base': 1.0, 'stepSize': 10}, 60)
case('StepLR every step', {'type': 'StepLR', 'base': 0.3, 'stepSize': 1, 'gamma': 0.9}, 120)
case('StepLR gamma > 1', {'type': 'StepLR', 'base': 1e-4, 'stepSize': 4, 'gamma': 1.5}, 40)
case('StepLR long', {'type': 'StepLR', 'base': 3e-4, 'stepSize': 7, 'gamma': 0.7}, 300)
case('MultiStepLR basic', {'type': 'MultiStepLR', 'base': 0.1, 'milestones': [5, 12, 30], 'gamma': 0.1}, 50)
case('MultiStepLR unsorted', {'type': 'MultiStepLR', 'base': 0.5, 'milestones': [30, 10, 20], 'gamma': 0.5}, 40)
case('MultiStepLR duplicate milestones', {'type': 'MultiStepLR', 'base': 1.0, 'milestones': [10, 10, 25], 'gamma': 0.5}, 40)
case('MultiStepLR milestone 0', {'type': 'MultiStepLR', 'base': 2.0, 'milestones': [0, 4], 'gamma': 0.25}, 10)
case('MultiStepLR default gamma', {'type': 'MultiStepLR', 'base': 0.05, 'milestones': [3, 6, 9]}, 15)

# ---- ConstantLR / LinearLR ---------------------------------------------------------------------
case('ConstantLR defaults', {'type': 'ConstantLR', 'base': 0.1}, 12)
case('ConstantLR half for 10', {'type': 'ConstantLR', 'base': 0.2, 'factor': 0.5, 'totalIters': 10}, 20)
case('ConstantLR factor 1', {'type': 'ConstantLR', 'base': 0.01, 'factor': 1.0, 'totalIters': 3}, 8)
case('ConstantLR totalIters 1', {'type': 'ConstantLR', 'base': 1.0, 'factor': 0.25, 'totalIters': 1}, 6)
case('ConstantLR totalIters 0', {'type': 'ConstantLR', 'base': 1.0, 'factor': 0.5, 'totalIters': 0}, 6,
     'PyTorch quirk: the first step multiplies by factor and t never equals total_iters again, so the factor stays')
case('LinearLR defaults', {'type': 'LinearLR', 'base': 0.1}, 10)
case('LinearLR study warmup', {'type': 'LinearLR', 'base': 1e-3, 'startFactor': 0.1, 'endFactor': 1.0, 'totalIters': 6}, 10)
case('LinearLR decay to zero', {'type': 'LinearLR', 'base': 0.5, 'startFactor': 1.0, 'endFactor': 0.0, 'totalIters': 20}, 30)
case('LinearLR partial', {'type': 'LinearLR', 'base': 2.0, 'startFactor': 0.5, 'endFactor': 0.2, 'totalIters': 7}, 12)
case('LinearLR totalIters 1', {'type': 'LinearLR', 'base': 1.0, 'startFactor': 0.25, 'endFactor': 0.75, 'totalIters': 1}, 5)
case('LinearLR totalIters 0', {'type': 'LinearLR', 'base': 1.0, 'startFactor': 0.5, 'endFactor': 1.0, 'totalIters': 0}, 5,
     'PyTorch quirk: t > total_iters from the second step on, so the start factor stays')
case('LinearLR long warmup', {'type': 'LinearLR', 'base': 1.0, 'startFactor': 1e-3, 'endFactor': 1.0, 'totalIters': 500}, 520)

# ---- ExponentialLR / PolynomialLR ----------------------------------------------------------------
case('ExponentialLR 0.95', {'type': 'ExponentialLR', 'base': 0.1, 'gamma': 0.95}, 200)
case('ExponentialLR 0.5', {'type': 'ExponentialLR', 'base': 1.0, 'gamma': 0.5}, 45)
case('ExponentialLR 1', {'type': 'ExponentialLR', 'base': 0.01, 'gamma': 1.0}, 5)
case('ExponentialLR long drift', {'type': 'ExponentialLR', 'base': 1.0, 'gamma': 0.999}, 2000,
     'recursive lr *= gamma: drift vs the closed form grows ~ t ulp')
case('PolynomialLR defaults', {'type': 'PolynomialLR', 'base': 0.1}, 10)
case('PolynomialLR power 2', {'type': 'PolynomialLR', 'base': 1.0, 'totalIters': 50, 'power': 2.0}, 60)
case('PolynomialLR power 0.5', {'type': 'PolynomialLR', 'base': 0.3, 'totalIters': 17, 'power': 0.5}, 25)
case('PolynomialLR power 3', {'type': 'PolynomialLR', 'base': 1e-3, 'totalIters': 100, 'power': 3.0}, 110)
case('PolynomialLR totalIters 0', {'type': 'PolynomialLR', 'base': 0.2, 'totalIters': 0, 'power': 1.0}, 4)

# ---- CosineAnnealingLR ----------------------------------------------------------------------------
case('CosineAnnealingLR past T', {'type': 'CosineAnnealingLR', 'base': 0.1, 'tMax': 10}, 45)
case('CosineAnnealingLR etaMin', {'type': 'CosineAnnealingLR', 'base': 0.1, 'tMax': 7, 'etaMin': 0.01}, 40)
case('CosineAnnealingLR study', {'type': 'CosineAnnealingLR', 'base': 1e-3, 'tMax': 100, 'etaMin': 1e-6}, 250)
case('CosineAnnealingLR float T', {'type': 'CosineAnnealingLR', 'base': 1.0, 'tMax': 2.5}, 12)
case('CosineAnnealingLR T 1', {'type': 'CosineAnnealingLR', 'base': 1.0, 'tMax': 1, 'etaMin': 0.1}, 6)
case('CosineAnnealingLR long', {'type': 'CosineAnnealingLR', 'base': 1.0, 'tMax': 1000}, 1000,
     'recursive ratio form; drift vs the closed form is a few ulp per step')
case('CosineAnnealingLR base below etaMin', {'type': 'CosineAnnealingLR', 'base': 0.01, 'tMax': 8, 'etaMin': 0.05}, 20)

# ---- CosineAnnealingWarmRestarts ------------------------------------------------------------------
case('WarmRestarts T0 10', {'type': 'CosineAnnealingWarmRestarts', 'base': 0.1, 't0': 10}, 50)
case('WarmRestarts tMult 2', {'type': 'CosineAnnealingWarmRestarts', 'base': 0.1, 't0': 5, 'tMult': 2, 'etaMin': 1e-3}, 100)
case('WarmRestarts tMult 3', {'type': 'CosineAnnealingWarmRestarts', 'base': 1.0, 't0': 3, 'tMult': 3}, 130)
case('WarmRestarts T0 1', {'type': 'CosineAnnealingWarmRestarts', 'base': 0.5, 't0': 1}, 8)
case('WarmRestarts T0 1 tMult 2', {'type': 'CosineAnnealingWarmRestarts', 'base': 0.5, 't0': 1, 'tMult': 2, 'etaMin': 0.05}, 40)

# ---- CyclicLR (SGD with momentum: PyTorch 1.13 cycles only `momentum`, not Adam's betas) ---------
cyc = {'type': 'CyclicLR', 'base': 0.1, 'momentum': 0.9, 'baseLr': 0.001, 'maxLr': 0.006}
case('CyclicLR triangular', {**cyc, 'stepSizeUp': 10}, 60)
case('CyclicLR triangular stepSizeDown', {**cyc, 'stepSizeUp': 10, 'stepSizeDown': 5}, 60)
case('CyclicLR triangular2', {**cyc, 'stepSizeUp': 4, 'stepSizeDown': 6, 'mode': 'triangular2'}, 80)
case('CyclicLR exp_range', {**cyc, 'stepSizeUp': 5, 'mode': 'exp_range', 'gamma': 0.99}, 80)
case('CyclicLR exp_range stepSizeDown', {**cyc, 'stepSizeUp': 3, 'stepSizeDown': 9, 'mode': 'exp_range', 'gamma': 0.97}, 80)
case('CyclicLR float stepSizeUp', {**cyc, 'stepSizeUp': 2.5, 'stepSizeDown': 3.5}, 40)
case('CyclicLR stepSizeDown 0', {**cyc, 'stepSizeUp': 4, 'stepSizeDown': 0}, 20)
case('CyclicLR momentum range', {**cyc, 'stepSizeUp': 6, 'baseMomentum': 0.85, 'maxMomentum': 0.95, 'mode': 'triangular2'}, 50)
case('CyclicLR defaults', {**cyc, 'baseLr': 1e-4, 'maxLr': 1e-2}, 4100)
case('CyclicLR no momentum', {'type': 'CyclicLR', 'base': 0.1, 'baseLr': 0.01, 'maxLr': 0.1, 'stepSizeUp': 7,
                              'cycleMomentum': False}, 40)

# ---- OneCycleLR -----------------------------------------------------------------------------------
one = {'type': 'OneCycleLR', 'base': 0.1, 'beta1': 0.9, 'maxLr': 0.01}
case('OneCycleLR defaults', {**one, 'totalSteps': 100}, 100)
case('OneCycleLR linear', {**one, 'totalSteps': 100, 'annealStrategy': 'linear'}, 100,
     'step total_steps extrapolates the last phase (PyTorch allows it; the linear LR goes negative)')
case('OneCycleLR three phase', {**one, 'totalSteps': 120, 'threePhase': True}, 120)
case('OneCycleLR three phase linear', {**one, 'totalSteps': 90, 'threePhase': True, 'annealStrategy': 'linear'}, 90)
case('OneCycleLR epochs', {**one, 'epochs': 10, 'stepsPerEpoch': 7, 'pctStart': 0.25, 'divFactor': 10.0,
                           'finalDivFactor': 100.0}, 70)
case('OneCycleLR pctStart 0', {**one, 'totalSteps': 30, 'pctStart': 0.0}, 30)
case('OneCycleLR pctStart 1', {**one, 'totalSteps': 30, 'pctStart': 1.0}, 30, 'PyTorch divides by zero at step total_steps')
case('OneCycleLR pctStart non-integer boundary', {**one, 'totalSteps': 37, 'pctStart': 0.33}, 37)
case('OneCycleLR SGD momentum', {'type': 'OneCycleLR', 'base': 0.1, 'momentum': 0.9, 'maxLr': 0.01, 'totalSteps': 50,
                                  'baseMomentum': 0.8, 'maxMomentum': 0.9}, 50)
case('OneCycleLR no momentum', {'type': 'OneCycleLR', 'base': 0.1, 'maxLr': 0.1, 'totalSteps': 40, 'cycleMomentum': False}, 40)
case('OneCycleLR past total', {**one, 'totalSteps': 10}, 12, 'PyTorch raises after step total_steps')
case('OneCycleLR study', {'type': 'OneCycleLR', 'base': 1e-3, 'beta1': 0.9, 'maxLr': 5e-3, 'totalSteps': 100}, 100)

# ---- SequentialLR ---------------------------------------------------------------------------------
warmup = {'type': 'LinearLR', 'startFactor': 0.1, 'endFactor': 1.0, 'totalIters': 6}
case('SequentialLR study warmup + cosine', {'type': 'SequentialLR', 'base': 1e-3, 'milestones': [6], 'schedulers': [
    warmup, {'type': 'CosineAnnealingLR', 'tMax': 100, 'etaMin': 1e-6}]}, 120)
case('SequentialLR study warmup + constant', {'type': 'SequentialLR', 'base': 1e-3, 'milestones': [6], 'schedulers': [
    warmup, {'type': 'ConstantLR', 'factor': 1.0, 'totalIters': 100}]}, 100)
case('SequentialLR linear + exponential', {'type': 'SequentialLR', 'base': 0.5, 'milestones': [4], 'schedulers': [
    {'type': 'LinearLR', 'startFactor': 0.5, 'totalIters': 4}, {'type': 'ExponentialLR', 'gamma': 0.8}]}, 30)
case('SequentialLR three children', {'type': 'SequentialLR', 'base': 0.1, 'milestones': [5, 15], 'schedulers': [
    {'type': 'ConstantLR', 'factor': 0.1, 'totalIters': 10},
    {'type': 'LinearLR', 'startFactor': 1.0, 'endFactor': 0.5, 'totalIters': 8},
    {'type': 'StepLR', 'stepSize': 4, 'gamma': 0.5}]}, 40)
case('SequentialLR warmup + warm restarts', {'type': 'SequentialLR', 'base': 0.2, 'milestones': [3], 'schedulers': [
    {'type': 'LinearLR', 'startFactor': 0.2, 'totalIters': 3},
    {'type': 'CosineAnnealingWarmRestarts', 't0': 4, 'tMult': 2, 'etaMin': 0.01}]}, 40)
case('SequentialLR cosine + polynomial + multistep', {'type': 'SequentialLR', 'base': 1.0, 'milestones': [10, 20], 'schedulers': [
    {'type': 'CosineAnnealingLR', 'tMax': 10, 'etaMin': 0.1},
    {'type': 'PolynomialLR', 'totalIters': 8, 'power': 2.0},
    {'type': 'MultiStepLR', 'milestones': [2, 5], 'gamma': 0.3}]}, 30)
case('SequentialLR constant(totalIters 0) second', {'type': 'SequentialLR', 'base': 1.0, 'milestones': [3], 'schedulers': [
    {'type': 'ExponentialLR', 'gamma': 0.5}, {'type': 'ConstantLR', 'factor': 0.5, 'totalIters': 0}]}, 8,
    'a later child starts with step(0), i.e. its closed form, which differs from the recursive first step here')
case('SequentialLR warmup + OneCycle', {'type': 'SequentialLR', 'base': 0.1, 'beta1': 0.9, 'milestones': [5], 'schedulers': [
    {'type': 'LinearLR', 'startFactor': 0.5, 'totalIters': 5},
    {'type': 'OneCycleLR', 'maxLr': 0.05, 'totalSteps': 30}]}, 34,
    'OneCycleLR overwrites initial_lr at construction, so the warmup runs on max_lr/div_factor')
case('SequentialLR CyclicLR first', {'type': 'SequentialLR', 'base': 0.1, 'momentum': 0.9, 'milestones': [12], 'schedulers': [
    {'type': 'CyclicLR', 'baseLr': 0.01, 'maxLr': 0.05, 'stepSizeUp': 3},
    {'type': 'ExponentialLR', 'gamma': 0.9}]}, 30,
    'CyclicLR sets the LR to base_lr before initial_lr is recorded, so later children start from base_lr')
case('SequentialLR momentum held between cycling children', {'type': 'SequentialLR', 'base': 0.1, 'momentum': 0.9,
     'milestones': [4, 13, 20], 'schedulers': [
         {'type': 'ExponentialLR', 'gamma': 0.9},
         {'type': 'CyclicLR', 'baseLr': 0.01, 'maxLr': 0.05, 'stepSizeUp': 3, 'stepSizeDown': 2,
          'baseMomentum': 0.8, 'maxMomentum': 0.95},
         {'type': 'StepLR', 'stepSize': 2, 'gamma': 0.5},
         {'type': 'OneCycleLR', 'maxLr': 0.02, 'totalSteps': 15, 'baseMomentum': 0.7, 'maxMomentum': 0.85}]}, 36,
     'momentum: non-cycling children leave the last written value; constructing a cycling child writes its time-0 value')

# ---- ChainedScheduler -----------------------------------------------------------------------------
case('ChainedScheduler linear + exponential + step', {'type': 'ChainedScheduler', 'base': 1.0, 'schedulers': [
    {'type': 'LinearLR', 'startFactor': 0.5, 'totalIters': 4},
    {'type': 'ExponentialLR', 'gamma': 0.9},
    {'type': 'StepLR', 'stepSize': 3, 'gamma': 0.5}]}, 40)
case('ChainedScheduler constant + exponential', {'type': 'ChainedScheduler', 'base': 1.0, 'schedulers': [
    {'type': 'ConstantLR', 'factor': 0.1, 'totalIters': 2}, {'type': 'ExponentialLR', 'gamma': 0.9}]}, 20)
case('ChainedScheduler cosine + multistep', {'type': 'ChainedScheduler', 'base': 0.1, 'schedulers': [
    {'type': 'CosineAnnealingLR', 'tMax': 30},
    {'type': 'MultiStepLR', 'milestones': [10, 20], 'gamma': 0.5}]}, 30)
case('ChainedScheduler warmup + cosine', {'type': 'ChainedScheduler', 'base': 0.01, 'schedulers': [
    {'type': 'LinearLR', 'startFactor': 0.1, 'totalIters': 10},
    {'type': 'CosineAnnealingLR', 'tMax': 50}]}, 50)
case('ChainedScheduler polynomial + step', {'type': 'ChainedScheduler', 'base': 1.0, 'schedulers': [
    {'type': 'StepLR', 'stepSize': 5, 'gamma': 0.8}, {'type': 'PolynomialLR', 'totalIters': 20, 'power': 1.5}]}, 30)
case('ChainedScheduler cosine past tMax', {'type': 'ChainedScheduler', 'base': 1.0, 'schedulers': [
    {'type': 'ExponentialLR', 'gamma': 0.95}, {'type': 'CosineAnnealingLR', 'tMax': 10}]}, 30,
    'known divergence past tMax: the recursive cosine hits 0 at tMax and restarts from its own base, dropping the other factors')
case('ChainedScheduler nested', {'type': 'ChainedScheduler', 'base': 0.5, 'schedulers': [
    {'type': 'ChainedScheduler', 'schedulers': [
        {'type': 'LinearLR', 'startFactor': 0.25, 'totalIters': 8}, {'type': 'ExponentialLR', 'gamma': 0.97}]},
    {'type': 'MultiStepLR', 'milestones': [15, 25], 'gamma': 0.1}]}, 40)

# ---- the reference study's configurations (schedulers stepped once per epoch, 100 epochs) ---------
GRID = [1e-5 * 10 ** (k / 3) for k in range(10)]  # numpy.logspace(-5, -2, 10)
study_warmup = {'type': 'LinearLR', 'startFactor': 0.1, 'endFactor': 1.0, 'totalIters': 6}
for lr in GRID[::3]:
    case(f'study StepLR {lr:.3g}', {'type': 'StepLR', 'base': lr, 'stepSize': 5, 'gamma': 0.9}, 100)
    case(f'study CosineAnnealingLR {lr:.3g}', {'type': 'CosineAnnealingLR', 'base': lr, 'tMax': 100, 'etaMin': 1e-6}, 100)
    case(f'study CosineAnnealingLRWarmup {lr:.3g}', {'type': 'SequentialLR', 'base': lr, 'milestones': [6], 'schedulers': [
        study_warmup, {'type': 'CosineAnnealingLR', 'tMax': 100, 'etaMin': 1e-6}]}, 100)
    case(f'study OneCycleLR {lr:.3g}', {'type': 'OneCycleLR', 'base': 1e-3, 'beta1': 0.9, 'maxLr': lr, 'totalSteps': 100}, 100)
for t0 in (10, 25, 50):
    case(f'study CosineAnnealingWarmRestarts T0 {t0}', {'type': 'CosineAnnealingWarmRestarts', 'base': GRID[6], 't0': t0}, 100)


def main():
    cases = [record(*c) for c in CASES]
    doc = {
        'generator': 'scripts/gen_torch_schedules.py',
        'torch': torch.__version__,
        'semantics': "lr[t] / momentum[t]: the optimizer's param_groups[0] value after t calls of scheduler.step()",
        'cases': cases,
    }
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.relpath(OUT)} ({os.path.getsize(OUT) / 1e6:.2f} MB)')


if __name__ == '__main__':
    main()
