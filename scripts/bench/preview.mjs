// Serves the BENCH=1 build (bench.html, bench-bare.html) with vite preview, which sends the
// cross-origin isolation headers multi-threaded WASM needs.
import { execFileSync, spawn } from 'node:child_process';

const PORT = 4199;

/**
 * `build: false` reuses bench-out/dist from an earlier `npm run bench`.
 * @returns {Promise<{ url: string, stop: () => void }>}
 */
export async function startPreview({ build = true } = {}) {
  if (build)
    execFileSync('npx', ['vite', 'build', '--outDir', 'bench-out/dist', '--emptyOutDir'], {
      env: { ...process.env, BENCH: '1' },
      stdio: 'inherit',
    });
  const args = ['preview', '--outDir', 'bench-out/dist', '--host', '127.0.0.1'];
  const child = spawn('npx', ['vite', ...args, '--port', String(PORT), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  const { pid } = child;
  if (pid === undefined) throw new Error('could not start vite preview');
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/bench.html`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${PORT}/`, stop: () => process.kill(-pid) };
}
