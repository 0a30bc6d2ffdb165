import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pinned readers: openpyxl reads the workbook as Python users do, pypdf the pages LibreOffice printed. */
export const PYTHON_PACKAGES = ['openpyxl==3.1.5', 'pypdf==7.1.1'];

/**
 * The Python of ~/.cache/monthend/thirdparty-venv with the pinned packages, installed once per
 * machine (like cli/fuzz.ts does for schemathesis). MONTHEND_THIRDPARTY_VENV moves it.
 */
export async function thirdPartyPython(): Promise<string> {
  const venv =
    process.env.MONTHEND_THIRDPARTY_VENV ?? path.join(homedir(), '.cache', 'monthend', 'thirdparty-venv');
  const python = path.join(venv, 'bin', 'python');
  const installed = await run(path.join(venv, 'bin', 'pip'), ['freeze']).then(
    ({ stdout }) => stdout.split('\n'),
    () => [] as string[],
  );
  if (!PYTHON_PACKAGES.every((pin) => installed.includes(pin))) {
    await mkdir(path.dirname(venv), { recursive: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', ...PYTHON_PACKAGES], {
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return python;
}
