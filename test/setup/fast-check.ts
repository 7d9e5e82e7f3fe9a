/**
 * fast-check seeds: fixed by default so `npm test` gives the same verdict on every run and every
 * machine; `npm run test:fuzz` draws a random seed (printed, so a counterexample can be replayed)
 * and is how new edge cases get found. `FC_SEED=<n>` replays any seed.
 */
import fc from 'fast-check';

const FIXED_SEED = 20261129;

function chooseSeed(): number {
  const fromEnv = process.env.FC_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED: got ${JSON.stringify(fromEnv)}, expected an integer`);
    return seed;
  }
  if (process.env.FC_RANDOM === '1') {
    const seed = Math.floor(Math.random() * 2 ** 31);
    console.log(`fast-check seed ${seed} (replay: FC_SEED=${seed} npm test)`);
    return seed;
  }
  return FIXED_SEED;
}

fc.configureGlobal({ seed: chooseSeed() });
