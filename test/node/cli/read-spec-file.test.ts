import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_LIMITS } from '../../../src/node/cli/limits.js';
import { readSpecFile } from '../../../src/node/cli/read-spec-file.js';
import { nodeCliIO, runCli } from '../../../src/node/cli/run.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-spec-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('readSpecFile', () => {
  it('reads a regular file as UTF-8', () => {
    expect(readSpecFile(file('ok.json', '{"type":"constant","value":"é"}'))).toBe('{"type":"constant","value":"é"}');
  });

  it('reads a file of exactly the limit and refuses one byte more, saying the size and the limit', () => {
    expect(CLI_LIMITS.maxSpecBytes).toBe(1_048_576);
    expect(readSpecFile(file('at-limit.json', Buffer.alloc(1000, 0x20)), 1000)).toHaveLength(1000);
    const big = file('big.json', Buffer.alloc(CLI_LIMITS.maxSpecBytes + 1, 0x20));
    expect(() => readSpecFile(big)).toThrowError('1048577 bytes, above the 1048576-byte limit for a spec file');
  });

  it('refuses what is not a regular file before opening it', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(() => readSpecFile(sub)).toThrowError(/^a directory, not a regular file$/);
    if (existsSync('/dev/zero')) expect(() => readSpecFile('/dev/zero')).toThrowError(/^a character device, not a regular file$/);
    if (existsSync('/dev/zero')) {
      const link = join(dir, 'link.json');
      symlinkSync('/dev/zero', link);
      expect(() => readSpecFile(link)).toThrowError(/^a character device, not a regular file$/);
    }
    const fifo = join(dir, 'fifo.json');
    if (spawnSync('mkfifo', [fifo]).status === 0) expect(() => readSpecFile(fifo)).toThrowError(/^a named pipe, not a regular file$/);
  });

  it('keeps the system code of a missing file', () => {
    expect(() => readSpecFile(join(dir, 'nope.json'))).toThrowError(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('the CLI on real files (nodeCliIO)', () => {
  const run = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { ...nodeCliIO(), stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    return { code, out, err };
  };

  it('reads a spec file', async () => {
    const { code, out } = await run(['values', file('spec.json', '{"type":"constant","value":2}'), '--steps', '2', '--csv']);
    expect([code, out]).toEqual([0, 'step,value\n0,2\n1,2\n']);
  });

  it('refuses a directory and a file above 1 MiB in one line naming the path', async () => {
    const big = file('huge.json', Buffer.alloc(2 * 1024 * 1024, 0x20));
    const tooBig = await run(['values', big, '--steps', '2']);
    expect(tooBig.code).toBe(1);
    expect(tooBig.err).toBe(`hyperschedule: spec: got ${JSON.stringify(big)}, expected inline JSON or the path of a readable JSON file (2097152 bytes, above the 1048576-byte limit for a spec file)\n`);
    const folder = await run(['values', dir, '--steps', '2']);
    expect(folder.err).toBe(`hyperschedule: spec: got ${JSON.stringify(dir)}, expected inline JSON or the path of a readable JSON file (a directory, not a regular file)\n`);
  });
});
