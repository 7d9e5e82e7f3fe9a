/**
 * Worker process of a comparison or sweep: runs one training run and writes its result.
 *
 *   node --import tsx examples/vit/trial.ts '<run config JSON>' <trial dir> <result.json>
 *
 * Progress goes to the parent as sweep messages; Ctrl-C (SIGINT, from the terminal or forwarded by
 * the runner) stops after the current update, writes `<trial dir>/checkpoint.bin` and exits 130;
 * the next launch of the same trial resumes from it.
 */
import '@tensorflow/tfjs';
import { selectBackend, sendSweepMessage, writeJsonAtomic } from 'hyperschedule/node';
import { parseRunConfig } from './config.js';
import { trainRun, type TrainEvent } from './train.js';

/** Exit code of a run stopped by SIGINT (128 + 2, as shells report it). */
const INTERRUPTED_EXIT_CODE = 130;

// If the parent is gone (a wrapper such as npx killed it on Ctrl-C), writes to its pipes fail
// with EPIPE; ignore that so the run still finishes its update and writes its checkpoint.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

async function main(): Promise<number> {
  const [json, dir, resultPath] = process.argv.slice(2);
  if (!json || !dir || !resultPath) {
    console.error('usage: trial.ts <run config JSON> <trial dir> <result.json>');
    return 2;
  }
  const config = parseRunConfig(JSON.parse(json));
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) console.log('SIGINT: stopping after this update and writing a checkpoint');
    controller.abort();
  });
  const { summary } = await selectBackend({ prefer: config.backend, quiet: true });
  console.log(summary);
  sendSweepMessage({ type: 'backend', summary });
  let lastStep = 0;
  const onEvent = (e: TrainEvent): void => {
    if (e.type === 'step') {
      // Throttled: a message per update would swamp the parent on fast runs.
      const now = Date.now();
      if (now - lastStep < 500) return;
      lastStep = now;
    }
    if (e.type === 'epoch') console.log(JSON.stringify(e.record));
    sendSweepMessage(e);
  };
  const outcome = await trainRun({ config, dir, resume: true, onEvent, signal: controller.signal, backend: summary });
  if (outcome.status === 'interrupted') {
    console.log(`interrupted at epoch ${outcome.epoch}, update ${outcome.step}; checkpoint ${outcome.checkpoint}`);
    return INTERRUPTED_EXIT_CODE;
  }
  await writeJsonAtomic(resultPath, outcome.result);
  return 0;
}

// Exit explicitly: nothing else should keep a finished worker alive.
process.exit(await main());
