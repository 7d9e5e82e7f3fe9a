/**
 * The main job (`npm run example`, i.e. `node --import tsx examples/main.ts`): the ViT/AdamW study
 * comparing fixed and scheduled hyperparameters, offline on a fresh clone. `npm run example --
 * --help` lists the options; `sweep` runs the reference study's search space, `train` a single run.
 *
 * Started by tsx's CLI instead (`npx tsx examples/main.ts ...`), it runs itself again under
 * `node --import tsx`: that CLI SIGKILLs a script busy in a training step 60 ms after Ctrl-C, before
 * it can write its checkpoint (see shared/relaunch.ts).
 */
import { fileURLToPath } from 'node:url';
import { relaunchOutsideTsxCli } from './shared/relaunch.js';

const relaunched = await relaunchOutsideTsxCli(fileURLToPath(import.meta.url));
if (relaunched !== undefined) process.exit(relaunched);
// Loaded only here: the wrapper above stays small (no tfjs).
const { runCli } = await import('./vit/cli.js');
process.exit(await runCli(process.argv.slice(2)));
