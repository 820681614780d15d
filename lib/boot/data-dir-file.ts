import fs from 'node:fs';
import path from 'node:path';

/**
 * The content of `file`, created with `make()` (mode 0600) when it does not exist yet. Several processes may race
 * to create it (the worker processes of one server share DATA_DIR): each writes a file of its own and links it
 * into place, which succeeds for one of them only, so no process ever reads a file another is still writing;
 * the others read what the winner wrote.
 */
export function readOrCreateFile(file: string, make: () => string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const own = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(own, make(), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(own, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another process won the race: use what it wrote.
    } finally {
      fs.rmSync(own, { force: true });
    }
    return fs.readFileSync(file, 'utf8');
  }
}
