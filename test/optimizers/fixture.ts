import { readFileSync } from 'node:fs';

/** Shape of test/fixtures/torch-optimizers.json (written by scripts/gen_torch_optimizers.py). */
export interface TorchOptimizerFixture {
  torch: string;
  steps: number;
  shapes: Record<string, number[]>;
  init: Record<string, number[]>;
  grads: Array<Record<string, number[] | null>>;
  scenarios: TorchScenario[];
}

export interface TorchScenario {
  name: string;
  optimizer: 'AdamW' | 'Adam' | 'SGD';
  options: { amsgrad?: boolean; nesterov?: boolean };
  groups: Array<{ vars: string[]; hp: Record<string, number[]> }>;
  float32: Array<Record<string, number[]>>;
  float64: Array<Record<string, number[]>>;
}

export function loadTorchFixture(): TorchOptimizerFixture {
  const url = new URL('../fixtures/torch-optimizers.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as TorchOptimizerFixture;
}
