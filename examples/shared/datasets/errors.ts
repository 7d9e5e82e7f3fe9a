/** What went wrong while obtaining or reading a dataset. */
export type DatasetErrorCode =
  | 'missing' // no dataset files where they were looked for
  | 'truncated' // a file is shorter than its format or its advertised size requires
  | 'corrupt' // a file's content breaks its format (bad label byte, bad tar header, bad gzip)
  | 'checksum' // a download's MD5 differs from the published one
  | 'offline' // the network could not be reached
  | 'interrupted' // a download stopped part-way; the partial file is kept to resume
  | 'http'; // the server answered with an error status

/**
 * A dataset could not be obtained or read. Unlike `HyperscheduleError` (a bad argument), this is
 * about files and the network; `code` lets callers react (e.g. fall back when `offline`), and the
 * message always says what to do next.
 *
 * @example
 * ```ts
 * import { DatasetError } from './errors.js';
 * const e = new DatasetError('offline', 'CIFAR-10 could not be downloaded (ENOTFOUND).');
 * e.code; // 'offline'
 * ```
 */
export class DatasetError extends Error {
  readonly code: DatasetErrorCode;

  constructor(code: DatasetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatasetError';
    this.code = code;
  }
}
