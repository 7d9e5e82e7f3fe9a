#!/usr/bin/env python3
"""Reference values for the schedule families (test/fixtures/family-refs.json).

Run with the Debian interpreter, which has torch:  /usr/bin/python3 scripts/gen_family_refs.py

- `torch` cases: real torch.optim.lr_scheduler trajectories. values[t] is the learning rate the
  optimizer holds after t calls of scheduler.step() (momentum likewise when cycled).
  `epochs` cases call scheduler.step(epoch) with fractional epochs instead.
- `formula` cases: optax / Keras / Hugging Face / timm are not installed here, so their schedule
  functions are transcribed below from the upstream sources (cited per function) and evaluated at
  the listed times. They are written independently of the TypeScript code under test.

CI never runs this script; the JSON it writes is committed.
"""
import json
import math
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")
BASE = 0.1


def opt(lr=BASE, momentum=0.9):
    return SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=momentum)


def trajectory(make, steps, lr=BASE, momentum_key=None):
    o = opt(lr)
    s = make(o)
    lrs, moms = [], []
    for _ in range(steps):
        lrs.append(o.param_groups[0]["lr"])
        if momentum_key:
            moms.append(o.param_groups[0]["momentum"])
        o.step()
        s.step()
    return lrs, moms


def by_epoch(make, epochs, lr=BASE):
    o = opt(lr)
    s = make(o)
    out = []
    for e in epochs:
        s.step(e)
        out.append(o.param_groups[0]["lr"])
    return out


torch_cases = []


def add(name, family, args, make, steps, momentum_family=None, momentum_args=None):
    lrs, moms = trajectory(make, steps, momentum_key=momentum_family)
    case = {"name": name, "family": family, "args": args, "values": lrs}
    if momentum_family:
        case["momentum"] = {"family": momentum_family, "args": momentum_args, "values": moms}
    torch_cases.append(case)


add("StepLR", "stepDecay", {"init": BASE, "stepSize": 7, "gamma": 0.3}, lambda o: S.StepLR(o, 7, 0.3), 50)
add("MultiStepLR", "multiStepDecay", {"init": BASE, "milestones": [5, 12, 30], "gamma": 0.2},
    lambda o: S.MultiStepLR(o, [5, 12, 30], 0.2), 40)
add("ExponentialLR", "exponentialDecay", {"init": BASE, "rate": 0.93}, lambda o: S.ExponentialLR(o, 0.93), 60)
add("LinearLR", "linear", {"init": BASE * 0.1, "end": BASE * 1.0, "duration": 6},
    lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=6), 20)
add("PolynomialLR", "polynomial", {"init": BASE, "duration": 17, "power": 2.5},
    lambda o: S.PolynomialLR(o, total_iters=17, power=2.5), 30)
add("CosineAnnealingLR", "cosine", {"init": BASE, "duration": 25, "min": 0.001, "periodic": True},
    lambda o: S.CosineAnnealingLR(o, T_max=25, eta_min=0.001), 120)
add("CosineAnnealingWarmRestarts", "cosineWarmRestarts", {"init": BASE, "period": 5, "min": 0.002},
    lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, eta_min=0.002), 40)
add("CosineAnnealingWarmRestarts-Tmult", "cosineWarmRestarts", {"init": BASE, "period": 3, "periodMult": 2},
    lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2), 100)
for mode, gamma in (("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.995)):
    add(f"CyclicLR-{mode}", "cyclic",
        {"base": 0.001, "max": 0.01, "stepSizeUp": 7, "stepSizeDown": 4, "mode": mode, "gamma": gamma},
        lambda o, mode=mode, gamma=gamma: S.CyclicLR(o, 0.001, 0.01, step_size_up=7, step_size_down=4, mode=mode,
                                                     gamma=gamma, base_momentum=0.8, max_momentum=0.9),
        60, "cyclic",
        {"base": 0.9, "max": 0.8, "stepSizeUp": 7, "stepSizeDown": 4, "mode": mode, "gamma": gamma})
for anneal, three in (("cos", False), ("linear", False), ("cos", True), ("linear", True)):
    add(f"OneCycleLR-{anneal}{'-3phase' if three else ''}", "oneCycle",
        {"max": 0.05, "total": 50, "pctStart": 0.25, "anneal": anneal, "divFactor": 20.0,
         "finalDivFactor": 1000.0, "threePhase": three},
        lambda o, anneal=anneal, three=three: S.OneCycleLR(o, max_lr=0.05, total_steps=50, pct_start=0.25,
                                                           anneal_strategy=anneal, div_factor=20.0,
                                                           final_div_factor=1000.0, three_phase=three,
                                                           base_momentum=0.8, max_momentum=0.92),
        50, "oneCycleMomentum",
        {"base": 0.8, "max": 0.92, "total": 50, "pctStart": 0.25, "anneal": anneal, "threePhase": three})
# The reference study: OneCycleLR(max_lr=5e-3, total_steps=100) stepped per epoch, default momenta.
add("OneCycleLR-study", "oneCycle", {"max": 5e-3, "total": 100},
    lambda o: S.OneCycleLR(o, max_lr=5e-3, total_steps=100), 100,
    "oneCycleMomentum", {"total": 100})

epoch_cases = []
frac = [0, 0.5, 1.25, 2.9, 3.0, 3.1, 4.75, 5.0, 8.9, 9.0, 9.5, 17.3, 21.0, 30.2, 44.99, 45.0, 60.5]
for t0, tm in ((3, 1), (3, 2), (2, 3)):
    epoch_cases.append({
        "name": f"CosineAnnealingWarmRestarts-T0={t0}-Tmult={tm}-step(epoch)",
        "family": "cosineWarmRestarts",
        "args": {"init": BASE, "period": t0, "periodMult": tm, "min": 0.001},
        "t": frac,
        "values": by_epoch(lambda o, t0=t0, tm=tm: S.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=tm, eta_min=0.001), frac),
    })


# ---------------------------------------------------------------------------------------------
# Transcriptions of the upstream schedule functions (not installed here).

def optax_exponential_decay(init_value, transition_steps, decay_rate, transition_begin=0, staircase=False, end_value=None):
    # optax/schedules/_schedule.py exponential_decay
    def schedule(count):
        decreased_count = count - transition_begin
        p = decreased_count / transition_steps
        if staircase:
            p = math.floor(p)
        decayed = init_value if decreased_count <= 0 else init_value * decay_rate ** p
        if end_value is not None:
            decayed = max(decayed, end_value) if decay_rate < 1.0 else min(decayed, end_value)
        return decayed
    return schedule


def optax_cosine_decay(init_value, decay_steps, alpha=0.0, exponent=1.0):
    # optax/schedules/_schedule.py cosine_decay_schedule
    def schedule(count):
        count = min(count, decay_steps)
        cosine_decay = 0.5 * (1 + math.cos(math.pi * count / decay_steps))
        decayed = (1 - alpha) * cosine_decay ** exponent + alpha
        return init_value * decayed
    return schedule


def keras_polynomial_decay(initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False):
    # keras/optimizers/schedules/learning_rate_schedule.py PolynomialDecay.__call__
    def schedule(step):
        decay_steps_recomp = decay_steps
        if cycle:
            multiplier = 1.0 if step == 0 else math.ceil(step / decay_steps)
            decay_steps_recomp = decay_steps_recomp * multiplier
        else:
            step = min(step, decay_steps)
        p = step / decay_steps_recomp
        return (initial_learning_rate - end_learning_rate) * (1 - p) ** power + end_learning_rate
    return schedule


def keras_inverse_time_decay(initial_learning_rate, decay_steps, decay_rate, staircase=False):
    # keras/optimizers/schedules/learning_rate_schedule.py InverseTimeDecay.__call__
    def schedule(step):
        p = step / decay_steps
        if staircase:
            p = math.floor(p)
        return initial_learning_rate / (1 + decay_rate * p)
    return schedule


def keras_piecewise_constant(boundaries, values):
    # keras PiecewiseConstantDecay: values[0] for x <= b[0], values[i] for b[i-1] < x <= b[i], values[-1] after
    def schedule(x):
        if x <= boundaries[0]:
            return values[0]
        if x > boundaries[-1]:
            return values[-1]
        for low, high, v in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            if low < x <= high:
                return v
    return schedule


def hf_inverse_sqrt(lr, num_warmup_steps, timescale=None):
    # transformers/optimization.py get_inverse_sqrt_schedule + _get_inverse_sqrt_schedule_lr_lambda
    if timescale is None:
        timescale = num_warmup_steps or 10_000

    def schedule(current_step):
        if current_step < num_warmup_steps:
            return lr * float(current_step) / float(max(1, num_warmup_steps))
        shift = timescale - num_warmup_steps
        return lr * (1.0 / math.sqrt((current_step + shift) / timescale))
    return schedule


def hf_wsd(lr, num_warmup_steps, num_decay_steps, num_training_steps, warmup_type="linear", decay_type="cosine", min_lr_ratio=0.0, num_cycles=0.5):
    # transformers/optimization.py get_wsd_schedule + _get_wsd_scheduler_lambda
    num_stable_steps = num_training_steps - num_warmup_steps - num_decay_steps

    def factor(current_step):
        if current_step < num_warmup_steps:
            progress = float(current_step) / float(max(1, num_warmup_steps))
            if warmup_type == "linear":
                f = progress
            elif warmup_type == "cosine":
                f = 0.5 * (1.0 - math.cos(math.pi * progress))
            elif warmup_type == "1-sqrt":
                f = 1.0 - math.sqrt(1.0 - progress)
            f = f * (1.0 - min_lr_ratio) + min_lr_ratio
            return max(0.0, f)
        if current_step < num_warmup_steps + num_stable_steps:
            return 1.0
        if current_step < num_warmup_steps + num_stable_steps + num_decay_steps:
            progress = float(current_step - num_warmup_steps - num_stable_steps) / float(max(1, num_decay_steps))
            if decay_type == "linear":
                f = 1.0 - progress
            elif decay_type == "cosine":
                f = 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress))
            elif decay_type == "1-sqrt":
                f = 1.0 - math.sqrt(progress)
            f = f * (1.0 - min_lr_ratio) + min_lr_ratio
            return max(0.0, f)
        return min_lr_ratio
    return lambda step: lr * factor(step)


def timm_tanh(lr, t_initial, lb=-7.0, ub=3.0, lr_min=0.0):
    # timm/scheduler/tanh_lr.py TanhLRScheduler._get_lr (cycle_mul=1, cycle_limit=1, no warmup)
    def schedule(t):
        i = t // t_initial
        t_curr = t - t_initial * i
        if i < 1:
            tr = t_curr / t_initial
            return lr_min + 0.5 * (lr - lr_min) * (1 - math.tanh(lb * (1.0 - tr) + ub * tr))
        return lr_min
    return schedule


def timm_cosine(lr, t_initial, lr_min=0.0, cycle_mul=1.0, cycle_decay=1.0, k_decay=1.0, cycle_limit=1000):
    # timm/scheduler/cosine_lr.py CosineLRScheduler._get_lr (no warmup)
    def schedule(t):
        if cycle_mul != 1:
            i = math.floor(math.log(1 - t / t_initial * (1 - cycle_mul), cycle_mul))
            t_i = cycle_mul ** i * t_initial
            t_curr = t - (1 - cycle_mul ** i) / (1 - cycle_mul) * t_initial
        else:
            i = t // t_initial
            t_i = t_initial
            t_curr = t - (t_initial * i)
        gamma = cycle_decay ** i
        lr_max = lr * gamma
        k = k_decay
        if i < cycle_limit:
            return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * t_curr ** k / t_i ** k))
        return lr_min
    return schedule


formula_cases = []


def addf(name, source, family, args, fn, ts):
    formula_cases.append({"name": name, "source": source, "family": family, "args": args, "t": ts,
                          "values": [fn(t) for t in ts]})


T = [0, 1, 2, 3, 4.5, 7, 10, 11, 19, 20, 25, 33, 50, 99, 100, 150]
addf("optax exponential_decay staircase begin end", "optax", "exponentialDecay",
     {"init": 0.5, "rate": 0.7, "every": 4, "staircase": True, "begin": 3, "end": 0.05},
     optax_exponential_decay(0.5, 4, 0.7, 3, True, 0.05), T)
addf("optax exponential_decay smooth", "optax", "exponentialDecay",
     {"init": 0.5, "rate": 0.9, "every": 3, "begin": 2},
     optax_exponential_decay(0.5, 3, 0.9, 2), T)
addf("optax exponential_decay growth capped", "optax", "exponentialDecay",
     {"init": 0.01, "rate": 1.3, "every": 2, "end": 0.4},
     optax_exponential_decay(0.01, 2, 1.3, 0, False, 0.4), T)
addf("optax cosine_decay_schedule alpha exponent", "optax", "cosine",
     {"init": 0.2, "duration": 40, "min": 0.2 * 0.1, "exponent": 2},
     optax_cosine_decay(0.2, 40, alpha=0.1, exponent=2), T)
addf("keras PolynomialDecay", "keras", "polynomial",
     {"init": 0.1, "end": 0.001, "duration": 30, "power": 0.5},
     keras_polynomial_decay(0.1, 30, 0.001, 0.5), T)
addf("keras PolynomialDecay cycle", "keras", "polynomial",
     {"init": 0.1, "end": 0.001, "duration": 30, "power": 2, "cycle": True},
     keras_polynomial_decay(0.1, 30, 0.001, 2, cycle=True), T)
addf("keras InverseTimeDecay", "keras", "inverseTime",
     {"init": 0.1, "rate": 0.5, "every": 10}, keras_inverse_time_decay(0.1, 10, 0.5), T)
addf("keras InverseTimeDecay staircase", "keras", "inverseTime",
     {"init": 0.1, "rate": 0.5, "every": 10, "staircase": True}, keras_inverse_time_decay(0.1, 10, 0.5, True), T)
addf("keras PiecewiseConstantDecay", "keras", "piecewiseConstant",
     {"boundaries": [10, 20, 50], "values": [1.0, 0.5, 0.1, 0.01]},
     keras_piecewise_constant([10, 20, 50], [1.0, 0.5, 0.1, 0.01]), T)
addf("hf get_inverse_sqrt_schedule", "huggingface", "inverseSqrt",
     {"init": 0.1, "timescale": 10, "warmup": 10}, hf_inverse_sqrt(0.1, 10), T)
addf("hf get_inverse_sqrt_schedule timescale", "huggingface", "inverseSqrt",
     {"init": 0.1, "timescale": 25, "warmup": 7}, hf_inverse_sqrt(0.1, 7, 25), T)
addf("hf get_inverse_sqrt_schedule no warmup", "huggingface", "inverseSqrt",
     {"init": 0.1}, hf_inverse_sqrt(0.1, 0), T + [12345])
for decay in ("linear", "cosine", "1-sqrt"):
    for warm in ("linear", "cosine", "1-sqrt"):
        addf(f"hf get_wsd_schedule warmup={warm} decay={decay}", "huggingface", "warmupStableDecay",
             {"peak": 0.1, "total": 100, "warmup": 10, "decay": 30, "decayShape": decay, "warmupShape": warm, "min": 0.1 * 0.05},
             hf_wsd(0.1, 10, 30, 100, warm, decay, 0.05), T + [69, 70, 71, 85, 101])
addf("timm TanhLRScheduler", "timm", "tanhDecay",
     {"init": 0.1, "min": 0.001, "duration": 50}, timm_tanh(0.1, 50, lr_min=0.001), T)
addf("timm TanhLRScheduler bounds", "timm", "tanhDecay",
     {"init": 0.1, "duration": 20, "lower": -6, "upper": 4}, timm_tanh(0.1, 20, -6.0, 4.0), T)
addf("timm CosineLRScheduler k_decay", "timm", "cosine",
     {"init": 0.1, "min": 0.001, "duration": 50, "k": 1.5}, timm_cosine(0.1, 50, 0.001, k_decay=1.5, cycle_limit=1), [t for t in T if t < 50])
addf("timm CosineLRScheduler cycle_mul cycle_decay", "timm", "cosineWarmRestarts",
     {"init": 0.1, "min": 0.001, "period": 10, "periodMult": 2, "peakDecay": 0.5},
     timm_cosine(0.1, 10, 0.001, cycle_mul=2, cycle_decay=0.5), [0, 1, 5, 9.5, 10, 15, 29, 30, 31, 69, 70, 100, 149.5])

out = {"generator": "scripts/gen_family_refs.py", "torch": torch.__version__,
       "torch_cases": torch_cases, "epoch_cases": epoch_cases, "formula_cases": formula_cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "family-refs.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {path}: {len(torch_cases)} torch, {len(epoch_cases)} epoch, {len(formula_cases)} formula cases")
