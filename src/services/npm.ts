import { spawn } from 'node:child_process';
import { LlmError } from '../errors.js';

/** npm failed; `message` is one line that says why and what to do. */
export class NpmError extends LlmError {}

/** The registry npm uses, for messages. */
export function registryOf(env: Readonly<Record<string, string | undefined>>): string {
  return env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY ?? 'https://registry.npmjs.org/';
}

/** Runs npm in `cwd`; resolves with its output, or rejects with an NpmError saying why it failed. */
export function runNpm(args: readonly string[], options: { cwd: string; env: Readonly<Record<string, string | undefined>>; what: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
      cwd: options.cwd,
      env: { ...options.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(new NpmError(error.code === 'ENOENT' ? 'npm was not found on PATH: installing plugins needs npm (it comes with Node.js).' : `npm could not start: ${error.message}`));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new NpmError(explainNpmFailure(stderr, options.what, registryOf(options.env))));
    });
  });
}

/** One line saying why npm failed, from its stderr. */
export function explainNpmFailure(stderr: string, what: string, registry: string): string {
  const code = /npm (?:error|ERR!) code (\S+)/.exec(stderr)?.[1];
  const errno = /npm (?:error|ERR!) errno (\S+)/.exec(stderr)?.[1];
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'ENETUNREACH', 'EHOSTUNREACH'];
  if (network.includes(code ?? '') || network.includes(errno ?? '') || /network|request to .* failed/i.test(stderr) && !/E404/.test(stderr)) {
    return `npm could not reach the registry ${registry} to install ${what}: check your network connection or proxy settings.`;
  }
  if (code === 'E404') return `${what} was not found on the npm registry ${registry}: check the package name.`;
  if (code === 'ETARGET') return `No version of ${what} matches the requested version: see 'npm view ${what.split('@')[0] || what} versions'.`;
  if (code === 'ENOENT' || code === 'EUSAGE' && /no such file/i.test(stderr)) return `Cannot install ${what}: no such file or folder.`;
  const last = stderr
    .split('\n')
    .map((line) => line.replace(/^npm (?:error|ERR!)\s*/, '').trim())
    .filter((line) => line && !/^(code|errno|syscall|path|A complete log)/.test(line))
    .pop();
  return `npm failed to install ${what}: ${last ?? 'unknown error'}.`;
}
