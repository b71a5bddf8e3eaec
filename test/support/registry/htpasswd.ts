import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The `htpasswd` binary from apache2-utils; distribution 2.8 only accepts its bcrypt (`-B`) entries. */
export const HTPASSWD_BINARY = process.env.IMPRIMATUR_TEST_HTPASSWD_BIN ?? 'htpasswd';

export interface HtpasswdUser {
  readonly username: string;
  readonly password: string;
}

function addUser(path: string, user: HtpasswdUser, create: boolean): Promise<void> {
  // -i: the password goes through stdin, not argv, so it never shows in the process list.
  const args = ['-B', '-i', ...(create ? ['-c'] : []), path, user.username];
  return new Promise((resolve, reject) => {
    const child = spawn(HTPASSWD_BINARY, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (err) =>
      reject(
        new Error(
          `cannot run ${HTPASSWD_BINARY} (${err.message}); install it with: apt-get install apache2-utils`,
        ),
      ),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`htpasswd exited ${code}: ${stderr}`)),
    );
    child.stdin.end(user.password);
  });
}

/** Writes `<dir>/htpasswd` with bcrypt entries for `users` and returns its path. */
export async function writeHtpasswd(dir: string, users: readonly HtpasswdUser[]): Promise<string> {
  const path = join(dir, 'htpasswd');
  let first = true;
  for (const user of users) {
    await addUser(path, user, first);
    first = false;
  }
  return path;
}
