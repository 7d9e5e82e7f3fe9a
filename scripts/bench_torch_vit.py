#!/usr/bin/python3
"""PyTorch side of `npm run bench` (bench/vit-step.ts): ms per ViT training step on the CPU.

Run with Debian's python3-torch (1.13, OpenBLAS):
    /usr/bin/python3 scripts/bench_torch_vit.py --preset small --batch 32 --threads 1,2 --steps 10

The model is examples/vit/model.ts layer for layer: 4x4 (or 8x8) patches cut with reshape/permute
and embedded by a Linear, class token, learned positional embedding, pre-norm blocks with separate
q/k/v/o Linears and scores divided by sqrt(hidden) (the reference study's quirk), an MLP with GELU
(exact erf, nn.GELU's default) after *both* linears, and a LayerNorm -> ReLU -> Linear head on the
class token. One step = forward, cross-entropy, backward, AdamW(0.9, 0.999, wd 1e-4) update, and
loss.item() (the tfjs side reads the loss back too).

Each thread count runs in its own child process (OMP/OpenBLAS thread pools are fixed at start-up).
Prints one JSON object: {"torch": version, "results": [{threads, ms: [...], median_ms, cpu_ms: [...],
median_cpu_ms, params}]} (ms: wall clock per step; cpu_ms: CPU time of all the process's threads).
Exits with status 3 and {"skipped": reason} when torch is not importable.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

PRESETS = {
    'reference': dict(image=32, patch=4, hidden=384, mlp=1536, heads=8, layers=7, classes=10),
    'small': dict(image=32, patch=4, hidden=192, mlp=384, heads=3, layers=2, classes=10),
    'tiny': dict(image=32, patch=8, hidden=64, mlp=128, heads=4, layers=2, classes=10),
}


def build(cfg):
    import torch
    from torch import nn

    d, h = cfg['hidden'], cfg['heads']
    tokens = (cfg['image'] // cfg['patch']) ** 2 + 1

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
            self.scale = d ** 0.5  # sqrt of the full width, as the reference study

        def forward(self, x):
            b, t, _ = x.shape
            split = lambda y: y.view(b, t, h, d // h).transpose(1, 2)
            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            att = torch.softmax(q @ k.transpose(-2, -1) / self.scale, dim=-1)
            return self.o((att @ v).transpose(1, 2).reshape(b, t, d))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1, self.attn, self.norm2 = nn.LayerNorm(d), Attention(), nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, cfg['mlp']), nn.GELU(), nn.Linear(cfg['mlp'], d), nn.GELU())

        def forward(self, x):
            x = x + self.attn(self.norm1(x))
            return x + self.mlp(self.norm2(x))

    class ViT(nn.Module):
        def __init__(self):
            super().__init__()
            p = cfg['patch']
            self.p = p
            self.patch_embed = nn.Linear(p * p * 3, d)
            self.cls_token = nn.Parameter(torch.randn(1, 1, d))
            self.pos_embed = nn.Parameter(torch.randn(1, tokens, d))
            self.blocks = nn.Sequential(*(Block() for _ in range(cfg['layers'])))
            self.head = nn.Sequential(nn.LayerNorm(d), nn.ReLU(), nn.Linear(d, cfg['classes']))

        def forward(self, x):  # x: [B, H, W, C], as the tfjs side
            b, s, _, c = x.shape
            n = s // self.p
            patches = x.reshape(b, n, self.p, n, self.p * c).permute(0, 1, 3, 2, 4).reshape(b, n * n, -1)
            z = torch.cat([self.cls_token.expand(b, -1, -1), self.patch_embed(patches)], 1) + self.pos_embed
            return self.head(self.blocks(z)[:, 0])

    return ViT()


def child(args):
    import torch
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = PRESETS[args.preset]
    model = build(cfg)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    x = torch.randn(args.batch, cfg['image'], cfg['image'], 3)
    y = torch.arange(args.batch) % cfg['classes']
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times, cpu = [], []
    for _ in range(args.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)  # all threads of this process
    print(json.dumps({'threads': args.threads, 'ms': times, 'median_ms': statistics.median(times),
                      'cpu_ms': cpu, 'median_cpu_ms': statistics.median(cpu),
                      'params': params, 'torch_threads': torch.get_num_threads()}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--preset', choices=sorted(PRESETS), default='small')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--threads', default='1,2', help='comma-separated thread counts (one child each)')
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.threads = int(args.threads)
        return child(args)
    try:
        import torch
    except ImportError as e:  # the bench reports this and carries on with the tfjs side
        print(json.dumps({'skipped': f'torch is not importable by {sys.executable}: {e}'}))
        sys.exit(3)
    results = []
    for n in [int(t) for t in args.threads.split(',')]:
        env = dict(os.environ, OMP_NUM_THREADS=str(n), OPENBLAS_NUM_THREADS=str(n), MKL_NUM_THREADS=str(n))
        cmd = [sys.executable, __file__, '--child', '--preset', args.preset, '--batch', str(args.batch),
               '--threads', str(n), '--steps', str(args.steps), '--warmup', str(args.warmup)]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(json.dumps({'torch': torch.__version__, 'preset': args.preset, 'batch': args.batch, 'results': results}))


if __name__ == '__main__':
    main()
