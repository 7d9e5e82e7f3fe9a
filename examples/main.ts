/**
 * The main job (`npm run example`): the ViT/AdamW study comparing fixed and scheduled
 * hyperparameters, offline on a fresh clone. `npm run example -- --help` lists the options;
 * `sweep` runs the reference study's search space, `train` a single run.
 */
import { runCli } from './vit/cli.js';

process.exit(await runCli(process.argv.slice(2)));
