/**
 * Worker process of a comparison or sweep: runs one training run and writes its result.
 *
 *   node --import tsx examples/vit/trial.ts '<run config JSON>' <trial dir> <result.json>
 *
 * Progress goes to the parent as sweep messages. SIGINT (Ctrl-C, from the terminal or forwarded by
 * the runner), SIGTERM (forwarded, or the runner's per-trial timeout), SIGHUP, and the runner
 * going away however it ended (SIGKILL included: its IPC channel closes) all stop the run after
 * the current update; it writes `<trial dir>/checkpoint.bin` and exits 130 / 143 / 129. The next
 * launch of the same trial resumes from it.
 */
import '@tensorflow/tfjs';
import { selectBackend, sendSweepMessage, writeJsonAtomic } from 'hyperschedule/node';
import { stopOnSignals } from '../shared/stop-signals.js';
import { parseRunConfig } from './config.js';
import { trainRun, type TrainEvent } from './train.js';

// If the parent is gone (the runner was killed), writes to its pipes fail with EPIPE; ignore that
// so the run still finishes its update and writes its checkpoint.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
// Installed before the data loads: a stop requested meanwhile is honoured after the first update.
const stop = stopOnSignals({
  watchParent: true,
  watchParentPid: true,
  onStop: (signal) => console.log(`${signal}: stopping after this update and writing a checkpoint`),
});

async function main(): Promise<number> {
  const [json, dir, resultPath] = process.argv.slice(2);
  if (!json || !dir || !resultPath) {
    console.error('usage: trial.ts <run config JSON> <trial dir> <result.json>');
    return 2;
  }
  const config = parseRunConfig(JSON.parse(json));
  const { summary } = await selectBackend({ prefer: config.preferBackend, quiet: true });
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
    if (e.type === 'start' && e.resumed) console.log(`resuming at epoch ${e.resumed.epoch + 1}, update ${e.resumed.step}`);
    if (e.type === 'epoch') console.log(JSON.stringify(e.record));
    sendSweepMessage(e);
  };
  const outcome = await trainRun({ config, dir, resume: true, onEvent, signal: stop.signal, backendDescription: summary });
  if (outcome.status === 'interrupted') {
    console.log(`interrupted at epoch ${outcome.epoch + 1}, update ${outcome.step}; checkpoint ${outcome.checkpoint}`);
    return stop.exitCode();
  }
  await writeJsonAtomic(resultPath, outcome.result);
  return 0;
}

// Exit explicitly: nothing else should keep a finished worker alive.
process.exit(await main());
