import { describe, expect, it } from 'vitest';
import { outputFailure } from '../../../src/node/cli/output-failure.js';
import { runCli, type CliIO } from '../../../src/node/cli/run.js';

const systemError = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}, write`), { code, syscall: 'write' });

describe('outputFailure', () => {
  it('a reader that has gone (EPIPE) is a quiet exit with code 0', () => {
    expect(outputFailure(systemError('EPIPE', 'broken pipe'), 'stdout')).toEqual({ exitCode: 0 });
  });

  it('a full disk, an I/O error or anything else is one line naming the stream and the reason, code 1', () => {
    expect(outputFailure(systemError('ENOSPC', 'no space left on device'), 'stdout')).toEqual({
      exitCode: 1,
      line: 'hyperschedule: cannot write to stdout: no space left on device (ENOSPC)\n',
    });
    expect(outputFailure(systemError('EIO', 'i/o error'), 'stderr').line).toBe('hyperschedule: cannot write to stderr: i/o error (EIO)\n');
    expect(outputFailure(new Error('stream destroyed\n    at x'), 'stdout').line).toBe('hyperschedule: cannot write to stdout: stream destroyed\n');
  });
});

describe('runCli when its stdout throws', () => {
  const run = async (error: Error) => {
    let stderr = '';
    const io: CliIO = { stdout: () => { throw error; }, stderr: (t) => { stderr += t; }, readFile: () => '' };
    return { code: await runCli(['values', '{"type":"constant","value":1}', '--steps', '3'], io), stderr };
  };

  it('EPIPE: exit code 0, nothing on stderr', async () => {
    expect(await run(systemError('EPIPE', 'broken pipe'))).toEqual({ code: 0, stderr: '' });
  });

  it('EIO: exit code 1 and one line, not mistaken for a bad spec', async () => {
    expect(await run(systemError('EIO', 'i/o error'))).toEqual({ code: 1, stderr: 'hyperschedule: cannot write to stdout: i/o error (EIO)\n' });
  });
});
