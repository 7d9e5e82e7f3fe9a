"""Reference trajectories of torch.optim.lr_scheduler.ReduceLROnPlateau (torch 1.13).

Writes test/fixtures/torch-plateau.json: for each case, the options, the metric sequence and,
after every scheduler.step(metric), the learning rate and the scheduler's internal state.
Run with Debian's python: /usr/bin/python3 scripts/gen_torch_plateau.py
"""
import json
import math
import os
import random

import torch


def sequence(kind, n, rng):
    if kind == 'noisy-decay':
        # A loss that improves quickly, then flattens with noise: plateaus trigger reductions.
        return [2.0 * math.exp(-k / 8.0) + 0.3 + 0.02 * rng.gauss(0, 1) for k in range(n)]
    if kind == 'accuracy':
        # An accuracy that rises and saturates (mode max).
        return [0.9 - 0.8 * math.exp(-k / 6.0) + 0.005 * rng.gauss(0, 1) for k in range(n)]
    if kind == 'steps':
        # Piecewise constant with rare drops: exact ties are not improvements.
        return [1.0 - 0.1 * (k // 13) for k in range(n)]
    if kind == 'tiny-improvements':
        # Improvements smaller than a relative 1e-4 threshold but larger than an absolute 1e-6 one.
        return [1.0 - 1e-5 * k for k in range(n)]
    if kind == 'negative':
        # Negative metrics: torch's relative threshold best*(1-threshold) then moves the other way.
        return [-1.0 - 0.5 * math.exp(-k / 5.0) + 0.01 * rng.gauss(0, 1) for k in range(n)]
    if kind == 'random-walk':
        x, out = 1.0, []
        for _ in range(n):
            x += 0.05 * rng.gauss(0, 1)
            out.append(x)
        return out
    raise ValueError(kind)


CASES = [
    dict(name='defaults', seq='noisy-decay', n=120, opts=dict()),
    dict(name='patience2-factor0.5', seq='noisy-decay', n=80, opts=dict(patience=2, factor=0.5)),
    dict(name='max-accuracy', seq='accuracy', n=80, opts=dict(mode='max', patience=3, factor=0.3)),
    dict(name='cooldown', seq='noisy-decay', n=100, opts=dict(patience=1, cooldown=4, factor=0.5)),
    dict(name='min-lr', seq='steps', n=120, lr=0.1, opts=dict(patience=2, factor=0.2, min_lr=1e-4)),
    dict(name='eps-blocks', seq='steps', n=120, lr=1e-6, opts=dict(patience=1, factor=0.5, eps=1e-7)),
    dict(name='rel-threshold', seq='tiny-improvements', n=60, opts=dict(patience=3, threshold=1e-4)),
    dict(name='abs-threshold', seq='tiny-improvements', n=60, opts=dict(patience=3, threshold=1e-6, threshold_mode='abs')),
    dict(name='abs-max', seq='accuracy', n=80, opts=dict(mode='max', patience=2, threshold=0.01, threshold_mode='abs', cooldown=2)),
    dict(name='negative-rel', seq='negative', n=60, opts=dict(patience=2, factor=0.5)),
    dict(name='random-walk', seq='random-walk', n=150, lr=0.05, opts=dict(patience=4, factor=0.7, cooldown=1, min_lr=0.001)),
    dict(name='max-random-walk', seq='random-walk', n=150, opts=dict(mode='max', patience=0, factor=0.9, threshold=0.0)),
]


def run(case, rng):
    metrics = sequence(case['seq'], case['n'], rng)
    lr = case.get('lr', 1.0)
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **case['opts'])
    steps = []
    for m in metrics:
        scheduler.step(m)
        best = scheduler.best
        steps.append(dict(
            lr=optimizer.param_groups[0]['lr'],
            best=None if math.isinf(best) else best,
            numBadEpochs=scheduler.num_bad_epochs,
            cooldownCounter=scheduler.cooldown_counter,
            lastEpoch=scheduler.last_epoch,
        ))
    return dict(name=case['name'], initialLr=lr, options=case['opts'], metrics=metrics, steps=steps)


def main():
    rng = random.Random(20240607)
    out = dict(torch=torch.__version__, cases=[run(case, rng) for case in CASES])
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch-plateau.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
    print('wrote', os.path.normpath(path), len(out['cases']), 'cases')


if __name__ == '__main__':
    main()
