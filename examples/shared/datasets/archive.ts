import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { CIFAR10_ARCHIVE, CIFAR10_RECORDS_PER_FILE, isCifar10BinName, parseCifar10Batch, type Cifar10ReadOptions } from './cifar10.js';
import { DatasetError } from './errors.js';
import { readTar } from './tar.js';

/**
 * Unpacks the CIFAR-10 binary archive into `<parent>/cifar-10-batches-bin/` atomically: files are
 * written to a fresh temporary folder beside it, each `.bin` is checked to parse, and the folder is
 * renamed into place only when complete — a crash never leaves a half-written cache. Only the
 * known CIFAR-10 file names are written (no path from the archive is trusted). Each `.bin` must
 * hold `recordsPerFile` records (default 10,000), and the archive must end with tar's
 * end-of-archive marker: an archive cut anywhere is refused, never unpacked as fewer images.
 *
 * @example
 * ```ts
 * import { extractCifar10Archive } from './archive.js';
 * // const dir = await extractCifar10Archive('~/.cache/hyperschedule/cifar-10-binary.tar.gz', '~/.cache/hyperschedule');
 * ```
 */
export async function extractCifar10Archive(archive: string, parent: string, options: Cifar10ReadOptions = {}): Promise<string> {
  const records = options.recordsPerFile ?? CIFAR10_RECORDS_PER_FILE;
  const finalDir = join(parent, CIFAR10_ARCHIVE.folder);
  const tmp = join(parent, `.${CIFAR10_ARCHIVE.folder}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    let bins = 0;
    const gunzip = createReadStream(archive).pipe(createGunzip());
    try {
      for await (const entry of readTar(gunzip, archive)) {
        const name = basename(entry.name);
        const inFolder = entry.name.split('/').includes(CIFAR10_ARCHIVE.folder) || !entry.name.includes('/');
        if (!inFolder) continue;
        if (isCifar10BinName(name)) {
          parseCifar10Batch(entry.data, `${archive}:${entry.name}`, records); // refuse a damaged member now
          bins += 1;
        } else if (name !== 'batches.meta.txt' && name !== 'readme.html') {
          continue;
        }
        await writeFile(join(tmp, name), entry.data);
      }
    } catch (err) {
      if (err instanceof DatasetError) throw err;
      throw new DatasetError(
        'corrupt',
        `${archive} could not be unpacked (${(err as Error).message}); it is truncated or corrupt. Delete it and run again.`,
        { cause: err },
      );
    }
    if (bins === 0 || !existsSync(join(tmp, 'test_batch.bin'))) {
      throw new DatasetError('corrupt', `${archive} holds no CIFAR-10 test_batch.bin/data_batch_N.bin; it is not the CIFAR-10 binary archive.`);
    }
    if (existsSync(finalDir)) {
      // Another process finished first; its copy came from the same verified archive.
      return finalDir;
    }
    await rename(tmp, finalDir);
    return finalDir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
