#!/usr/bin/python3
"""Reference trajectories of torch.optim AdamW / Adam / SGD for hyperschedule's optimizers.

Run with Debian's python3-torch (1.13):  /usr/bin/python3 scripts/gen_torch_optimizers.py
Writes test/fixtures/torch-optimizers.json; CI only reads the JSON.

Every scenario feeds the same fixed gradient sequence (float32 values) to torch.optim, in float32
and in float64, for STEPS steps over several variables of different shapes. Hyperparameters may
change every step: each step the values are written into the param_groups before opt.step(), the
way a torch LR scheduler (or a hand-written schedule) does it. Some variables get no gradient on
some steps (p.grad = None), which torch skips entirely (no decay, no step-count increment).
"""
import json
import math
import os

import numpy as np
import torch

STEPS = 30
SHAPES = {
    'dense/kernel': [3, 4],
    'dense/bias': [4],
    'conv/kernel': [2, 1, 3],
    'norm/gamma': [],
}
NAMES = list(SHAPES)
KERNELS = ['dense/kernel', 'conv/kernel']
OTHERS = ['dense/bias', 'norm/gamma']
# (step, variable) pairs with no gradient.
NO_GRAD = {(5, 'norm/gamma'), (17, 'norm/gamma'), (11, 'dense/bias')}

rng = np.random.default_rng(20240611)


def size(shape):
    return int(np.prod(shape)) if shape else 1


# Magnitudes in [1, 2] (with learning rates chosen so no parameter moves that far) keep every
# parameter away from 0, so relative errors stay meaningful; the generator asserts it below.
INIT = {
    n: (rng.uniform(1.0, 2.0, size(s)) * rng.choice([-1.0, 1.0], size(s))).astype(np.float32)
    for n, s in SHAPES.items()
}
GRADS = []
for t in range(STEPS):
    row = {}
    for n, s in SHAPES.items():
        if (t, n) in NO_GRAD:
            row[n] = None
            continue
        # Per-step scale spanning ~3.5 decades exercises eps and the second-moment average.
        scale = 10 ** rng.uniform(-3.0, 0.5)
        row[n] = (rng.standard_normal(size(s)) * scale).astype(np.float32)
    GRADS.append(row)


def seq(f):
    return [float(f(t)) for t in range(STEPS)]


def warmup_cosine(peak, floor_frac=0.1, warm=4):
    def f(t):
        if t < warm:
            return peak * (t + 1) / warm
        p = (t - warm) / (STEPS - 1 - warm)
        return peak * (floor_frac + (1 - floor_frac) * 0.5 * (1 + math.cos(math.pi * p)))
    return f


def one_cycle_beta(lo=0.85, hi=0.95):
    # OneCycle's momentum: hi -> lo over the first 30 %, then back to hi (cosine).
    def f(t):
        up = int(0.3 * STEPS)
        if t <= up:
            return hi - (hi - lo) * 0.5 * (1 - math.cos(math.pi * t / up))
        p = (t - up) / (STEPS - 1 - up)
        return lo + (hi - lo) * 0.5 * (1 - math.cos(math.pi * p))
    return f


LR_SCHED = seq(warmup_cosine(2e-2))
BETA1_SCHED = seq(one_cycle_beta())
BETA2_SCHED = seq(lambda t: 0.999 - 0.009 * t / (STEPS - 1))
WD_SCHED = seq(lambda t: 0.05 * (1 + 0.5 * math.sin(t)))
EPS_SCHED = seq(lambda t: 10 ** (-8 + 5 * t / (STEPS - 1)))
MOM_SCHED = seq(lambda t: 0.0 if t < 4 else 0.8 + 0.15 * math.sin(0.4 * t))
DAMP_SCHED = seq(lambda t: 0.1 + 0.4 * t / (STEPS - 1))
SGD_LR_SCHED = seq(warmup_cosine(1e-2))


def const(v):
    return [float(v)] * STEPS


def adam_hp(lr, beta1, beta2, eps, wd):
    return {'learningRate': lr, 'beta1': beta1, 'beta2': beta2, 'epsilon': eps, 'weightDecay': wd}


def sgd_hp(lr, momentum, dampening, wd):
    return {'learningRate': lr, 'momentum': momentum, 'dampening': dampening, 'weightDecay': wd}


ALL = [{'vars': NAMES}]
SCENARIOS = [
    # name, optimizer, options, groups (each: vars + per-step hyperparameters)
    ('adamw_default', 'AdamW', {}, [dict(vars=NAMES, hp=adam_hp(const(1e-2), const(0.9), const(0.999), const(1e-8), const(1e-2)))]),
    ('adamw_scheduled', 'AdamW', {}, [dict(vars=NAMES, hp=adam_hp(LR_SCHED, BETA1_SCHED, BETA2_SCHED, EPS_SCHED, WD_SCHED))]),
    ('adamw_amsgrad_scheduled', 'AdamW', {'amsgrad': True}, [dict(vars=NAMES, hp=adam_hp(LR_SCHED, BETA1_SCHED, BETA2_SCHED, const(1e-8), WD_SCHED))]),
    ('adamw_groups', 'AdamW', {}, [
        dict(vars=KERNELS, hp=adam_hp(LR_SCHED, BETA1_SCHED, const(0.999), const(1e-8), const(0.1))),
        dict(vars=OTHERS, hp=adam_hp([0.3 * v for v in LR_SCHED], BETA1_SCHED, const(0.999), const(1e-8), const(0.0))),
    ]),
    ('adam_default', 'Adam', {}, [dict(vars=NAMES, hp=adam_hp(const(1e-2), const(0.9), const(0.999), const(1e-8), const(0.0)))]),
    ('adam_l2_scheduled', 'Adam', {}, [dict(vars=NAMES, hp=adam_hp(LR_SCHED, BETA1_SCHED, BETA2_SCHED, const(1e-8), [2 * v for v in WD_SCHED]))]),
    ('adam_amsgrad', 'Adam', {'amsgrad': True}, [dict(vars=NAMES, hp=adam_hp(LR_SCHED, const(0.9), const(0.99), const(1e-6), const(1e-2)))]),
    ('sgd_plain', 'SGD', {}, [dict(vars=NAMES, hp=sgd_hp(const(3e-2), const(0.0), const(0.0), const(0.0)))]),
    ('sgd_momentum', 'SGD', {}, [dict(vars=NAMES, hp=sgd_hp(const(5e-3), const(0.9), const(0.0), const(0.0)))]),
    ('sgd_dampening_wd', 'SGD', {}, [dict(vars=NAMES, hp=sgd_hp(const(5e-3), const(0.9), const(0.3), const(1e-2)))]),
    ('sgd_nesterov', 'SGD', {'nesterov': True}, [dict(vars=NAMES, hp=sgd_hp(const(5e-3), const(0.9), const(0.0), const(5e-3)))]),
    ('sgd_scheduled', 'SGD', {}, [dict(vars=NAMES, hp=sgd_hp(SGD_LR_SCHED, MOM_SCHED, DAMP_SCHED, WD_SCHED))]),
    ('sgd_nesterov_scheduled', 'SGD', {'nesterov': True}, [dict(vars=NAMES, hp=sgd_hp(SGD_LR_SCHED, seq(lambda t: 0.85 + 0.1 * math.cos(0.3 * t)), const(0.0), WD_SCHED))]),
    ('sgd_groups', 'SGD', {}, [
        dict(vars=KERNELS, hp=sgd_hp(SGD_LR_SCHED, const(0.9), const(0.0), const(5e-2))),
        dict(vars=OTHERS, hp=sgd_hp([0.1 * v for v in SGD_LR_SCHED], MOM_SCHED, const(0.0), const(0.0))),
    ]),
]


def make_optimizer(kind, options, groups, params):
    pg = []
    for g in groups:
        hp = g['hp']
        entry = {'params': [params[n] for n in g['vars']], 'lr': hp['learningRate'][0], 'weight_decay': hp['weightDecay'][0]}
        if kind == 'SGD':
            entry.update(momentum=hp['momentum'][0], dampening=hp['dampening'][0])
        else:
            entry.update(betas=(hp['beta1'][0], hp['beta2'][0]), eps=hp['epsilon'][0])
        pg.append(entry)
    if kind == 'AdamW':
        return torch.optim.AdamW(pg, amsgrad=options.get('amsgrad', False), foreach=False)
    if kind == 'Adam':
        return torch.optim.Adam(pg, amsgrad=options.get('amsgrad', False), foreach=False)
    # Defaults matter: torch checks nesterov against the constructor's momentum/dampening.
    return torch.optim.SGD(pg, lr=pg[0]['lr'], momentum=pg[0]['momentum'], dampening=pg[0]['dampening'],
                           nesterov=options.get('nesterov', False), foreach=False)


def set_hyperparameters(kind, opt, groups, t):
    for group, g in zip(opt.param_groups, groups):
        hp = g['hp']
        group['lr'] = hp['learningRate'][t]
        group['weight_decay'] = hp['weightDecay'][t]
        if kind == 'SGD':
            group['momentum'] = hp['momentum'][t]
            group['dampening'] = hp['dampening'][t]
        else:
            group['betas'] = (hp['beta1'][t], hp['beta2'][t])
            group['eps'] = hp['epsilon'][t]


def run(kind, options, groups, dtype):
    params = {n: torch.nn.Parameter(torch.tensor(INIT[n], dtype=dtype).reshape(SHAPES[n])) for n in NAMES}
    opt = make_optimizer(kind, options, groups, params)
    trajectory = []
    for t in range(STEPS):
        set_hyperparameters(kind, opt, groups, t)
        for n in NAMES:
            g = GRADS[t][n]
            params[n].grad = None if g is None else torch.tensor(g, dtype=dtype).reshape(SHAPES[n])
        opt.step()
        trajectory.append({n: params[n].detach().reshape(-1).tolist() for n in NAMES})
    return trajectory


def fmt(values, digits):
    return [float(format(v, f'.{digits}g')) for v in values]


def main():
    out = {
        'generator': 'scripts/gen_torch_optimizers.py',
        'torch': torch.__version__,
        'steps': STEPS,
        'shapes': SHAPES,
        'init': {n: fmt(INIT[n].tolist(), 9) for n in NAMES},
        'grads': [{n: (None if GRADS[t][n] is None else fmt(GRADS[t][n].tolist(), 9)) for n in NAMES} for t in range(STEPS)],
        'scenarios': [],
    }
    for name, kind, options, groups in SCENARIOS:
        f32 = run(kind, options, groups, torch.float32)
        f64 = run(kind, options, groups, torch.float64)
        smallest = min(abs(x) for step in f64 for n in NAMES for x in step[n])
        assert smallest > 0.2, f'{name}: a parameter came within {smallest} of 0; relative errors would mislead'
        out['scenarios'].append({
            'name': name,
            'optimizer': kind,
            'options': options,
            'groups': groups,
            'float32': [{n: fmt(step[n], 9) for n in NAMES} for step in f32],
            'float64': [{n: fmt(step[n], 17) for n in NAMES} for step in f64],
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'torch-optimizers.json')
    with open(path, 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
        fh.write('\n')
    print(f'wrote {os.path.normpath(path)}: {len(out["scenarios"])} scenarios x {STEPS} steps')


if __name__ == '__main__':
    main()
